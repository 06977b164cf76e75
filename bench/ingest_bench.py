"""Ingest alone (parse + normalize + store, no PII/NLP) on the shared Enron set.

    .venv/bin/python bench/ingest_bench.py [--maildir DIR] [--workers N] [--windows 3,14,30]

Reports, on one machine and one data set:
- the stdlib floor: read every file and ``email.message_from_bytes`` it, in one
  process and in N, nothing else;
- a full first ingest into a fresh database with N workers: messages/s, peak
  memory of the main process and of the largest worker;
- a no-op re-sync (nothing changed);
- the duplicate rate (the same mail in several folders) and folders per message;
- threads recovered, per subject time window: threads with 2+ messages,
  messages that sit in such a thread, how many were joined by headers and by
  subject, and a precision proxy for subject joins (the replier was among the
  thread's earlier authors or recipients).
Writes the numbers as JSON to bench/results/ingest.json. Not run by CI.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import platform
import resource
import tarfile
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from email import policy
from pathlib import Path

from backchannel.pipeline import ingest_path
from backchannel.settings import PROJECT_ROOT
from backchannel.store import Store

SHARED = PROJECT_ROOT.parent / "shared"
RESULTS = PROJECT_ROOT / "bench" / "results"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def _parse_files(paths: list[str]) -> int:
    for p in paths:
        email.message_from_bytes(Path(p).read_bytes(), policy=policy.compat32)
    return len(paths)


def stdlib_floor(files: list[Path], workers: int) -> dict[str, float]:
    """Read + stdlib parse of every file: the floor any email ingest stands on."""
    names = [str(p) for p in files]
    t0 = time.perf_counter()
    _parse_files(names)
    one = time.perf_counter() - t0
    chunks = [names[i : i + 250] for i in range(0, len(names), 250)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        sum(pool.map(_parse_files, chunks))
    many = time.perf_counter() - t0
    return {
        "files": len(names),
        "one_process_per_s": round(len(names) / one),
        f"{workers}_processes_per_s": round(len(names) / many),
    }


def thread_stats(store: Store) -> dict[str, float]:
    """Threads with 2+ messages, and how their members were joined."""
    db = store.db
    multi = db.execute(
        "SELECT count(*), coalesce(sum(n), 0) FROM (SELECT count(*) n FROM messages GROUP BY thread_id) "
        "WHERE n >= 2"
    ).fetchone()
    total = db.execute("SELECT count(*), count(DISTINCT thread_id) FROM messages").fetchone()
    by_subject = db.execute("SELECT count(DISTINCT thread_id) FROM subject_threads").fetchone()[0]
    # A later message of a multi-message thread whose author was an earlier author or recipient there.
    rows = db.execute(
        "SELECT m.thread_id, m.ts, m.author_id, m.id FROM messages m WHERE m.thread_id IN "
        "(SELECT thread_id FROM messages GROUP BY thread_id HAVING count(*) >= 2) ORDER BY m.thread_id, m.ts"
    ).fetchall()
    recipients: dict[str, set[int]] = {}
    for mid, pid in db.execute("SELECT message_id, person_id FROM recipients"):
        recipients.setdefault(mid, set()).add(pid)
    fits = later = 0
    seen: dict[str, set[int]] = {}
    for thread, _ts, author, mid in rows:
        people = seen.setdefault(thread, set())
        if people:
            later += 1
            fits += author in people
        people.add(author)
        people.update(recipients.get(mid, ()))
    return {
        "messages": total[0],
        "threads": total[1],
        "threads_with_2_plus": multi[0],
        "messages_in_such_threads": multi[1],
        "share_of_messages_threaded": round(multi[1] / max(total[0], 1), 3),
        "threads_found_by_subject": by_subject,
        "later_messages": later,
        "replier_was_in_thread": round(fits / max(later, 1), 3),
    }


def timed_ingest(maildir: Path, work: Path, workers: int, window_days: int) -> tuple[dict, dict]:
    with Store.open(work / "db.sqlite") as store:
        store.thread_window_s = window_days * 86400
        t0 = time.perf_counter()
        stats = ingest_path(store, maildir, quiet=True, workers=workers)
        seconds = time.perf_counter() - t0
        run = {
            "seconds": round(seconds, 2),
            "items": stats.read,
            "new": stats.new,
            "duplicates": stats.duplicates,
            "failed": stats.failed,
            "items_per_s": round(stats.read / seconds),
        }
        t0 = time.perf_counter()
        again = ingest_path(store, maildir, quiet=True, workers=workers)
        run["noop_resync_seconds"] = round(time.perf_counter() - t0, 2)
        assert again.new == again.read == 0, "a no-op re-sync must read nothing"
        locations = store.db.execute("SELECT count(*), count(DISTINCT message_id) FROM locations").fetchone()
        run["duplicate_rate"] = round(stats.duplicates / max(stats.read - stats.failed, 1), 3)
        run["folders_per_message"] = round(locations[0] / max(locations[1], 1), 2)
        return run, thread_stats(store)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maildir", type=Path, help="unpacked maildir (default: unpack the shared tarball)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--windows", default="14", help="subject thread windows in days, comma-separated")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bc-ingest-bench-"))
    maildir = args.maildir
    if maildir is None:
        with tarfile.open(SHARED / "corpora" / "enron" / "enron_dev_maildir.tar.gz") as tar:
            tar.extractall(work / "enron", filter="data")
        maildir = work / "enron" / "maildir"
    files = sorted(p for p in maildir.rglob("*") if p.is_file())
    report: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "data": str(maildir),
        "workers": args.workers,
        "stdlib_floor": stdlib_floor(files, args.workers),
    }
    print(json.dumps(report["stdlib_floor"]))
    windows = [int(w) for w in args.windows.split(",")]
    for i, window in enumerate(windows):
        run, threads = timed_ingest(maildir, work / f"w{window}", args.workers, window)
        if i == 0:
            report["ingest"] = run
            report["peak_rss_mb"] = {
                "main": peak_rss_mb(),
                "largest_worker": peak_rss_mb(resource.RUSAGE_CHILDREN),
            }
            print(json.dumps(run), json.dumps(report["peak_rss_mb"]))
        report[f"threads_window_{window}d"] = threads
        print(window, json.dumps(threads))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
