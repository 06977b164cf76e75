"""Killing an ingest at any moment and running it again loses nothing and duplicates nothing.

A real ``backchannel ingest`` subprocess is killed with SIGKILL at several
points (before its first commit, after one batch, late in the run), then run
again to the end; the database must equal that of one uninterrupted run.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from backchannel.pipeline.ingest_stage import BATCH

pytestmark = pytest.mark.slow

MESSAGES = 4 * BATCH + 137


def _make_maildir(root: Path) -> None:
    """Several owners and folders of distinct mails, one of them malformed, some copies."""
    start = datetime(2001, 5, 1, 8, tzinfo=UTC)
    for i in range(MESSAGES):
        msg = EmailMessage()
        msg["From"] = f"trader{i % 17}@enron.com"
        msg["To"] = f"desk{i % 5}@enron.com"
        msg["Subject"] = f"Position report {i // 3}"
        msg["Date"] = format_datetime(start + timedelta(minutes=7 * i))
        msg["Message-ID"] = f"<{i}.crash@enron.com>"
        msg.set_content(f"Book {i}: long {i % 11} contracts at Henry Hub.\n")
        folder = root / f"owner{i % 3}" / ("inbox" if i % 2 else "sent")
        folder.mkdir(parents=True, exist_ok=True)
        data = msg.as_bytes()
        (folder / f"{i}.").write_bytes(data)
        if i % 10 == 0:  # the same mail filed again, as Enron's all_documents does
            copies = root / f"owner{i % 3}" / "all_documents"
            copies.mkdir(exist_ok=True)
            (copies / f"{i}.").write_bytes(data)
    (root / "owner0" / "inbox" / "broken.").write_bytes(b"\x00\x01\x02 not a mail")


def _snapshot(db: Path) -> dict[str, object]:
    con = sqlite3.connect(db)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {
            "messages": sorted(q("SELECT id, thread_id, author_id, ts FROM messages")),
            "locations": sorted(q("SELECT locator, message_id, container FROM locations")),
            "failures": sorted(q("SELECT locator, stage, reason FROM failures")),
            "access": q("SELECT count(*) FROM message_access"),
            "recipients": q("SELECT count(*) FROM recipients"),
            "people": sorted(q("SELECT i.key FROM identities i")),
            "threads": q("SELECT count(*) FROM threads"),
        }
    finally:
        con.close()


def _messages_now(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT count(*) FROM messages").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # not created or not migrated yet


def _ingest_cmd(data_dir: Path, maildir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "backchannel",
        "--quiet",
        "--data-dir",
        str(data_dir),
        "ingest",
        str(maildir),
    ]


def _run_and_kill(data_dir: Path, maildir: Path, *, after_messages: int, delay: float = 0.0) -> None:
    """Start an ingest and SIGKILL it once the database holds ``after_messages`` messages."""
    env = {**os.environ, "BACKCHANNEL_WORKERS": "1"}
    proc = subprocess.Popen(
        _ingest_cmd(data_dir, maildir), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    db = data_dir / "backchannel.sqlite"
    deadline = time.monotonic() + 60
    try:
        while _messages_now(db) < after_messages and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()  # type: ignore[union-attr]


def test_kill_at_several_points_then_rerun_equals_one_clean_run(tmp_path: Path) -> None:
    maildir = tmp_path / "maildir"
    _make_maildir(maildir)
    env = {**os.environ, "BACKCHANNEL_WORKERS": "1"}

    clean = tmp_path / "clean"
    subprocess.run(_ingest_cmd(clean, maildir), env=env, check=True, capture_output=True)
    expected = _snapshot(clean / "backchannel.sqlite")
    assert len(expected["messages"]) == MESSAGES  # type: ignore[arg-type]

    killed = tmp_path / "killed"
    db = killed / "backchannel.sqlite"
    _run_and_kill(killed, maildir, after_messages=0, delay=0.3)  # during start-up or the first batch
    _run_and_kill(killed, maildir, after_messages=1)  # just after a commit
    after_commit = _messages_now(db)
    _run_and_kill(killed, maildir, after_messages=2 * BATCH, delay=0.05)  # mid-batch, later on
    late = _messages_now(db)
    assert 0 < after_commit <= late < MESSAGES, "the kills came too late to test anything"
    done = subprocess.run(_ingest_cmd(killed, maildir), env=env, check=True, capture_output=True, text=True)
    assert "failed 1" in done.stdout
    assert _snapshot(killed / "backchannel.sqlite") == expected
