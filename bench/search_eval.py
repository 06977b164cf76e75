"""Search relevance and latency on a built store of the shared Enron set.

    .venv/bin/python bench/search_eval.py --data-dir DIR [--split test|dev|all] [--latency N]

``DIR`` is a data folder where the shared Enron maildir was ingested and built
(``backchannel ingest /tmp/enron/maildir && backchannel build`` with
``BACKCHANNEL_DATA_DIR=DIR``). Queries come from ``bench/search_data/queries.jsonl``.

Relevance, per mode (BM25 alone, vectors alone, the reciprocal-rank fusion):

* **MRR@10**: 1 / rank of the first hit graded 1 or 2 (0 if none in the top 10);
* **nDCG@10**: gains 2^grade - 1; the ideal ranking is built from the judged mails,
  one per mail (a mail stored in several folders is one message after ingest, and
  its copies' Message-IDs are grouped by ``same_mail``). Unjudged hits count as 0.

A hit is matched by its stored Message-ID (``citation.native_id``), which is one
of its copies' Message-IDs. Latency: each mode over the set's queries plus
``--latency`` random two-word queries from the index vocabulary, with operator
access and with one person's access (the access filter on), p50/p95 in ms; the query-vector
cache is cleared before each run, so every query is embedded once per run.
Results go to ``bench/results/search_eval.json``. Not run by CI.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "search_data" / "queries.jsonl"
MODES = ("bm25", "vector", "hybrid")
K = 10


def load_queries(split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def mail_groups(record: dict[str, Any]) -> dict[str, str]:
    """Message-ID -> the id of its mail (the first of its ``same_mail`` group, else itself)."""
    group = {mid: mid for mid in record["relevant"]}
    for copies in record.get("same_mail", []):
        for mid in copies:
            group[mid] = copies[0]
    return group


def score_ranking(record: dict[str, Any], hit_ids: list[str]) -> tuple[float, float]:
    """(reciprocal rank, nDCG) of the first K hits, copies of one mail counted once."""
    group = mail_groups(record)
    grade_of_mail: dict[str, int] = {}
    for mid, grade in record["relevant"].items():
        mail = group[mid]
        grade_of_mail[mail] = max(grade_of_mail.get(mail, 0), int(grade))
    seen: set[str] = set()
    gains = []
    for mid in hit_ids[:K]:
        mail = group.get(mid)
        gain = 0
        if mail is not None and mail not in seen:
            seen.add(mail)
            gain = grade_of_mail[mail]
        gains.append(gain)
    rr = next((1.0 / (i + 1) for i, g in enumerate(gains) if g > 0), 0.0)
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(grade_of_mail.values(), reverse=True)[:K]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return rr, (dcg / idcg if idcg else 0.0)


def relevance(store: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    from backchannel.records import Viewer
    from backchannel.search import search

    everyone = Viewer(everything=True)
    out: dict[str, Any] = {}
    for mode in MODES:
        per_kind: dict[str, list[tuple[float, float]]] = {}
        for rec in records:
            hits = search(store, everyone, rec["query"], limit=K, mode=mode, facets=False).hits
            ids = [h.citation.native_id for h in hits if h.citation is not None]
            scores = score_ranking(rec, ids)
            per_kind.setdefault("all", []).append(scores)
            per_kind.setdefault(rec["kind"], []).append(scores)
            if rec.get("paraphrase"):
                per_kind.setdefault("paraphrase", []).append(scores)
        out[mode] = {
            kind: {
                "queries": len(vals),
                "mrr@10": round(statistics.fmean(v[0] for v in vals), 3),
                "ndcg@10": round(statistics.fmean(v[1] for v in vals), 3),
            }
            for kind, vals in per_kind.items()
        }
    return out


def latency(store: Any, records: list[dict[str, Any]], n_random: int) -> dict[str, Any]:
    from backchannel.records import Viewer
    from backchannel.search import search
    from backchannel.vectors import query_vector

    vocab = (
        [
            str(r[0])
            for r in store.db.execute(
                "SELECT term FROM messages_vocab WHERE length(term) > 3 AND cnt >= 5 ORDER BY term"
            )
        ]
        if _has_vocab(store)
        else []
    )
    rng = random.Random(6)
    queries = [r["query"] for r in records] + [
        " ".join(rng.sample(vocab, 2)) for _ in range(n_random if vocab else 0)
    ]
    person = store.db.execute(
        "SELECT person_id FROM message_access GROUP BY person_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    viewers = {"operator": Viewer(everything=True), "one person": Viewer(person_id=int(person[0]))}
    out: dict[str, Any] = {"queries": len(queries)}
    # Ranking alone per mode, then the search page's whole work (hybrid + facets + did-you-mean).
    for mode, facets in [*((m, False) for m in MODES), ("hybrid", True)]:
        search(store, viewers["operator"], "warm up", mode=mode)  # loads models and the vector index
        for who, viewer in viewers.items():
            query_vector.cache_clear()  # every run embeds its queries (as the first search would)
            times = []
            for q in queries:
                t0 = time.perf_counter()
                search(store, viewer, q, limit=K, mode=mode, facets=facets)
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out[f"{mode}{' + facets' if facets else ''} / {who}"] = {
                "p50_ms": round(times[len(times) // 2], 1),
                "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            }
    return out


def _has_vocab(store: Any) -> bool:
    try:
        store.db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_vocab USING fts5vocab(main, messages_fts, row)"
        )
    except Exception:  # noqa: BLE001 - an older SQLite without fts5vocab: no random queries
        return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--split", default="test", choices=("dev", "test", "all"))
    ap.add_argument("--latency", type=int, default=200, help="random two-word queries added to the timing")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "search_eval.json")
    args = ap.parse_args()

    from backchannel.settings import Settings
    from backchannel.store import Store
    from backchannel.vectors import MODEL

    settings = Settings(data_dir=args.data_dir)
    records = load_queries(args.split)
    with Store.open(settings.database_path) as store:
        report: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} cores",
            "split": args.split,
            "messages": store.db.execute(
                "SELECT count(*) FROM messages WHERE built_at IS NOT NULL"
            ).fetchone()[0],
            "vectors": store.vectors_stamp(MODEL)[0],
            "relevance": relevance(store, records),
            "latency": latency(store, records, args.latency),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{report['messages']} messages, {report['vectors']} vectors, split {args.split}")
    print("| mode | queries | MRR@10 | nDCG@10 | known-item MRR | topical nDCG | paraphrase nDCG |")
    print("|---|---|---|---|---|---|---|")
    for mode, res in report["relevance"].items():
        a, kn, tp, pa = (
            res["all"],
            res.get("known-item", {}),
            res.get("topical", {}),
            res.get("paraphrase", {}),
        )
        print(
            f"| {mode} | {a['queries']} | {a['mrr@10']} | {a['ndcg@10']} | {kn.get('mrr@10')} | "
            f"{tp.get('ndcg@10')} | {pa.get('ndcg@10')} |"
        )
    for name, val in report["latency"].items():
        print(name, val)


if __name__ == "__main__":
    main()
