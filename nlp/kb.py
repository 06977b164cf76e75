"""The Wikipedia knowledge base: candidate entities for a surface string.

The shared KB is two gzip files (``aliases.tsv.gz``, ``entities.jsonl.gz``;
see ``fixtures/wikipedia/README.md``). Reading them takes tens of seconds, so
the first :meth:`KnowledgeBase.open` builds a SQLite file in a cache folder
and later opens just use it. The file's name depends on the KB folder and on
its files' sizes and modification times, so a changed KB is rebuilt. The
build writes a temporary file and renames it, so a crash leaves no half-built
cache behind. This module's cache file is the only SQL in ``nlp/``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import logging
import os
import re
import sqlite3
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from backchannel.errors import ModelError
from backchannel.records import Entity

log = logging.getLogger(__name__)

ALIASES_FILE = "aliases.tsv.gz"
ENTITIES_FILE = "entities.jsonl.gz"
#: Bump when the cache schema or its derivation changes: old caches are then ignored.
SCHEMA_VERSION = 3
_BATCH = 50_000
_QUALIFIER = re.compile(r"_\(([^)]*)\)$")
_QUALIFIER_TEXT = re.compile(r"\s*\(([^)]*)\)$")

csv.field_size_limit(1 << 24)


@lru_cache(maxsize=262_144)
def norm(s: str) -> str:
    """The KB's lookup key: NFKC, ``_`` to space, casefold, whitespace collapsed (cached: hot in linking)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s).replace("_", " ").casefold()).strip()


_NOT_ALNUM = re.compile(r"[\W_]+")
#: Fuzzy lookup: keys shorter than this are never matched approximately (too many near neighbours).
FUZZY_MIN_LEN = 6
#: Aliases read per fuzzy lookup at most (those sharing the key's first half).
FUZZY_SCAN = 5_000


def squash(norm_key: str) -> str:
    """A normalised key with only letters and digits, accents folded: "enron online" and
    "enronOnline" meet, and so do "Pelé" and "Pele", "Chung-Ang" and "Chung Ang"."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", norm_key) if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", folded)


def max_edits(key: str) -> int:
    """Typos a fuzzy match may have: 1, or 2 from 12 characters."""
    return 1 if len(key) < 12 else 2


def title_from_id(entity_id: str) -> str:
    """A readable title when the KB has no cased one: ``angel_investor`` -> ``Angel investor``."""
    text = entity_id.replace("_", " ")
    return text[:1].upper() + text[1:]


def entity_title(record: dict[str, Any]) -> str:
    """The best title the KB offers for an entity record: cased title, label, guess, id."""
    if record.get("title"):
        return str(record["title"])
    label = record.get("label") or record.get("label_guess")
    if not label:
        return title_from_id(str(record["id"]))
    qualifier = _QUALIFIER.search(str(record["id"]))
    if qualifier and "(" not in label:  # a label drops the "(programming language)" part
        label = f"{label} ({qualifier.group(1)})"
    return str(label)


@dataclass(frozen=True)
class Candidate:
    """One entity a surface string may refer to."""

    entity_id: str
    title: str
    prior: float
    source: str
    description: str = ""
    type: str = "unknown"
    #: The KB's heuristic popularity (mostly ln(1 + redirects in)); see the KB's README.
    popularity: float = 0.0


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entities (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL,
    type TEXT NOT NULL, popularity REAL NOT NULL
);
CREATE TABLE aliases (
    norm TEXT NOT NULL, entity_id TEXT NOT NULL, source TEXT NOT NULL,
    prior_est REAL NOT NULL, n_candidates INTEGER NOT NULL,
    squash TEXT NOT NULL  -- norm with only letters and digits: the fuzzy lookup key
);
-- First names and surnames of person-like entities ("skilling" -> jeffrey_skilling)
CREATE TABLE person_names (part TEXT NOT NULL, entity_id TEXT NOT NULL, first INTEGER NOT NULL);
"""
#: Last words of titles that name a place or an institution, not a person ("Ben Taub Hospital").
_NOT_PERSON_HEADS = frozenset(
    """school airport house university college station hospital church park forces bridge stadium center
    centre hall building county river lake award awards prize universe street avenue road company
    corporation foundation institute museum library theatre theater club team band group party army
    navy academy square tower island islands mountain mountains field fields valley city township
    village district province state states kingdom republic empire dynasty act law bill treaty war
    battle festival show series film album song records studios studio press times news magazine
    medal trophy cup league""".split()
)
_PERSON_QUALIFIERS = re.compile(
    r"(?:born|died|politician|actor|actress|singer|musician|footballer|player|writer|author|poet|painter"
    r"|artist|judge|lawyer|businessman|businesswoman|executive|economist|scientist|engineer|bishop|priest"
    r"|general|admiral|journalist|director|producer|composer|rapper|wrestler|boxer|cricketer|coach"
    r"|entrepreneur|philosopher|historian|physician|architect|athlete|cyclist|golfer|swimmer|skier)"
)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


class KnowledgeBase:
    """Read-only access to the KB's SQLite cache. Open it with :meth:`open`."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        self._db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
        self._db.execute("PRAGMA query_only = ON")
        self._lookup = lru_cache(maxsize=65_536)(self._candidates)
        self._known = lru_cache(maxsize=262_144)(self._has_alias)

    @classmethod
    def open(cls, kb_dir: Path, cache_dir: Path) -> KnowledgeBase:
        """Open the KB in ``kb_dir``, building its cache in ``cache_dir`` on first use."""
        kb_dir = Path(kb_dir)
        files = [kb_dir / ALIASES_FILE, kb_dir / ENTITIES_FILE]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise ModelError(
                f"[N003] The knowledge base file(s) {', '.join(missing)} do not exist. "
                "Set kb_path (environment: BACKCHANNEL_KB_PATH) to a folder with "
                f"{ALIASES_FILE} and {ENTITIES_FILE}, e.g. ../shared/wikipedia."
            )
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        prefix, name = cache_name(kb_dir, files)
        db_path = cache_dir / name
        if not db_path.is_file():
            build_cache(files[0], files[1], db_path)
            for stale in cache_dir.glob(f"{prefix}-*.sqlite"):
                if stale != db_path:
                    stale.unlink(missing_ok=True)
        return cls(db_path)

    def close(self) -> None:
        self._db.close()

    def candidates(self, surface: str, limit: int = 10) -> list[Candidate]:
        """Entities whose alias has the same :func:`norm` as ``surface``, best prior first."""
        return list(self._lookup(norm(surface), limit))

    def fuzzy_keys(self, surface: str) -> list[str]:
        """Alias keys (``norm``) near ``surface``: the same letters and digits, else a typo or two away.

        "University of California - Berkley" finds "university of california,
        berkeley"; a key shorter than :data:`FUZZY_MIN_LEN` finds nothing. Only
        aliases sharing the first half of the key are read, so a typo there is
        not found: the price of a lookup that stays an index range scan.
        """
        key = squash(norm(surface))
        if len(key) < FUZZY_MIN_LEN:
            return []
        same = [
            r[0]
            for r in self._db.execute("SELECT DISTINCT norm FROM aliases WHERE squash = ? LIMIT 20", (key,))
        ]
        if same:
            return same
        from rapidfuzz.distance import Levenshtein

        prefix = key[: max(4, len(key) // 2)]
        edits = max_edits(key)
        rows = self._db.execute(
            """SELECT DISTINCT norm, squash FROM aliases
               WHERE squash >= ? AND squash < ? AND length(squash) BETWEEN ? AND ? LIMIT ?""",
            (prefix, prefix + "\U0010ffff", len(key) - edits, len(key) + edits, FUZZY_SCAN),
        ).fetchall()
        scored = [(Levenshtein.distance(key, sq, score_cutoff=edits), n) for n, sq in rows]
        best = min((d for d, _ in scored), default=edits + 1)
        return sorted(n for d, n in scored if d == best and d <= edits)

    def squashed_keys(self, surface: str) -> list[str]:
        """Alias keys with the same letters and digits as ``surface`` (accents folded): hyphen, space,
        punctuation and accent variants of it ("University of California-Berkeley")."""
        written = norm(surface)
        key = squash(written)
        if len(key) < 4 or key == written:
            return []  # nothing to fold: "lay" must not meet "la-y", nor "git" "git."
        rows = self._db.execute("SELECT DISTINCT norm FROM aliases WHERE squash = ? LIMIT 20", (key,))
        return sorted(r[0] for r in rows)

    def persons_named(self, part: str, *, first: bool = False, limit: int = 20) -> list[Candidate]:
        """Person-like entities whose surname (or, with ``first``, first name) is ``part``,
        most popular first; prior 1/n each (the linker weighs them by context)."""
        rows = self._db.execute(
            """SELECT e.id, e.title, e.description, e.type, e.popularity FROM person_names p
               JOIN entities e ON e.id = p.entity_id WHERE p.part = ? AND p.first = ?
               ORDER BY e.popularity DESC, e.id LIMIT ?""",
            (norm(part), int(first), limit),
        ).fetchall()
        return [Candidate(eid, title, 1.0 / len(rows), "name_part", desc, kind, pop)
                for eid, title, desc, kind, pop in rows]  # fmt: skip

    def has_alias(self, norm_text: str) -> bool:
        """Whether some alias has exactly this (already normalised) key."""
        return bool(self._known(norm_text))

    def entity(self, entity_id: str) -> Entity | None:
        row = self._db.execute(
            "SELECT id, title, description, type FROM entities WHERE id = ?", (entity_id,)
        ).fetchone()
        return Entity(*row) if row else None

    def _candidates(self, key: str, limit: int) -> tuple[Candidate, ...]:
        if not key:
            return ()
        rows = self._db.execute(
            """SELECT a.entity_id, COALESCE(e.title, ''), MAX(a.prior_est), a.source,
                      COALESCE(e.description, ''), COALESCE(e.type, 'unknown'),
                      COALESCE(e.popularity, 0)
               FROM aliases a LEFT JOIN entities e ON e.id = a.entity_id
               WHERE a.norm = ? GROUP BY a.entity_id
               ORDER BY MAX(a.prior_est) DESC, 7 DESC, a.entity_id LIMIT ?""",
            (key, limit),
        ).fetchall()
        return tuple(
            Candidate(eid, title or title_from_id(eid), prior, source, desc, etype, pop)
            for eid, title, prior, source, desc, etype, pop in rows
        )

    def _has_alias(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM aliases WHERE norm = ? LIMIT 1", (key,)).fetchone() is not None


def cache_name(kb_dir: Path, files: list[Path]) -> tuple[str, str]:
    """(prefix per KB folder, file name per KB content version)."""
    where = hashlib.sha1(str(kb_dir.resolve()).encode()).hexdigest()[:12]
    stamp = ";".join(f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files)
    version = hashlib.sha1(f"{SCHEMA_VERSION};{stamp}".encode()).hexdigest()[:12]
    prefix = f"kb-{where}"
    return prefix, f"{prefix}-{version}.sqlite"


def build_cache(aliases: Path, entities: Path, db_path: Path) -> None:
    """Build the SQLite cache at ``db_path`` from the two KB files (atomically)."""
    started = time.perf_counter()
    fd, tmp_name = tempfile.mkstemp(prefix=db_path.stem + ".", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        db = sqlite3.connect(tmp)
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_SCHEMA)
            n_entities = _load_entities(db, entities)
            n_aliases = _load_aliases(db, aliases)
            db.execute("CREATE INDEX aliases_norm ON aliases(norm)")
            db.execute("CREATE INDEX aliases_squash ON aliases(squash)")
            db.execute("CREATE INDEX person_names_part ON person_names(part)")
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("schema_version", str(SCHEMA_VERSION)),
                    ("entities", str(n_entities)),
                    ("aliases", str(n_aliases)),
                ],
            )
            db.commit()
        finally:
            db.close()
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    log.info(
        "built KB cache %s: %d entities, %d aliases in %.1fs",
        db_path.name,
        n_entities,
        n_aliases,
        time.perf_counter() - started,
    )


def _load_entities(db: sqlite3.Connection, path: Path) -> int:
    count = 0
    batch: list[tuple[str, str, str, str, float]] = []
    names: list[tuple[str, str, int]] = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            desc = rec.get("description") or rec.get("abstract") or ""
            title, kind = entity_title(rec), rec.get("type") or "unknown"
            batch.append((rec["id"], title, desc, kind, float(rec.get("popularity") or 0.0)))
            names.extend((part, rec["id"], first) for part, first in person_name_parts(title, kind, desc))
            if len(batch) >= _BATCH:
                db.executemany("INSERT OR IGNORE INTO entities VALUES (?, ?, ?, ?, ?)", batch)
                db.executemany("INSERT INTO person_names VALUES (?, ?, ?)", names)
                count += len(batch)
                batch.clear()
                names.clear()
    db.executemany("INSERT OR IGNORE INTO entities VALUES (?, ?, ?, ?, ?)", batch)
    db.executemany("INSERT INTO person_names VALUES (?, ?, ?)", names)
    return count + len(batch)


def person_name_parts(title: str, kind: str, description: str = "") -> list[tuple[str, int]]:
    """(lower-case part, 1 if first name else 0) of a person-like entity's title, else [].

    Person-like: typed ``person``, or a title of two to four capitalised words
    starting with a known first name ("Eugene Nickerson") that does not end
    like a place or institution ("Ben Taub Hospital"); a qualifier must read
    like a person's ("(politician)", "(born 1950)").
    """
    from backchannel.lexicon import first_names

    qualifier = _QUALIFIER_TEXT.search(title)
    if qualifier and not _PERSON_QUALIFIERS.search(qualifier.group(1)):
        return []
    words = [
        w for w in _QUALIFIER_TEXT.sub("", title).replace(",", " ").split() if w.casefold() not in _SUFFIXES
    ]
    if not 2 <= len(words) <= 4 or any(ch.isdigit() for w in words for ch in w):
        return []
    if kind != "person":
        if kind not in ("unknown", ""):
            return []
        if words[0].casefold() not in first_names() or not all(w[0].isupper() for w in words):
            return []
        if words[-1].casefold() in _NOT_PERSON_HEADS:
            return []
    return [(words[-1].casefold(), 0), (words[0].casefold(), 1)]


def _load_aliases(db: sqlite3.Connection, path: Path) -> int:
    count = 0
    batch: list[tuple[str, str, str, float, int, str]] = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows, None)  # header
        for row in rows:
            if len(row) != 6:
                continue
            key, _surface, eid, source, prior, n_cands = row
            batch.append((key, eid, source, float(prior), int(n_cands), squash(key)))
            if len(batch) >= _BATCH:
                db.executemany("INSERT INTO aliases VALUES (?, ?, ?, ?, ?, ?)", batch)
                count += len(batch)
                batch.clear()
    db.executemany("INSERT INTO aliases VALUES (?, ?, ?, ?, ?, ?)", batch)
    return count + len(batch)
