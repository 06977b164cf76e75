"""The vector index: the HNSW graph beside the database, its staleness checks, and the query cache."""

from __future__ import annotations

import json

import numpy as np
import pytest

import backchannel.vectors as vectors
from backchannel.store import Store
from backchannel.vectors import MODEL, VectorIndex, graph_paths, search_text

DIM = 32


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def _encode(texts):
    """A fake encoder: the text "q<seed>" means the vector _unit(seed)."""
    return np.stack([_unit(int(t[1:])) for t in texts])


def _add(store: Store, seeds: range, model: str = MODEL) -> None:
    store.db.execute(
        "PRAGMA foreign_keys = OFF"
    )  # vectors without built messages: the index reads only these
    store.save_vectors(model, [(f"m{s}", f"h{s}", _unit(s).astype(np.float16).tobytes()) for s in seeds])


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "kb.sqlite")
    yield s
    s.close()


def _exact_top(seeds, query_seed: int, k: int) -> list[str]:
    q = _unit(query_seed)
    scored = sorted(seeds, key=lambda s: -float(_unit(s).astype(np.float16).astype(np.float32) @ q))
    return [f"m{s}" for s in scored[:k]]


def test_graph_is_built_beside_the_database_and_finds_the_exact_neighbours(store) -> None:
    _add(store, range(300))
    index = VectorIndex(_encode, hnsw_min=100)
    near = index.nearest(store, "q5", 10)
    graph, meta = graph_paths(store)
    assert graph.is_file() and json.loads(meta.read_text())["stamp"] == list(store.vectors_stamp(MODEL))
    assert near[0] == ("m5", pytest.approx(1.0, abs=1e-2))
    # HNSW is approximate and built on two threads (not bit-for-bit repeatable): 9 of the exact
    # 10 is the bar; a broken graph finds far fewer.
    assert len({m for m, _ in near} & set(_exact_top(range(300), 5, 10))) >= 9
    assert [s for _, s in near] == sorted((s for _, s in near), reverse=True)


def test_below_the_threshold_the_index_is_exact_and_writes_no_file(store) -> None:
    _add(store, range(50))
    near = VectorIndex(_encode, hnsw_min=100).nearest(store, "q7", 5)
    assert [m for m, _ in near] == _exact_top(range(50), 7, 5)
    assert not any(p.exists() for p in graph_paths(store))


def test_added_vectors_are_added_to_the_saved_graph_not_rebuilt(store, monkeypatch) -> None:
    _add(store, range(200))
    VectorIndex(_encode, hnsw_min=100).nearest(store, "q1", 5)
    _add(store, range(200, 260))
    built = []
    real_new = vectors._new_graph
    monkeypatch.setattr(vectors, "_new_graph", lambda ndim: built.append(ndim) or real_new(ndim))
    near = VectorIndex(_encode, hnsw_min=100).nearest(store, "q250", 3)
    assert near[0][0] == "m250" and built == []  # found, and no new graph was made
    meta = json.loads(graph_paths(store)[1].read_text())
    assert meta["stamp"] == list(store.vectors_stamp(MODEL))


def test_a_stale_or_broken_graph_is_rebuilt_from_the_database(store) -> None:
    _add(store, range(200))
    VectorIndex(_encode, hnsw_min=100).nearest(store, "q1", 5)
    graph, meta = graph_paths(store)
    # a deleted vector: the stamp's count no longer adds up, so the graph is rebuilt without it
    store.db.execute("DELETE FROM message_vectors WHERE message_id = 'm3'")
    near = VectorIndex(_encode, hnsw_min=100).nearest(store, "q3", 50)
    assert "m3" not in {m for m, _ in near} and len(near) == 50
    # a file that is not a graph, and a stamp of another model
    graph.write_bytes(b"not an index")
    meta.write_text(json.dumps({"model": "other", "stamp": [1, 1]}))
    assert VectorIndex(_encode, hnsw_min=100).nearest(store, "q9", 1)[0][0] == "m9"
    graph.write_bytes(b"not an index")
    meta.write_text(json.dumps({"model": MODEL, "stamp": list(store.vectors_stamp(MODEL))}))
    assert VectorIndex(_encode, hnsw_min=100).nearest(store, "q9", 1)[0][0] == "m9"


def test_one_index_reloads_when_the_store_changes(store) -> None:
    _add(store, range(150))
    index = VectorIndex(_encode, hnsw_min=100)
    assert index.nearest(store, "q400", 1)[0][0] != "m400"
    _add(store, range(400, 401))
    assert index.nearest(store, "q400", 1)[0][0] == "m400"


def test_vectors_of_another_model_are_not_searched(store) -> None:
    _add(store, range(120))
    _add(store, range(500, 520), model="some-other-model")
    found = {m for m, _ in VectorIndex(_encode, hnsw_min=100).nearest(store, "q510", 60)}
    assert len(found) == 60 and found <= {f"m{s}" for s in range(120)}  # graph search is approximate


def test_query_vectors_are_cached(monkeypatch) -> None:
    calls: list[list[str]] = []

    def fake():
        return lambda texts: calls.append(list(texts)) or _encode(["q1"] * len(texts))

    vectors.query_vector.cache_clear()
    monkeypatch.setattr(vectors, "query_encoder", fake)
    try:
        a = vectors.query_vector("gas prices")
        b = vectors.query_vector("gas prices")
        vectors.query_vector("power prices")
    finally:
        vectors.query_vector.cache_clear()
    assert a is b and calls == [["gas prices"], ["power prices"]]
    with pytest.raises(ValueError):
        a[0] = 0.0  # read-only: a caller cannot corrupt the cached vector


def test_search_text_drops_punctuation_runs_and_clips() -> None:
    text = search_text("Daily News", "==========\nGas ----- prices *** rose... http://x.com " + "word " * 200)
    assert text.startswith("Daily News Gas prices rose http x.com word")
    assert "==" not in text and "--" not in text and len(text) == vectors.EMBED_CHARS
    assert search_text(None, None) == ""


@pytest.mark.parametrize("hnsw_min", [100, 10**9], ids=["graph", "exact"])
def test_nearest_readable_keeps_what_the_viewer_may_read(store, tmp_path, hnsw_min) -> None:
    from backchannel.records import BuiltMessage, SearchFilters, Viewer
    from tests.test_store import raw

    sid = store.source_id("maildir", tmp_path)
    with store.transaction():
        for s in range(150):  # bob may read every third message; the rest are ann's alone
            store.add_raw(sid, raw(f"m{s}", "ann@x.com", access=["bob@x.com"] if s % 3 == 0 else []))
    for s in range(150):
        store.save_built(BuiltMessage(f"m{s}", "Note", "text", "text", [], [], {}))
    _add(store, range(150))
    index = VectorIndex(_encode, hnsw_min=hnsw_min)
    bob = Viewer(person_id=store.person_by_key("bob@x.com"))
    everything = index.nearest(store, "q7", 150)
    got = index.nearest_readable(store, bob, "q7", 150)
    assert [mid for mid, _, _ in got] == [mid for mid, _ in everything if int(mid[1:]) % 3 == 0]
    assert all(score == dict(everything)[mid] and ts > 0 for mid, score, ts in got)
    floor = got[10][1]
    assert [g[0] for g in index.nearest_readable(store, bob, "q7", 150, floor=floor)] == [
        g[0] for g in got[:11]
    ]
    before = SearchFilters(until=raw("x", "a").timestamp)  # every message is at that instant: none before
    assert index.nearest_readable(store, bob, "q7", 150, before) == []
    assert (index._graph is not None) == (hnsw_min == 100)
