"""backchannel.query: operators, dates, and problems explained instead of errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backchannel.query import parse_query
from backchannel.records import SearchFilters


def _d(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "phrases", "filters"),
    [
        ("gas from:phillip.allen@enron.com", ("gas",), SearchFilters(authors=("phillip.allen@enron.com",))),
        ("from:a from:b", (), SearchFilters(authors=("a", "b"))),
        ("in:#general deploy", ("deploy",), SearchFilters(containers=("general",))),
        ("in:inbox", (), SearchFilters(containers=("inbox",))),
        ('topic:"Ruby on Rails" deploy', ("deploy",), SearchFilters(topics=("Ruby on Rails",))),
        ("has:attachment", (), SearchFilters(has_attachment=True)),
        ("HAS:Attachment", (), SearchFilters(has_attachment=True)),
        ("after:2001-05-01", (), SearchFilters(since=_d(2001, 5, 1))),
        ("before:2001-06", (), SearchFilters(until=_d(2001, 6, 1))),
        ("during:2001", (), SearchFilters(since=_d(2001, 1, 1), until=_d(2002, 1, 1))),
        ("during:2001-12", (), SearchFilters(since=_d(2001, 12, 1), until=_d(2002, 1, 1))),
        ("during:2001/02/28", (), SearchFilters(since=_d(2001, 2, 28), until=_d(2001, 3, 1))),
        # the narrower bound wins
        (
            "during:2001 after:2001-06 before:2002-03",
            (),
            SearchFilters(since=_d(2001, 6, 1), until=_d(2002, 1, 1)),
        ),
        ("http://example.com/x", ("http", "example", "com", "x"), SearchFilters()),
        ("10:30 meeting", ("10", "30", "meeting"), SearchFilters()),
    ],
)
def test_query_operators(text, phrases, filters) -> None:
    q = parse_query(text)
    assert q.phrases == phrases
    assert q.filters == filters
    assert q.problems == ()


@pytest.mark.parametrize(
    ("text", "phrases", "says"),
    [
        ("foo:bar gas", ("foo", "bar", "gas"), "foo: is not a search operator"),
        ("gas after:yesterday", ("gas",), "after:yesterday is not a date"),
        ("gas during:2001-13", ("gas",), "during:2001-13 is not a date"),
        ("gas before:2001-02-30", ("gas",), "before:2001-02-30 is not a date"),
        ("has:pdf", (), "has:pdf is not known"),
        ("from: gas", ("gas",), "from: needs a value"),
        ("after:2002 before:2001", (), "nothing can match"),
        ("-from:raj gas", ("gas",), "cannot be excluded"),
    ],
)
def test_query_problems_are_explained_never_raised(text, phrases, says) -> None:
    q = parse_query(text)
    assert q.phrases == phrases
    assert any(says in p for p in q.problems), q.problems


def test_query_operator_values_are_never_fts_syntax() -> None:
    q = parse_query('topic:"a" OR NEAR(x) "unclosed')
    assert q.filters.topics == ("a",)
    assert q.fts() == '"OR" "NEAR" "x" "unclosed"'


def test_query_filters_are_falsy_when_empty() -> None:
    assert not SearchFilters()
    assert SearchFilters(has_attachment=True)


def test_relaxed_query_leaves_out_stop_words_unless_nothing_else_is_left() -> None:
    assert parse_query("the pipeline in Houston").fts(any_term=True) == '"pipeline" OR "Houston"'
    assert parse_query("the pipeline in Houston").fts() == '"the" "pipeline" "in" "Houston"'
    assert parse_query("to be or not").fts(any_term=True) == '"to" OR "be" OR "or" OR "not"'
    assert parse_query('"in the money" gas').fts(any_term=True) == '"in the money" OR "gas"'


def test_relaxed_query_matches_common_words_only_beside_a_rare_one() -> None:
    q = parse_query("houston flood the 2001 -rain")
    common = frozenset({"houston", "2001"})
    assert q.fts(any_term=True, optional=common) == (
        '(("flood") AND ("houston" OR "flood" OR "2001")) NOT "rain"'
    )
    # Every word common, or none: any word matches, as before.
    assert q.fts(any_term=True, optional=frozenset({"houston", "flood", "2001"})) == (
        '("houston" OR "flood" OR "2001") NOT "rain"'
    )
    assert q.fts(any_term=True) == '("houston" OR "flood" OR "2001") NOT "rain"'
    # The all-words query is never pruned.
    assert q.fts(optional=common) == '("houston" "flood" "the" "2001") NOT "rain"'
