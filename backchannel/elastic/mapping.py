"""The index's settings and mappings: what a message document is, field by field.

Text is analysed the way the SQLite FTS5 index (``porter unicode61``) does it,
so the two backends find the same messages for the same words: tokens are
runs of letters and digits (the query parser splits a user's words the same
way, so ``phillip.allen`` in a message is found by ``allen``), lower-cased,
accents folded, Porter-stemmed (``trades`` finds ``trading``). English stop
words are dropped, and with them the ``s`` and ``t`` left over from
possessives and contractions (``Allen's``, ``don't``).
"""

from __future__ import annotations

from typing import Any

from backchannel.query import STOP_WORDS

#: MiniLM (all-MiniLM-L6-v2) sentence vectors, as ``backchannel.vectors`` makes them.
DIMS = 384
#: The analyzer of ``subject`` and ``body``.
TEXT_ANALYZER = "message_text"


def _analysis() -> dict[str, Any]:
    return {
        "tokenizer": {"letters_digits": {"type": "pattern", "pattern": r"[^\p{L}\p{N}]+"}},
        "filter": {
            # Lucene's English list (a list here cannot name "_english_" and add to it), plus what
            # splitting "Allen's" and "don't" leaves behind
            "message_stop": {"type": "stop", "stopwords": sorted(STOP_WORDS | {"s", "t"})},
            "message_stemmer": {"type": "stemmer", "language": "english"},  # Porter, as FTS5's porter
        },
        "analyzer": {
            TEXT_ANALYZER: {
                "type": "custom",
                "tokenizer": "letters_digits",
                "filter": ["lowercase", "asciifolding", "message_stop", "message_stemmer"],
            }
        },
        "normalizer": {"folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
    }


def _mappings(dims: int) -> dict[str, Any]:
    keyword = {"type": "keyword"}
    folded = {"type": "keyword", "normalizer": "folded"}  # in:Inbox finds inbox, as SQL's NOCASE
    stored_only = {"type": "keyword", "index": False, "doc_values": False}
    text = {"type": "text", "analyzer": TEXT_ANALYZER}
    return {
        "dynamic": "strict",
        "properties": {
            "message_id": keyword,
            "thread_id": keyword,
            "kind": keyword,  # connector kind: maildir, slack_export, ...
            "source": folded,  # the source's name, when it has one
            "source_group": keyword,  # "mail" or "slack" (records.SOURCE_GROUPS)
            "container": folded,
            "author_id": {"type": "integer"},
            "author_keys": keyword,  # the author's identity keys (addresses, slack:U...)
            "author_name": {"type": "text", "fields": {"raw": keyword}},
            "subject": text,
            "body": text,  # scrubbed, quotes and signatures cut: what FTS5 indexes too
            "ts": {"type": "date", "format": "epoch_millis"},
            "visibility": keyword,  # public | restricted
            "access": {"type": "integer"},  # person ids that may read a restricted message
            "topics": keyword,  # entity ids linked in the message (never grey or hidden ones)
            "topic_titles": keyword,
            "has_attachment": {"type": "boolean"},
            "native_id": stored_only,
            "locator": stored_only,
            "vector": {
                "type": "dense_vector",
                "dims": dims,
                "index": True,
                "similarity": "cosine",
                # a quarter of float32's memory; the vectors are float16 at the source anyway
                "index_options": {"type": "int8_hnsw"},
            },
        },
    }


def index_body(dims: int = DIMS) -> dict[str, Any]:
    """Settings and mappings of one concrete index (the body of ``PUT /<index>``)."""
    return {"settings": {"analysis": _analysis()}, "mappings": _mappings(dims)}


def index_template(alias: str, dims: int = DIMS) -> dict[str, Any]:
    """The composable index template every ``<alias>-<timestamp>`` index is created from."""
    return {"index_patterns": [f"{alias}-*"], "template": index_body(dims), "priority": 100}
