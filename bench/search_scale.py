"""Search at scale on the embedded backend: index build time and size, query latency p50/p95.

    .venv/bin/python bench/search_scale.py --source PATH/backchannel.sqlite --work DIR \\
        [--messages 500000] [--latency 200] [--index hnsw|exact] [--reuse]

``--source`` is a built store of the shared Enron set (14,273 files -> 9,300
messages, embedded with the current ``backchannel.vectors.MODEL``). It is
copied to ``DIR/backchannel.sqlite`` and, when ``--messages`` is larger than
what it holds, grown there with synthetic messages (the source is never
written):

* each synthetic message takes its subject, body and authored text (and so its
  FTS row) from one real message, and its headers (author, container, thread,
  date, visibility, source) and its access rows (``message_access``) from
  another, both drawn at random (seed 11). The id and Message-ID are new.
* its vector is the vector of the real message whose subject and text it took:
  a vector is a function of ``search_text(subject, authored)`` alone, so equal
  text means an equal vector and nothing is embedded again. The corpus has
  9,300 distinct texts repeated ~54 times each; ranking sees more ties than real
  mail would, but the work per query (postings scanned, rows filtered, graph
  nodes visited) is that of 500,000 messages.
* mentions, recipients and locations are not copied (search does not read them).

Timed: the FTS index build (inserting every synthetic FTS row, then FTS5
``optimize``) and the vector index (the HNSW graph built from
``message_vectors``; ``--index exact`` keeps the float32 matrix, the "before").
Sizes: the database, the FTS tables, ``message_vectors``, the graph file.
Latency: BM25 and hybrid (and vectors alone), operator access and one person's
access (the person with the most access rows, as ``search_eval.py``), over the
relevance query set plus ``--latency`` random two-word queries from the index
vocabulary, ranking only (facet counts off unless ``--facets``); the query-vector
cache is cleared before each run, so every query is embedded once per run. Results go to
``bench/results/search_scale_<messages>.json``. Not run by CI.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from search_eval import load_queries  # noqa: E402

K = 10
MODES = ("bm25", "hybrid", "vector")


def grow(db: sqlite3.Connection, target: int, model: str, seed: int = 11) -> dict[str, float]:
    """Add synthetic messages until ``target`` built messages; returns timings (seconds)."""
    real = [r[0] for r in db.execute("SELECT rowid FROM messages WHERE built_at IS NOT NULL ORDER BY rowid")]
    have = len(real)
    add = target - have
    if add <= 0:
        return {}
    rng = random.Random(seed)
    # A throwaway copy: no rollback journal and no fsync while it grows (timings say so).
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("CREATE TEMP TABLE syn (n INTEGER PRIMARY KEY, id TEXT, b INTEGER, h INTEGER)")
    db.executemany(
        "INSERT INTO syn VALUES (?, ?, ?, ?)",
        ((n, f"syn{n:07d}", rng.choice(real), rng.choice(real)) for n in range(add)),
    )
    db.execute(
        "CREATE TEMP TABLE synb AS SELECT syn.n, syn.id, m.id AS bid, h.id AS hid FROM syn "
        "JOIN messages m ON m.rowid = syn.b JOIN messages h ON h.rowid = syn.h"
    )
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO messages (id, source_id, kind, locator, container, author_id, ts, thread_id, native_id, "
        "visibility, owner, edited, attachments, subject, body, authored, raw_body, pii_counts, ingested_at, "
        "built_at) SELECT s.id, h.source_id, h.kind, 'synthetic/' || s.id, h.container, h.author_id, h.ts, "
        "h.thread_id, '<' || s.id || '@scale.invalid>', h.visibility, h.owner, 0, '[]', b.subject, b.body, "
        "b.authored, NULL, NULL, h.ingested_at, h.built_at FROM synb s "
        "JOIN messages b ON b.id = s.bid JOIN messages h ON h.id = s.hid ORDER BY s.n"
    )
    db.execute(
        "INSERT INTO message_access (message_id, person_id) "
        "SELECT s.id, a.person_id FROM synb s JOIN message_access a ON a.message_id = s.hid"
    )
    db.execute(
        "INSERT INTO message_vectors (message_id, content_hash, model, vector) "
        "SELECT s.id, v.content_hash, v.model, v.vector FROM synb s "
        "JOIN message_vectors v ON v.message_id = s.bid AND v.model = ? ORDER BY s.n",
        (model,),
    )
    db.execute("COMMIT")
    out["rows_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    db.execute("BEGIN")
    # The source rows into a plain table first: message_id is UNINDEXED in the FTS table, and a
    # join against the FTS table itself is planned as a scan per row.
    db.execute("CREATE TEMP TABLE fts_src AS SELECT message_id AS mid, subject, body FROM messages_fts")
    db.execute("CREATE INDEX temp.fts_src_mid ON fts_src(mid)")
    db.execute(
        "INSERT INTO messages_fts (message_id, subject, body) SELECT s.id, x.subject, x.body FROM synb s "
        "JOIN fts_src x ON x.mid = s.bid ORDER BY s.n"
    )
    db.execute("COMMIT")
    out["fts_insert_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')")
    out["fts_optimize_s"] = time.perf_counter() - t0
    for table in ("syn", "synb", "fts_src"):
        db.execute(f"DROP TABLE {table}")
    return out


def sizes(path: Path, db: sqlite3.Connection) -> dict[str, float]:
    mb = 1024 * 1024
    out = {"database_mb": round(path.stat().st_size / mb, 1)}
    try:
        for name, like in (
            ("fts_mb", "messages_fts%"),
            ("vectors_mb", "message_vectors%"),
            ("messages_mb", "messages"),
            ("messages_search_index_mb", "messages_search"),
        ):
            pages = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE ?", (like,)).fetchone()[0]
            out[name] = round((pages or 0) / mb, 1)
        out["access_person_index_mb"] = round(
            (db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'access_person'").fetchone()[0] or 0)
            / mb,
            1,
        )
    except sqlite3.OperationalError:  # SQLite built without dbstat
        pass
    return out


def latency(
    store: Any, queries: list[str], viewers: dict[str, Any], modes: tuple[str, ...], facets: bool = False
) -> dict[str, Any]:
    from backchannel.search import search
    from backchannel.vectors import query_vector

    out: dict[str, Any] = {}
    for mode in modes:
        search(store, viewers["operator"], "warm up", mode=mode, facets=facets)  # loads models, the index
        for who, viewer in viewers.items():
            query_vector.cache_clear()
            times, empty = [], 0
            for q in queries:
                t0 = time.perf_counter()
                hits = search(store, viewer, q, limit=K, mode=mode, facets=facets).hits
                times.append((time.perf_counter() - t0) * 1000)
                empty += not hits
            times.sort()
            out[f"{mode} / {who}"] = {
                "p50_ms": round(times[len(times) // 2], 1),
                "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                "max_ms": round(times[-1], 1),
                "no_hits": empty,
            }
            print(mode, who, out[f"{mode} / {who}"], flush=True)
    return out


def vocab_queries(db: sqlite3.Connection, n: int, seed: int = 6) -> list[str]:
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_vocab USING fts5vocab(main, messages_fts, row)"
    )
    vocab = [
        str(r[0])
        for r in db.execute(
            "SELECT term FROM messages_vocab WHERE length(term) > 3 AND cnt >= 5 ORDER BY term"
        )
    ]
    rng = random.Random(seed)
    return [" ".join(rng.sample(vocab, 2)) for _ in range(n)]


def recall(store: Any, queries: list[str], k: int = 100) -> dict[str, float]:
    """The HNSW graph against the exact float32 matrix (the index before): the share of the
    graph's top ``k`` scoring at least the exact k-th score, and each one's search time alone
    (query vectors cached, so no embedding)."""
    from backchannel.vectors import VectorIndex, query_vector

    graph, exact = VectorIndex(hnsw_min=1), VectorIndex(hnsw_min=10**12)
    t0 = time.perf_counter()
    exact._refresh(store)
    load_exact = time.perf_counter() - t0
    for q in queries:
        query_vector(q)
    vals, tg, te = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        a = graph.nearest(store, q, k)
        t1 = time.perf_counter()
        b = exact.nearest(store, q, k)
        t2 = time.perf_counter()
        tg.append((t1 - t0) * 1000)
        te.append((t2 - t1) * 1000)
        # By score, not id: each text is in ~54 messages, so the exact top k is a set of ties
        # and which copies of a tied text come back is arbitrary.
        floor = b[-1][1] - 1e-3 if b else 1.0
        vals.append(sum(s >= floor for _, s in a) / max(1, len(b)))
    tg.sort()
    te.sort()
    return {
        f"recall@{k}": round(sum(vals) / len(vals), 4),
        "graph_p50_ms": round(tg[len(tg) // 2], 2),
        "exact_p50_ms": round(te[len(te) // 2], 2),
        "exact_load_s": round(load_exact, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--messages", type=int, default=500_000)
    ap.add_argument("--latency", type=int, default=200, help="random two-word queries added to the set")
    ap.add_argument("--index", choices=("hnsw", "exact"), default="hnsw")
    ap.add_argument("--modes", default="bm25,hybrid")
    ap.add_argument("--facets", action="store_true", help="count facets too (off: ranking alone)")
    ap.add_argument("--reuse", action="store_true", help="keep an already grown copy in --work")
    ap.add_argument("--recall", action="store_true", help="also measure the graph's recall against exact")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    import backchannel.vectors as vectors
    from backchannel.records import Viewer
    from backchannel.store import Store

    args.work.mkdir(parents=True, exist_ok=True)
    path = args.work / "backchannel.sqlite"
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} cores",
        "load_at_start": [round(x, 2) for x in os.getloadavg()],
        "index": args.index,
    }
    if not (args.reuse and path.exists()):
        for p in args.work.glob("backchannel.sqlite*"):
            p.unlink()
        shutil.copy(args.source, path)
        with Store.open(path) as store:  # runs any new migration on the copy
            pass
        db = sqlite3.connect(path, isolation_level=None)
        report["build"] = {k: round(v, 1) for k, v in grow(db, args.messages, vectors.MODEL).items()}
        db.execute("VACUUM")
        db.close()
    with Store.open(path) as store:
        db = store.db
        report["messages"] = db.execute(
            "SELECT count(*) FROM messages WHERE built_at IS NOT NULL"
        ).fetchone()[0]
        report["vectors"] = store.vectors_stamp(vectors.MODEL)[0]
        index = vectors.VectorIndex(hnsw_min=vectors.HNSW_MIN if args.index == "hnsw" else 10**12)
        vectors._INDEXES[str(store.path)] = index
        t0 = time.perf_counter()
        for p in vectors.graph_paths(store):
            if not args.reuse:  # time the graph's build (with --reuse: its load)
                p.unlink(missing_ok=True)
        index._refresh(store)
        report.setdefault("build", {})["vector_index_s"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        vectors.VectorIndex(hnsw_min=vectors.HNSW_MIN if args.index == "hnsw" else 10**12)._refresh(store)
        report["build"]["vector_index_load_s"] = round(time.perf_counter() - t0, 2)
        report["sizes"] = sizes(path, db)
        graph = vectors.graph_paths(store)[0]
        if graph.exists() and args.index == "hnsw":
            report["sizes"]["vector_graph_mb"] = round(graph.stat().st_size / 2**20, 1)
        person = db.execute(
            "SELECT person_id, count(*) FROM message_access GROUP BY person_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        report["one_person_messages"] = person[1]
        viewers = {"operator": Viewer(everything=True), "one person": Viewer(person_id=int(person[0]))}
        set_queries = [r["query"] for r in load_queries("all")]
        queries = set_queries + vocab_queries(db, args.latency)
        report["queries"] = len(queries)
        report["latency"] = latency(store, queries, viewers, tuple(args.modes.split(",")), facets=args.facets)
        if args.recall and args.index == "hnsw":
            report["vectors_graph_vs_exact"] = [recall(store, set_queries), recall(store, set_queries, 10)]
    report["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out = args.out or HERE / "results" / f"search_scale_{args.messages}_{args.index}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "latency"}, indent=1))


if __name__ == "__main__":
    main()
