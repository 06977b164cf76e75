"""Messages/s of our privacy stage beside Presidio out of the box, on random Enron bodies.

    .venv/bin/python bench/pii_speed.py [--maildir /tmp/enron/maildir] [--n 500] [--profile FILE]

"Ours" is what the build does per message given the shared spaCy parse:
``PiiDetector.detect(text, doc)``; the parse is shared with linking, so it is
timed apart and reported both ways. "OOTB" is ``AnalyzerEngine.analyze(text,
language="en")`` as shipped (its own parse, full en_core_web_sm pipeline; see
bench/pii_eval.py). Both run here, one after the other, on the same bodies
(the messages are read from the maildir, never copied into the repo). Also
checks that ours finds at least what OOTB finds (recall on OOTB's own
identifying spans), and with ``--workers 2`` times detection spread over
processes. Writes bench/results/pii_speed.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import random
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from backchannel.settings import Settings
from ingest.email_parse import parse_or_failure

RESULTS = Path(__file__).parent / "results"
SEED = 4


def enron_bodies(maildir: Path, n: int, seed: int = SEED) -> list[str]:
    """``n`` random non-empty message bodies from an Enron maildir."""
    files = sorted(p for p in maildir.rglob("*") if p.is_file())
    random.Random(seed).shuffle(files)
    bodies: list[str] = []
    for path in files:
        raw = parse_or_failure(
            path.read_bytes(), source="bench", locator=str(path), container="bench", owner="bench"
        )
        body = getattr(raw, "body", "")
        if body.strip():
            bodies.append(body)
        if len(bodies) == n:
            break
    return bodies


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds else 0.0


def time_ours(
    bodies: Sequence[str], profile: Path | None
) -> tuple[dict[str, float], list[list[tuple[int, int, str]]]]:
    """Parse (shared) and detect timed apart; spans at or above the build's minimum score."""
    from nlp.parse import clip, load_nlp
    from privacy.detect import PiiDetector

    nlp, detector = load_nlp(), PiiDetector()
    detector.detect("warm up 713-853-6197 Karen Farrow")
    t0 = time.perf_counter()
    docs = [nlp(clip(b)) for b in bodies]
    parse_s = time.perf_counter() - t0
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    found = [detector.detect(b, d) for b, d in zip(bodies, docs, strict=True)]
    if prof:
        prof.disable()
        prof.dump_stats(profile)
    detect_s = time.perf_counter() - t0
    min_score = Settings().pii_min_score
    spans = [[(s.start, s.end, s.type) for s in f if s.score >= min_score] for f in found]
    return {"parse_s": parse_s, "detect_s": detect_s}, spans


def time_ootb(bodies: Sequence[str]) -> tuple[float, list[list[tuple[int, int, str]]]]:
    from pii_eval import ootb_analyzer  # bench/ is on sys.path when run as a script

    analyzer = ootb_analyzer()
    analyzer.analyze("warm up 713-853-6197 Karen Farrow", language="en")
    t0 = time.perf_counter()
    results = [analyzer.analyze(b, language="en") for b in bodies]
    seconds = time.perf_counter() - t0
    return seconds, [[(r.start, r.end, r.entity_type) for r in rs] for rs in results]


def _detect_chunk(bodies: list[str]) -> int:
    """Worker: parse and detect a chunk (the build's spaCy workers would hand over the parse)."""
    from nlp.parse import clip, load_nlp
    from privacy.detect import PiiDetector

    nlp, detector = load_nlp(), PiiDetector()
    return sum(len(detector.detect(b, nlp(clip(b)))) for b in bodies)


def time_pool(bodies: Sequence[str], workers: int) -> float:
    """Seconds for parse + detect of all bodies over ``workers`` processes (models loaded first)."""
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_detect_chunk, [["warm up 713-853-6197"]] * workers))
        t0 = time.perf_counter()
        chunks = [list(bodies[i::workers]) for i in range(workers)]
        sum(pool.map(_detect_chunk, chunks))
        return time.perf_counter() - t0


def recall_on(
    reference: Sequence[Sequence[tuple[int, int, str]]], ours: Sequence[Sequence[tuple[int, int, str]]]
) -> float:
    """Share of the reference's identifying spans that some span of ours overlaps (any type)."""
    from privacy.detect import DESCRIPTIVE_TYPES

    hits = total = 0
    for ref, got in zip(reference, ours, strict=True):
        for s in ref:
            if s[2] in DESCRIPTIVE_TYPES:
                continue
            total += 1
            hits += any(s[0] < g[1] and g[0] < s[1] for g in got)
    return round(hits / total, 4) if total else 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maildir", type=Path, default=Path("/tmp/enron/maildir"))
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--workers", type=int, default=0, help="also time parse+detect over this many processes")
    ap.add_argument("--profile", type=Path, help="write a cProfile of our detect loop here")
    ap.add_argument("--label", default="", help="name of this run in the JSON (e.g. before/after)")
    args = ap.parse_args()
    bodies = enron_bodies(args.maildir, args.n)
    n = len(bodies)
    ours, our_spans = time_ours(bodies, args.profile)
    ootb_s, ootb_spans = time_ootb(bodies)
    result = {
        "label": args.label,
        "messages": n,
        "mean_chars": round(sum(map(len, bodies)) / n),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "ours_detect_msg_s": _rate(n, ours["detect_s"]),
        "ours_with_parse_msg_s": _rate(n, ours["detect_s"] + ours["parse_s"]),
        "parse_alone_msg_s": _rate(n, ours["parse_s"]),
        "ootb_msg_s": _rate(n, ootb_s),
        "speedup_shared_parse": round(ootb_s / ours["detect_s"], 2),
        "speedup_with_parse": round(ootb_s / (ours["detect_s"] + ours["parse_s"]), 2),
        "ours_recall_of_ootb_spans": recall_on(ootb_spans, our_spans),
    }
    if args.workers > 1:
        pool_s = time_pool(bodies, args.workers)
        result[f"ours_with_parse_{args.workers}_processes_msg_s"] = _rate(n, pool_s)
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "pii_speed.json"
    runs = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    out.write_text(json.dumps([*runs, result], indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
