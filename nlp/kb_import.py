"""A knowledge base from a public Wikipedia dump: ``backchannel kb import``.

Reads a ``pages-articles`` dump (XML, plain or bz2, multistream included; streamed,
never held in memory) and writes the two files :class:`nlp.kb.KnowledgeBase` reads,
in the shared KB's format (``entities.jsonl.gz``, ``aliases.tsv.gz``):

* every article of the main namespace is an entity: its title, the first sentence of
  its lead as the description, a coarse type from its infobox ("Infobox person" ->
  person, "Infobox company" -> organization, ...), and a popularity from the links
  pointing at it;
* aliases come from titles, redirects, disambiguation pages (each page it lists is a
  candidate of its base name), and **anchor texts**: every ``[[Target|anchor]]`` counts
  once for (anchor, target), so ``prior_est`` is a real commonness, the share of the
  links written that way that go to that article;
* disambiguation and name-list pages are not entities.

Work tables live in a SQLite file beside the output (aggregated a batch at a time),
so a full English dump needs disk, not memory. The pages-articles dump carries no
Wikidata ids; ``qid`` is left out (the shared KB has them for its 14,515 vital and
FB15k entities).
"""

from __future__ import annotations

import bz2
import gzip
import json
import logging
import math
import re
import sqlite3
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from nlp.kb import ALIASES_FILE, ENTITIES_FILE, norm

log = logging.getLogger(__name__)

#: Pages aggregated in memory before a write to the work tables.
BATCH = 2_000
#: Characters of a lead (after templates are removed) read for the first sentence.
LEAD_CHARS = 4_000
#: Namespaces a link may point into that are not articles ("[[File:...]]", "[[Category:...]]").
_LINK = re.compile(r"\[\[([^\[\]|#\n]{1,250})(?:#[^\[\]|\n]*)?(?:\|([^\[\]\n]{1,250}))?\]\]")
_DISAMBIGUATION = re.compile(
    r"\{\{\s*(?:disambiguation|disambig|dab|disamb|hndis|geodis|numberdis|surname|given name"
    r"|set index article|shipindex|mountainindex|roadindex|sportindex)\b",
    re.IGNORECASE,
)
_INFOBOX = re.compile(r"\{\{\s*Infobox[ _]+([^|}\n<]+)", re.IGNORECASE)
_TYPE_WORDS = [
    ("person", "person officeholder biography artist writer scientist actor politician royalty philosopher "
     "sportsperson musician military cricketer baseball basketball football ice hockey tennis golfer boxer "
     "wrestler model comedian clergy saint pope monarch president economist engineer architect"),
    ("organization", "company organization organisation university school college party team club band "
     "agency union newspaper magazine airline bank government agency record label museum"),
    ("place", "settlement country city town village state province county region river lake mountain "
     "island building stadium airport station park district municipality capital"),
    ("work", "film book album song single television show series video game novel play painting opera"),
    ("technology", "software programming language operating system device computer website protocol "
     "file format automobile aircraft weapon"),
    ("event", "event military conflict war battle election sports event tournament olympics"),
]  # fmt: skip
_BRACES = re.compile(r"\{\{|\}\}|\{\||\|\}")
_REF = re.compile(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]{1,200}>")
_FILE_LINK = re.compile(
    r"\[\[(?:File|Image|Category|Media):[^\[\]]*(?:\[\[[^\]]*\]\][^\[\]]*)*\]\]", re.IGNORECASE
)
_EXTERNAL = re.compile(r"\[(?:https?:)?//[^\s\]]+\s?([^\]]*)\]")
_QUOTES = re.compile(r"'{2,}")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]\"'])[.!?](?=\s+[A-Z\"'(]|\s*$)")
_PAREN = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)")


@dataclass
class ImportStats:
    pages: int = 0
    articles: int = 0
    redirects: int = 0
    disambiguations: int = 0
    links: int = 0
    entities: int = 0
    aliases: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def canonical_title(title: str) -> str:
    """A link target as MediaWiki stores titles: spaces, first letter upper case."""
    title = " ".join(title.replace("_", " ").split())
    return title[:1].upper() + title[1:] if title else title


def entity_id(title: str) -> str:
    """The shared KB's id: the title lower-cased, spaces as ``_``."""
    return title.casefold().replace(" ", "_")


def infobox_type(text: str) -> str:
    """A coarse type from the article's infobox ("unknown" without one)."""
    match = _INFOBOX.search(text[: LEAD_CHARS * 2])
    if match is None:
        return "unknown"
    name = match.group(1).strip().casefold().replace("_", " ")
    for kind, words in _TYPE_WORDS:
        if any(w in name for w in words.split()):
            return kind
    return "unknown"


def first_sentence(text: str) -> str:
    """The first sentence of an article's lead, as plain text (markup, references, templates removed)."""
    lead = _without_templates(_REF.sub("", text.split("\n==", 1)[0]))[:LEAD_CHARS]
    lead = _FILE_LINK.sub("", lead)
    lead = _LINK.sub(lambda m: m.group(2) or m.group(1), lead)
    lead = _EXTERNAL.sub(lambda m: m.group(1), lead)
    lead = _QUOTES.sub("", _TAG.sub("", lead))
    lead = _PAREN.sub("", lead)  # "(born 1950; ...)" and pronunciations
    prose = [line.strip() for line in lead.splitlines() if line.strip()]
    lead = " ".join(line for line in prose if not line.startswith(("|", "!", "*", "#", ":")))
    end = _SENTENCE_END.search(lead)
    return (lead[: end.end()] if end else lead)[:300].strip()


def _without_templates(text: str) -> str:
    """``text`` without ``{{templates}}`` and ``{| tables |}``, nested ones too (an unclosed one runs
    to the end: an infobox cut off is dropped whole)."""
    out, depth, pos = [], 0, 0
    for match in _BRACES.finditer(text):
        if depth == 0:
            out.append(text[pos : match.start()])
        depth = depth + 1 if match.group() in ("{{", "{|") else max(0, depth - 1)
        pos = match.end()
    if depth == 0:
        out.append(text[pos:])
    return "".join(out)


def iter_pages(stream: IO[bytes]) -> Iterator[tuple[str, int, str | None, str]]:
    """(title, namespace, redirect target or None, wikitext) of every page of a dump."""
    title, ns, redirect, text = "", 0, None, ""
    for _event, elem in ET.iterparse(stream, events=("end",)):
        tag = elem.tag.rsplit("}", 1)[-1]
        if tag == "title":
            title = elem.text or ""
        elif tag == "ns":
            ns = int(elem.text or 0)
        elif tag == "redirect":
            redirect = elem.get("title")
        elif tag == "text":
            text = elem.text or ""
        elif tag == "page":
            yield title, ns, redirect, text
            title, ns, redirect, text = "", 0, None, ""
            elem.clear()
        elif tag in ("revision", "siteinfo"):
            elem.clear()


def open_dump(raw: IO[bytes], name: str) -> IO[bytes]:
    """A dump file as a byte stream: bz2 (multistream too), gzip or plain XML, by its name."""
    if name.endswith(".bz2"):
        return bz2.open(raw, "rb")
    if name.endswith(".gz"):
        return gzip.open(raw, "rb")
    return raw


_WORK_SCHEMA = """
CREATE TABLE pages (title TEXT PRIMARY KEY, kind TEXT NOT NULL, target TEXT, description TEXT, type TEXT);
CREATE TABLE anchors (anchor TEXT NOT NULL, surface TEXT NOT NULL, target TEXT NOT NULL, n INTEGER NOT NULL,
                      PRIMARY KEY (anchor, target)) WITHOUT ROWID;
CREATE TABLE listed (base TEXT NOT NULL, surface TEXT NOT NULL, target TEXT NOT NULL,
                     PRIMARY KEY (base, target)) WITHOUT ROWID;
"""


def import_dump(
    dump: Path,
    out_dir: Path,
    *,
    limit: int | None = None,
    on_page: Callable[[int], None] | None = None,
) -> ImportStats:
    """Read ``dump`` and write ``entities.jsonl.gz`` and ``aliases.tsv.gz`` into ``out_dir``.

    ``limit`` stops after that many pages (to measure a slice); ``on_page`` is called
    with the compressed bytes read so far (for a progress bar).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = ImportStats()
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".kb-import-") as tmp:
        db = sqlite3.connect(Path(tmp) / "work.sqlite")
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(_WORK_SCHEMA)
        t0 = time.perf_counter()
        _read(dump, db, stats, limit, on_page)
        stats.seconds["read"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        _write(db, out_dir, stats)
        stats.seconds["write"] = round(time.perf_counter() - t0, 2)
        db.close()
    log.info("kb import: %d pages, %d entities, %d aliases", stats.pages, stats.entities, stats.aliases)
    return stats


def _read(dump: Path, db: sqlite3.Connection, stats: ImportStats, limit: int | None,
          on_page: Callable[[int], None] | None) -> None:  # fmt: skip
    pages: list[tuple[str, str, str | None, str, str]] = []
    anchors: Counter[tuple[str, str, str]] = Counter()
    listed: set[tuple[str, str, str]] = set()
    with dump.open("rb") as raw, open_dump(raw, dump.name) as stream:
        for title, ns, redirect, text in iter_pages(stream):
            if ns != 0 or not title:
                continue
            stats.pages += 1
            if redirect is not None:
                stats.redirects += 1
                pages.append((title, "redirect", canonical_title(redirect), None, None))
            elif _DISAMBIGUATION.search(text) or title.endswith("(disambiguation)"):
                stats.disambiguations += 1
                pages.append((title, "disambiguation", None, None, None))
                base = re.sub(r"\s*\(disambiguation\)$", "", title)
                for target, _anchor in _links(text):
                    listed.add((norm(base), base, target))
            else:
                stats.articles += 1
                pages.append((title, "article", None, first_sentence(text), infobox_type(text)))
                for target, anchor in _links(text):
                    anchors[(norm(anchor), anchor, target)] += 1
                    stats.links += 1
            if len(pages) >= BATCH:
                _flush(db, pages, anchors, listed)
                if on_page is not None:
                    on_page(raw.tell())
            if limit is not None and stats.pages >= limit:
                break
        _flush(db, pages, anchors, listed)
        if on_page is not None:
            on_page(raw.tell())


def _links(text: str) -> Iterator[tuple[str, str]]:
    """(target title, anchor text) of the article links in wikitext (no files, categories, other wikis)."""
    for match in _LINK.finditer(text):
        target = match.group(1).strip()
        if not target or ":" in target[:30] and target.split(":", 1)[0].strip().casefold() in _NAMESPACES:
            continue
        anchor = " ".join((match.group(2) or target).split())
        anchor = _QUOTES.sub("", anchor).strip()
        if anchor and len(anchor) <= 120:
            yield canonical_title(target), anchor


#: Link prefixes that are no article: namespaces and interwiki prefixes.
_NAMESPACES = frozenset(
    "file image category media wikipedia wp template help portal user talk special draft module wikt "
    "wiktionary s commons meta species q n b v voy mw d".split()
)


def _flush(db: sqlite3.Connection, pages: list, anchors: Counter, listed: set) -> None:  # type: ignore[type-arg]
    with db:
        db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)", pages)
        db.executemany(
            "INSERT INTO anchors VALUES (?, ?, ?, ?) "
            "ON CONFLICT (anchor, target) DO UPDATE SET n = n + excluded.n",
            [(a, s, t, n) for (a, s, t), n in anchors.items()],
        )
        db.executemany("INSERT OR IGNORE INTO listed VALUES (?, ?, ?)", list(listed))
    pages.clear()
    anchors.clear()
    listed.clear()


def _resolver(db: sqlite3.Connection) -> Callable[[str], str | None]:
    """Title -> the article it is or redirects to (two hops at most), None for no article."""
    kinds = dict(db.execute("SELECT title, kind FROM pages"))
    targets = dict(db.execute("SELECT title, target FROM pages WHERE kind = 'redirect'"))

    def resolve(title: str) -> str | None:
        for _ in range(3):
            kind = kinds.get(title)
            if kind == "article":
                return title
            if kind != "redirect":
                return None
            title = targets[title]
        return None

    return resolve


def _write(db: sqlite3.Connection, out_dir: Path, stats: ImportStats) -> None:
    """Aliases with commonness priors, and entities sorted by popularity, in the shared KB's format."""
    resolve = _resolver(db)
    counts: dict[str, Counter[str]] = {}  # alias key -> entity title -> evidence
    surfaces: dict[str, str] = {}
    sources: dict[tuple[str, str], str] = {}
    inlinks: Counter[str] = Counter()

    def add(key: str, surface: str, title: str | None, weight: float, source: str) -> None:
        if title is None or not key:
            return
        counts.setdefault(key, Counter())[title] += weight
        surfaces.setdefault(key, surface)
        sources.setdefault((key, title), source)

    for anchor, surface, target, n in db.execute("SELECT anchor, surface, target, n FROM anchors"):
        title = resolve(target)
        if title is not None:
            inlinks[title] += n
            add(anchor, surface, title, n, "anchor")
    for (title,) in db.execute("SELECT title FROM pages WHERE kind = 'article'"):
        add(norm(title), title, title, 1.0, "title")
        base = _PAREN.sub("", title).strip()
        if base != title:  # "Python (programming language)" is a candidate of "python"
            add(norm(base), base, title, 0.5, "title_base")
    for title, target in db.execute("SELECT title, target FROM pages WHERE kind = 'redirect'"):
        add(norm(title), title, resolve(target), 1.0, "redirect")
    for base, surface, target in db.execute("SELECT base, surface, target FROM listed"):
        add(base, surface, resolve(target), 0.5, "disambiguation")

    with gzip.open(out_dir / ALIASES_FILE, "wt", encoding="utf-8", newline="") as f:
        f.write("norm\tsurface\tentity_id\tsource\tprior_est\tn_candidates\n")
        for key in sorted(counts):
            row = counts[key]
            total = sum(row.values())
            for title, weight in sorted(row.items(), key=lambda x: (-x[1], x[0])):
                prior = f"{weight / total:.4f}"
                fields = [key, surfaces[key], entity_id(title), sources[(key, title)], prior, str(len(row))]
                f.write("\t".join(x.replace("\t", " ").replace("\n", " ") for x in fields) + "\n")
                stats.aliases += 1
    articles = db.execute("SELECT title, description, type FROM pages WHERE kind = 'article'").fetchall()
    articles.sort(key=lambda r: (-inlinks[r[0]], r[0]))
    with gzip.open(out_dir / ENTITIES_FILE, "wt", encoding="utf-8") as f:
        for title, description, kind in articles:
            record = {
                "id": entity_id(title),
                "title": title,
                "label": _PAREN.sub("", title).strip(),
                "type": kind or "unknown",
                "type_source": "infobox" if kind and kind != "unknown" else None,
                "popularity": round(math.log1p(inlinks[title]), 4),
                "sources": ["dump"],
            }
            if description:
                record["description"] = description
            f.write(json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False) + "\n")
            stats.entities += 1
