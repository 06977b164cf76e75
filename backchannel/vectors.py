"""Semantic search vectors: embed what authors wrote, and find the nearest messages.

What is embedded is the subject and the *authored* text (quotes and
signatures already cut by the build, personal data already scrubbed), with
runs of punctuation ("=====", "-----", "***") dropped, clipped to
:data:`EMBED_CHARS` characters and at most :data:`EMBED_TOKENS` word pieces:
MiniLM's cost grows with the number of word pieces, and the first few
sentences say what a mail is about. Texts are embedded in batches sorted by
word pieces on :data:`WORKERS` threads of one torch thread each, and a text already
embedded (the same mail sent twice) reuses its vector by content hash.
Query vectors are cached (LRU) per process. ``bench/embed_speed.py`` and
bench/RESULTS.md ("Embedding speed") have the measurements behind each choice.

The index is exact below :data:`HNSW_MIN` vectors: one float32 matrix searched
with one matrix-vector product (9,300 messages: well under a millisecond).
From HNSW_MIN up it is an HNSW graph (usearch, float16, inner product) kept in
a file beside the database: the database stays the system of record, and the
file is rebuilt from ``message_vectors`` when it is missing, unreadable, of
another model, or stale (the store's ``vectors_stamp`` differs); vectors only
added since it was saved are added to it rather than rebuilding it. Keys are
``message_vectors`` rowids. Either index is loaded on first use and reloaded
when the store's vectors change (a trigger-kept counter says so in one row read).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from backchannel.progress import progress_bar

if TYPE_CHECKING:
    from backchannel.records import SearchFilters, Viewer
    from backchannel.store import Store

log = logging.getLogger(__name__)

#: Characters of subject + authored text embedded. On the relevance set 300 scored as well as
#: 600 (bench/RESULTS.md) and embeds 1.4x faster.
EMBED_CHARS = 300
#: Word pieces embedded at most (MiniLM's own limit is 256). 300 characters of Enron mail are
#: 23-125 word pieces (p10-p95); the cost is per word piece. 64 was faster still but cost
#: 0.016 test MRR (bench/RESULTS.md, "Embedding speed").
EMBED_TOKENS = 128
#: Linear layers as int8 (torch dynamic quantization, all but the feed-forward outputs): 1.7x
#: the fp32 rate, cosine to fp32 0.985 mean, fusion relevance unchanged (within 0.005).
QUANTIZED = False
#: What made the vectors (and how): a change here means every message is embedded again.
MODEL = f"all-minilm-l6-v2:subject+authored:{EMBED_CHARS}:clean:tok{EMBED_TOKENS}" + (
    ":int8" if QUANTIZED else ""
)
#: Texts per forward pass. On the 2-core CPU, 8-16 ran at ~56 texts/s and 64 at ~30 (padding
#: and cache effects), so small batches, each of similar lengths (the input is length-sorted).
BATCH = 16
#: Threads that embed in bulk (``index_vectors``), one torch thread each (nlp.embed.Embedder).
WORKERS = min(2, os.cpu_count() or 1)
#: With an access filter or operators, the vector candidates asked for are multiplied by this:
#: the graph does not filter, and a person may read a small share of the messages.
FILTERED_POOL = 10
#: Query vectors kept per process.
QUERY_CACHE = 2048
#: From this many vectors up the index is an HNSW graph in a file beside the database.
HNSW_MIN = 50_000
Encoder = Callable[[Sequence[str]], np.ndarray]

_PUNCT_RUN = re.compile(r"[^\w\s]{3,}")


def search_text(subject: str | None, authored: str | None) -> str:
    """The text a message's vector is made of."""
    text = _PUNCT_RUN.sub(" ", f"{subject or ''}\n{authored or ''}")
    return " ".join(text.split())[:EMBED_CHARS]


def content_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL}\n{text}".encode()).hexdigest()


@functools.cache
def _embedder(workers: int) -> Any:
    from nlp.embed import Embedder

    return Embedder(quantized=QUANTIZED, max_tokens=EMBED_TOKENS, workers=workers, batch_size=BATCH)


def default_encoder(workers: int = 1) -> Encoder:
    """The encoder the index's vectors are made with (``workers`` threads for bulk input)."""
    return _embedder(workers).encode


@functools.cache
def query_encoder() -> Encoder:
    """What embeds queries: ONNX Runtime when its graph agrees with PyTorch (~3x faster for one
    short text, nlp.onnx_query), else the PyTorch encoder the messages were embedded with."""
    from nlp.onnx_query import onnx_query_encoder

    reference = _embedder(1)
    return onnx_query_encoder(EMBED_TOKENS, reference) or reference.encode


@functools.lru_cache(maxsize=QUERY_CACHE)
def query_vector(query: str) -> np.ndarray:
    """A query's unit vector (float32), cached: a repeated query costs no forward pass."""
    vec = query_encoder()([query[:EMBED_CHARS]])[0].astype(np.float32)
    vec.setflags(write=False)
    return vec


def index_vectors(store: Store, *, encode: Encoder | None = None, quiet: bool = False) -> int:
    """Embed every built message that has no vector yet; returns how many were embedded."""
    todo = store.count_to_embed(MODEL)
    if not todo:
        return 0
    encode = encode or default_encoder(WORKERS)
    done = 0
    with progress_bar(todo, "vectors", quiet=quiet) as bar:
        while rows := store.texts_to_embed(MODEL, limit=2000):
            texts = [search_text(r["subject"], r["authored"]) for r in rows]
            hashes = [content_hash(t) for t in texts]
            known = store.vectors_by_hash(MODEL, hashes)
            # The encoder batches by word-piece count itself (nlp.embed.Embedder).
            fresh = list({h: t for h, t in zip(hashes, texts, strict=True) if h not in known}.items())
            if fresh:
                vecs = encode([t for _, t in fresh]).astype(np.float16)
                known.update({h: v.tobytes() for (h, _), v in zip(fresh, vecs, strict=True)})
            rows_out = [(r["id"], h, known[h]) for r, h in zip(rows, hashes, strict=True)]
            store.save_vectors(MODEL, rows_out)
            done += len(rows)
            bar.update(len(rows))
    log.info("embedded %d messages", done)
    return done


class VectorIndex:
    """Nearest-neighbour search over one database's message vectors.

    One per database per process (:func:`index_for`); the store is passed to
    each call, so a web request's own connection is used. ``hnsw_min``: from
    this many vectors up, an HNSW graph in ``<database>.vectors.usearch``
    (with its stamp in ``<database>.vectors.json``); below, an exact matrix.
    """

    def __init__(self, encode: Encoder | None = None, *, hnsw_min: int = HNSW_MIN) -> None:
        self._encode = encode
        self._hnsw_min = hnsw_min
        self._stamp: tuple[int, int] | None = None
        self._generation = -1
        self._ids: list[str] = []
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._graph: Any = None  # usearch.index.Index when the HNSW graph is in use

    def nearest(self, store: Store, query: str, k: int) -> list[tuple[str, float]]:
        """The ``k`` message ids most similar to ``query``, best first, with cosine similarities.

        No access filtering here (:meth:`nearest_readable` filters): callers never show a
        score or count of these. From the HNSW graph the neighbours are approximate (recall
        measured in bench/RESULTS.md).
        """
        found = self._search(store, query, k)
        if self._graph is None:
            return found  # type: ignore[return-value]
        ids = store.vector_ids([int(key) for key, _ in found])
        return [(ids[int(key)], score) for key, score in found if int(key) in ids]

    def nearest_readable(
        self,
        store: Store,
        viewer: Viewer,
        query: str,
        k: int,
        filters: SearchFilters | None = None,
        floor: float = -1.0,
    ) -> list[tuple[str, float, float]]:
        """Those of the ``k`` nearest messages with a similarity of at least ``floor`` that the
        viewer may read and the filters keep, as (id, similarity, timestamp), best first. A
        caller with an access filter asks for a larger ``k``: the graph does not filter."""
        found = [(key, score) for key, score in self._search(store, query, k) if score >= floor]
        if self._graph is None:
            when = store.readable_among(viewer, [str(mid) for mid, _ in found], filters)
            return [(str(mid), score, when[str(mid)]) for mid, score in found if mid in when]
        # Graph keys are message_vectors rowids: their ids and the access check in one statement.
        rows = store.readable_vectors(viewer, [int(key) for key, _ in found], filters)
        return [(rows[int(key)][0], score, rows[int(key)][1]) for key, score in found if int(key) in rows]

    def _search(self, store: Store, query: str, k: int) -> list[tuple[str | int, float]]:
        """(message id, or graph key, similarity) of the ``k`` nearest, best first."""
        self._refresh(store)
        if (self._graph is None and not self._ids) or not query.strip() or k <= 0:
            return []
        if self._encode is not None:
            vec = self._encode([query[:EMBED_CHARS]])[0].astype(np.float32)
        else:
            vec = query_vector(query)
        if self._graph is not None:
            found = self._graph.search(vec.astype(np.float16), min(k, len(self._graph)))
            return [(int(key), 1.0 - float(d)) for key, d in zip(found.keys, found.distances, strict=True)]
        scores = self._matrix @ vec
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._ids[i], float(scores[i])) for i in top]

    def _refresh(self, store: Store) -> None:
        generation = store.vectors_generation()
        if generation == self._generation and self._stamp is not None:
            return  # nothing in message_vectors changed since the last check
        stamp = store.vectors_stamp(MODEL)
        self._generation = generation
        if stamp == self._stamp:
            return
        self._graph = None
        self._ids, self._matrix = [], np.zeros((0, 0), dtype=np.float32)
        if stamp[0] >= self._hnsw_min and store.path is not None and str(store.path) != ":memory:":
            self._graph = load_graph(store, stamp)
        else:
            ids, blobs = [], []
            for mid, blob in store.vector_rows(MODEL):
                ids.append(mid)
                blobs.append(blob)
            if ids:
                self._matrix = (
                    np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(ids), -1).astype(np.float32)
                )
            self._ids = ids
        self._stamp = stamp


#: HNSW parameters: links per node, and the candidate lists when adding and searching.
#: Searching takes max(EF_SEARCH, k) candidates.
CONNECTIVITY = 16
EF_ADD = 96
EF_SEARCH = 128


def graph_paths(store: Store) -> tuple[Path, Path]:
    """The HNSW graph file and its stamp file, beside the database."""
    base = Path(str(store.path))
    return base.with_name(base.name + ".vectors.usearch"), base.with_name(base.name + ".vectors.json")


def _usearch_index() -> Any:
    """usearch's ``Index`` class, imported after ONNX Runtime.

    usearch's extension carries its own copy of the C++ runtime, whose process-wide locale
    symbols make a later ``import onnxruntime`` crash the interpreter (a segfault in
    ``std::codecvt``); imported in the other order both work (tests/test_onnx_query.py).
    """
    try:
        import onnxruntime  # noqa: F401
    except ImportError:  # query vectors then stay on PyTorch (nlp.onnx_query)
        pass
    from usearch.index import Index

    return Index


def _new_graph(ndim: int) -> Any:
    return _usearch_index()(
        ndim=ndim,
        metric="ip",  # vectors are unit length: inner product is the cosine
        dtype="f16",  # as stored: no precision lost against message_vectors
        connectivity=CONNECTIVITY,
        expansion_add=EF_ADD,
        expansion_search=EF_SEARCH,
    )


def _add_rows(graph: Any, rows: Any) -> int:
    """Add (rowid, float16 bytes) rows to ``graph`` in chunks; returns how many."""
    n = 0
    chunk: list[tuple[int, bytes]] = []

    def flush() -> None:
        keys = np.fromiter((r for r, _ in chunk), dtype=np.uint64, count=len(chunk))
        vecs = np.frombuffer(b"".join(b for _, b in chunk), dtype=np.float16).reshape(len(chunk), -1)
        graph.add(keys, vecs, threads=os.cpu_count() or 1)

    for row in rows:
        chunk.append(row)
        if len(chunk) == 50_000:
            flush()
            n += len(chunk)
            chunk = []
    if chunk:
        flush()
        n += len(chunk)
    return n


def load_graph(store: Store, stamp: tuple[int, int] | None = None) -> Any:
    """The HNSW graph of ``store``'s vectors: from its file when that is current, else (re)built and saved.

    The stamp file records the model and (count, last rowid) the graph was made from. Same
    stamp: the file is memory-mapped as is. Same model and the only change is vectors added
    after the last rowid: those are added and the file saved again. Otherwise it is rebuilt.
    """
    Index = _usearch_index()
    stamp = stamp or store.vectors_stamp(MODEL)
    graph_path, meta_path = graph_paths(store)
    meta: dict[str, Any] = {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    current = meta.get("model") == MODEL and graph_path.is_file()
    if current and tuple(meta.get("stamp", ())) == stamp:
        try:
            return Index.restore(str(graph_path), view=True)
        except Exception:  # noqa: BLE001 - an unreadable file is rebuilt below
            log.warning("vector index %s is unreadable: rebuilding it", graph_path)
            current = False
    graph = None
    if current:
        old_count, old_last = meta["stamp"]
        added = store.vectors_after(MODEL, old_last, upto=stamp[1])
        if old_count + added == stamp[0] and stamp[1] >= old_last:
            try:
                graph = Index.restore(str(graph_path), view=False)
            except Exception:  # noqa: BLE001
                graph = None
            if graph is not None:
                n = _add_rows(graph, store.vector_blobs(MODEL, after=old_last, upto=stamp[1]))
                log.info("vector index: added %d vectors to %s", n, graph_path)
    if graph is None:
        first = next(store.vector_blobs(MODEL, after=0, limit=1), None)
        if first is None:
            return None
        graph = _new_graph(len(first[1]) // 2)
        n = _add_rows(graph, store.vector_blobs(MODEL, after=0, upto=stamp[1]))
        log.info("vector index: built %s from %d vectors", graph_path, n)
    _save_graph(graph, graph_path, meta_path, stamp)
    return Index.restore(str(graph_path), view=True)


def _save_graph(graph: Any, graph_path: Path, meta_path: Path, stamp: tuple[int, int]) -> None:
    """Write the graph and then its stamp, each through a temporary file (readers never see half)."""
    tmp = graph_path.with_name(f"{graph_path.name}.{os.getpid()}.tmp")
    graph.save(str(tmp))
    os.replace(tmp, graph_path)
    tmp_meta = meta_path.with_name(f"{meta_path.name}.{os.getpid()}.tmp")
    tmp_meta.write_text(json.dumps({"model": MODEL, "stamp": list(stamp)}), encoding="utf-8")
    os.replace(tmp_meta, meta_path)


_INDEXES: dict[str, VectorIndex] = {}


def index_for(store: Store) -> VectorIndex:
    """This process's index of ``store``'s database."""
    return _INDEXES.setdefault(str(store.path), VectorIndex())
