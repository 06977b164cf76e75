"""Ingest + build the shared Enron development set and report each stage's speed.

    .venv/bin/python bench/pipeline_bench.py [--maildir DIR] [--kb DIR] [--workers N]

Without --maildir it unpacks ../shared/corpora/enron/enron_dev_maildir.tar.gz
into a temp folder. Prints messages/s per stage and the peak memory (RSS) of
the process, and writes the numbers as JSON beside the database. Not run by CI.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from backchannel.pipeline import build, ingest_path
from backchannel.settings import PROJECT_ROOT, Settings
from backchannel.store import Store

SHARED = PROJECT_ROOT.parent / "shared"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MiB (RUSAGE_CHILDREN: the largest spaCy worker)."""
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maildir", type=Path, help="unpacked maildir (default: unpack the shared tarball)")
    ap.add_argument("--kb", type=Path, default=SHARED / "wikipedia", help="knowledge base folder")
    ap.add_argument("--out", type=Path, help="working folder (default: a temp folder)")
    ap.add_argument("--workers", type=int, default=Settings().workers, help="spaCy processes")
    args = ap.parse_args()

    work = args.out or Path(tempfile.mkdtemp(prefix="bc-bench-"))
    maildir = args.maildir
    if maildir is None:
        t0 = time.perf_counter()
        with tarfile.open(SHARED / "corpora" / "enron" / "enron_dev_maildir.tar.gz") as tar:
            tar.extractall(work / "enron", filter="data")
        maildir = work / "enron" / "maildir"
        print(f"unpacked in {time.perf_counter() - t0:.1f} s")

    settings = Settings(data_dir=work / "var", kb_path=args.kb, workers=args.workers)
    report: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
        "data": str(maildir),
        "kb": str(args.kb),
        "workers": args.workers,
    }
    with Store.open(settings.database_path) as store:
        t0 = time.perf_counter()
        ingest_stats = ingest_path(store, maildir, workers=args.workers)
        ingest_s = time.perf_counter() - t0
        report["ingest"] = {
            "seconds": round(ingest_s, 1),
            "items": ingest_stats.read,
            "new": ingest_stats.new,
            "duplicates": ingest_stats.duplicates,
            "failed": ingest_stats.failed,
            "items_per_s": round(ingest_stats.read / ingest_s, 1),
        }
        t0 = time.perf_counter()
        again = ingest_path(store, maildir, quiet=True, workers=args.workers)
        report["reingest_noop_seconds"] = round(time.perf_counter() - t0, 2)
        assert again.new == 0, "a second ingest must add nothing"

        t0 = time.perf_counter()
        build_stats = build(store, settings)
        build_s = time.perf_counter() - t0
        report["build"] = {
            "seconds": round(build_s, 1),
            "messages": build_stats.built,
            "failed": build_stats.failed,
            "messages_per_s": round(build_stats.built / build_s, 1),
            "stage_seconds": {k: round(v, 1) for k, v in build_stats.seconds.items()},
            "stage_messages_per_s": {
                k: round(build_stats.built / v, 1)
                for k, v in build_stats.seconds.items()
                if v > 0 and k not in ("load_models", "pages")
            },
        }
        report["stats"] = store.stats()
    report["peak_rss_mb"] = round(peak_rss_mb(), 0)
    report["peak_rss_worker_mb"] = round(peak_rss_mb(resource.RUSAGE_CHILDREN), 0)
    out = work / "bench.json"
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
