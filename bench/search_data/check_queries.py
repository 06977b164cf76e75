#!/usr/bin/env python3
"""Validate bench/search_data/queries.jsonl and print its counts (stdlib only).

    python bench/search_data/check_queries.py [MAILDIR] [--queries FILE]

MAILDIR defaults to /tmp/enron/maildir (the shared Enron development set,
unpacked). Every relevant Message-ID must occur in some message file there.
Exits 1 with a list of problems when the file is not valid.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {"known-item", "topical"}
SPLITS = {"dev", "test"}
REQUIRED = {"id": str, "kind": str, "query": str, "relevant": dict, "split": str, "note": str}
OPTIONAL = {"paraphrase": bool, "same_mail": list}
MID_RE = re.compile(rb"^Message-ID:[ \t]*(.+?)\s*$", re.I | re.M)


def message_ids(maildir: Path) -> dict[str, str]:
    """Message-ID -> first file (relative path) that carries it."""
    ids: dict[str, str] = {}
    for dirpath, _dirs, files in os.walk(maildir):
        for name in files:
            path = Path(dirpath, name)
            with open(path, "rb") as fh:
                head = fh.read(4096)
            m = MID_RE.search(head.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0])
            if m:
                ids.setdefault(m.group(1).decode("ascii", "replace"), str(path.relative_to(maildir)))
    return ids


def check(records: list[dict], known: dict[str, str]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for n, rec in enumerate(records, 1):
        where = f"line {n} ({rec.get('id', '?')})"
        for key, typ in REQUIRED.items():
            if not isinstance(rec.get(key), typ):
                problems.append(f"{where}: '{key}' missing or not {typ.__name__}")
        for key, typ in OPTIONAL.items():
            if key in rec and not isinstance(rec[key], typ):
                problems.append(f"{where}: '{key}' is not {typ.__name__}")
        extra = set(rec) - set(REQUIRED) - set(OPTIONAL)
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        qid = rec.get("id")
        if not isinstance(qid, str) or not re.fullmatch(r"q\d{2,3}", qid):
            problems.append(f"{where}: id should look like q01")
        if qid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(qid)
        if rec.get("kind") not in KINDS:
            problems.append(f"{where}: kind must be one of {sorted(KINDS)}")
        if rec.get("split") not in SPLITS:
            problems.append(f"{where}: split must be one of {sorted(SPLITS)}")
        query = rec.get("query")
        if isinstance(query, str) and not (1 <= len(query.split()) <= 10):
            problems.append(f"{where}: query should be 1-10 words")
        rel = rec.get("relevant")
        if isinstance(rel, dict):
            if not rel:
                problems.append(f"{where}: no relevant messages")
            if not any(g == 2 for g in rel.values()):
                problems.append(f"{where}: no message with grade 2")
            for mid, grade in rel.items():
                if grade not in (1, 2) or isinstance(grade, bool):
                    problems.append(f"{where}: grade of {mid} is {grade!r}, not 1 or 2")
                if mid not in known:
                    problems.append(f"{where}: Message-ID {mid} not found in the maildir")
            for group in rec.get("same_mail", []) if isinstance(rec.get("same_mail"), list) else []:
                if not isinstance(group, list) or len(group) < 2 or any(m not in rel for m in group):
                    problems.append(f"{where}: same_mail group {group!r} must list 2+ relevant ids")
                elif len({rel[m] for m in group}) != 1:
                    problems.append(f"{where}: copies in a same_mail group have different grades")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("maildir", nargs="?", default="/tmp/enron/maildir", type=Path)
    ap.add_argument("--queries", default=HERE / "queries.jsonl", type=Path)
    args = ap.parse_args(argv)

    records = []
    with open(args.queries, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                print(f"line {n}: not JSON: {exc}", file=sys.stderr)
                return 1
    if not args.maildir.is_dir():
        print(f"{args.maildir}: no such directory (unpack the Enron development set first)", file=sys.stderr)
        return 1
    known = message_ids(args.maildir)
    problems = check(records, known)

    by = collections.Counter((r.get("kind"), r.get("split")) for r in records)
    para = collections.Counter(r.get("kind") for r in records if r.get("paraphrase"))
    print(f"{args.queries.name}: {len(records)} queries, {len(known)} Message-IDs in {args.maildir}")
    head = ("kind", "dev", "test", "all", "paraphrase", "judged ids", "grade 2", "grade 1")
    print("{:<11} {:>4} {:>5} {:>5} {:>11} {:>11} {:>8} {:>8}".format(*head))
    for kind in sorted(KINDS):
        recs = [r for r in records if r.get("kind") == kind]
        grades = [g for r in recs for g in r.get("relevant", {}).values()]
        print(
            f"{kind:<11} {by[(kind, 'dev')]:>4} {by[(kind, 'test')]:>5} {len(recs):>5} {para[kind]:>11} "
            f"{len(grades):>11} {grades.count(2):>8} {grades.count(1):>8}"
        )
    grades = [g for r in records for g in r.get("relevant", {}).values()]
    print(
        f"{'all':<11} {sum(v for (k, s), v in by.items() if s == 'dev'):>4} "
        f"{sum(v for (k, s), v in by.items() if s == 'test'):>5} {len(records):>5} {sum(para.values()):>11} "
        f"{len(grades):>11} {grades.count(2):>8} {grades.count(1):>8}"
    )
    owners = collections.Counter(
        known[m].split("/")[0] for r in records for m in r.get("relevant", {}) if m in known
    )
    print("relevant Message-IDs per mailbox:", dict(sorted(owners.items())))
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
