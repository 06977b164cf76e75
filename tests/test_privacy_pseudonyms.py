"""Stable surrogates across spellings and sources; the store holds no real value."""

from __future__ import annotations

import pytest

from backchannel.records import PiiSpan
from backchannel.settings import DEFAULT_PII_POLICY, Settings
from backchannel.store import Store
from privacy.pseudonyms import Pseudonymizer, load_key, normalize, parse_surrogate
from privacy.scrub import scrub

KEY = b"k" * 32


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("PERSON", "Maria Gonzalez", "Gonzalez, Maria"),
        ("PERSON", "Maria Gonzalez", "MARIA  GONZALEZ"),
        ("PERSON", "Maria Gonzalez's", "Maria Gonzalez"),
        ("EMAIL_ADDRESS", "Maria.Gonzalez@Gmail.com", "maria.gonzalez@gmail.com"),
        ("PHONE_NUMBER", "(713) 853-6197", "713.853.6197"),
        ("PHONE_NUMBER", "+1 713 853 6197", "713/853-6197"),
        ("US_SSN", "536-22-8471", " 536-22-8471 "),
    ],
)
def test_spellings_of_one_value_normalize_alike(kind: str, a: str, b: str) -> None:
    assert normalize(kind, a) == normalize(kind, b)


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("PERSON", "Maria Gonzalez", "Mario Gonzalez"),
        ("PHONE_NUMBER", "(713) 853-6197", "(713) 853-6198"),
        ("EMAIL_ADDRESS", "maria@gmail.com", "maria@yahoo.com"),
    ],
)
def test_different_values_stay_different(kind: str, a: str, b: str) -> None:
    assert normalize(kind, a) != normalize(kind, b)


def test_same_value_same_surrogate_numbered_per_type(store: Store) -> None:
    surrogate = Pseudonymizer(store, KEY)
    first = surrogate("PERSON", "Maria Gonzalez")
    assert first == "<PERSON_1>"
    assert surrogate("PERSON", "Gonzalez, Maria") == first
    assert surrogate("PERSON", "Tom Brady") == "<PERSON_2>"
    assert surrogate("EMAIL_ADDRESS", "maria@gmail.com") == "<EMAIL_ADDRESS_1>"
    # a new process (fresh cache) on the same store gives the same surrogates
    again = Pseudonymizer(store, KEY)
    assert again("PERSON", "MARIA GONZALEZ") == first
    assert again("PERSON", "Tom Brady") == "<PERSON_2>"


def test_the_store_keeps_keyed_digests_not_values(store: Store) -> None:
    surrogate = Pseudonymizer(store, KEY)
    surrogate("PHONE_NUMBER", "(713) 853-6197")
    surrogate("PERSON", "Maria Gonzalez")
    store.close()
    data = b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))
    for value in (b"7138536197", b"853-6197", b"maria gonzalez", b"Maria Gonzalez"):
        assert value not in data
    assert b"PHONE_NUMBER" in data  # the row is there, as a digest


def test_another_key_gives_other_digests(settings: Settings) -> None:
    with Store.open(settings.database_path) as store:
        Pseudonymizer(store, KEY)("PERSON", "Maria Gonzalez")
        Pseudonymizer(store, b"other" * 8)("PERSON", "Maria Gonzalez")
        (count,) = store.db.execute("SELECT count(*) FROM pseudonyms").fetchone()
    assert count == 2


def test_generated_key_is_kept_private_and_reused(settings: Settings) -> None:
    key = load_key(settings)
    path = settings.data_dir / "pseudonym_key"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_key(settings) == key and len(key) == 64
    assert load_key(settings.with_overrides(pseudonym_key="from-env")) == b"from-env"


def test_scrub_pseudonymizes_by_policy(store: Store) -> None:
    text = "Maria Gonzalez wrote to maria@gmail.com; ask Maria Gonzalez at (713) 853-6197."
    spans = [
        PiiSpan(text.index("Maria"), text.index("Maria") + 14, "PERSON", 0.85),
        PiiSpan(text.index("maria@"), text.index("maria@") + 15, "EMAIL_ADDRESS", 1.0),
        PiiSpan(text.rindex("Maria"), text.rindex("Maria") + 14, "PERSON", 0.85),
        PiiSpan(text.index("(713"), text.index("(713") + 14, "PHONE_NUMBER", 0.7),
    ]
    out = scrub(text, spans, DEFAULT_PII_POLICY, min_score=0.4, surrogate=Pseudonymizer(store, KEY))
    assert out.text == "<PERSON_1> wrote to <EMAIL_ADDRESS_1>; ask <PERSON_1> at <PHONE_NUMBER>."
    redacted = scrub(text, spans, DEFAULT_PII_POLICY, min_score=0.4)  # no surrogate: fail closed
    assert redacted.text == "<PERSON> wrote to <EMAIL_ADDRESS>; ask <PERSON> at <PHONE_NUMBER>."
    for start, end, n_start, n_end in out.replacements:
        assert out.text[n_start:n_end].startswith("<") and text[start:end] not in out.text


@pytest.mark.parametrize(
    ("token", "parsed"),
    [
        ("<PERSON_17>", ("PERSON", 17)),
        ("<EMAIL_ADDRESS_4>", ("EMAIL_ADDRESS", 4)),
        ("<PERSON>", None),
        ("x", None),
    ],
)
def test_parse_surrogate(token: str, parsed: tuple[str, int] | None) -> None:
    assert parse_surrogate(token) == parsed


def test_members_other_name_forms_are_kept_unless_ambiguous() -> None:
    from privacy.scrub import member_name_forms

    forms = member_name_forms(["Phillip K. Allen", "Maria Lopez", "Al Li"], outsiders=["Maria Gonzalez"])
    assert forms == {"phillip", "allen", "lopez"}
    assert member_name_forms(["Steven J Kean"]) == {"steven", "steve", "kean", "steve kean"}
    assert "ken lay" in member_name_forms(["Kenneth L. Lay"])
