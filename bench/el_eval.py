"""Entity-linking accuracy and speed against the labeled sets in ``bench/el_data/``.

    .venv/bin/python bench/el_eval.py [--kb DIR] [--split test|dev] [--speed] [--kb-build]

Accuracy, per labeled set (real Enron/Slack text, hand-written ambiguous sentences):

* **given spans**: each gold span is linked with its doc (``Linker.link(doc, spans=...)``);
* **end to end**: the linker finds mentions itself; a predicted link counts when its
  span overlaps an unmatched gold span with the same title.

Micro precision/recall/F1 count only links (a NIL prediction is no claim); NIL
precision/recall say how well "no entity" is recognised on the given spans.
Titles compare by the KB's id (case-folded, ``_`` for spaces): the KB merges
case-only variants ("LaTeX"/"Latex") into one entity.

``--speed`` times linking alone on 1,000 Enron bodies after the shared parse,
in 1 and 2 processes, and the peak RSS with the full KB loaded; ``--kb-build``
builds the KB cache from scratch in a temp folder and times lookups. Results go
to ``bench/results/el_eval.json``. Not run by CI.
"""

from __future__ import annotations

import argparse
import email
import json
import multiprocessing
import platform
import random
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "el_data"
SHARED = HERE.parent.parent / "shared"
SETS = ("real", "ambiguous")
#: Docs per Linker.link_many call, as in the build.
LINK_BATCH = 32


def key(title: str | None) -> str | None:
    """A title as the KB's entity id, so that casing differences do not count."""
    return None if title is None else title.casefold().replace(" ", "_")


@dataclass
class Counts:
    """Link counts of one evaluation; precision/recall/F1 derive from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    nil_tp: int = 0  # gold NIL, predicted NIL (given spans only)
    nil_pred: int = 0
    nil_gold: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors_by: Counter[str] = field(default_factory=Counter)  # spaCy label / KB type -> errors
    total_by: Counter[str] = field(default_factory=Counter)

    def add(self, other: Counts) -> None:
        for name in ("tp", "fp", "fn", "nil_tp", "nil_pred", "nil_gold"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.confusions.update(other.confusions)
        self.errors_by.update(other.errors_by)
        self.total_by.update(other.total_by)

    def summary(self) -> dict[str, Any]:
        return {
            "precision": _ratio(self.tp, self.tp + self.fp),
            "recall": _ratio(self.tp, self.tp + self.fn),
            "f1": _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "nil_precision": _ratio(self.nil_tp, self.nil_pred),
            "nil_recall": _ratio(self.nil_tp, self.nil_gold),
            "top_confusions": [
                {"gold": g, "predicted": p, "n": n} for (g, p), n in self.confusions.most_common(12)
            ],
            "errors_by": {k: [self.errors_by[k], self.total_by[k]] for k in sorted(self.total_by)},
        }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def score_given(gold: Sequence[str | None], pred: Sequence[str | None], groups: Sequence[str]) -> Counts:
    """Counts for the same spans linked with gold titles and predicted ones (None = NIL).

    ``groups`` names each span's error bucket (e.g. "PERSON" or "type:person").
    """
    c = Counts()
    for g, p, group in zip(gold, pred, groups, strict=True):
        g, p = key(g), key(p)
        c.total_by[group] += 1
        if g is None:
            c.nil_gold += 1
        if p is None:
            c.nil_pred += 1
        if g is None and p is None:
            c.nil_tp += 1
            continue
        if g == p:
            c.tp += 1
            continue
        c.errors_by[group] += 1
        c.confusions[(g or "NIL", p or "NIL")] += 1
        if p is not None:
            c.fp += 1
        if g is not None:
            c.fn += 1
    return c


def score_end_to_end(
    gold: Sequence[tuple[int, int, str | None]], pred: Iterable[tuple[int, int, str | None]]
) -> Counts:
    """Counts for found mentions: a link is right when it overlaps an unmatched gold span with its title."""
    c = Counts()
    matched: set[int] = set()
    for ps, pe, title in pred:
        if title is None:
            continue
        hit = next(
            (
                i
                for i, (gs, ge, gt) in enumerate(gold)
                if i not in matched and gs < pe and ps < ge and key(gt) == key(title)
            ),
            None,
        )
        if hit is None:
            c.fp += 1
            over = [gt for gs, ge, gt in gold if gs < pe and ps < ge]
            gold_key = (key(over[0]) or "NIL") if over else "(no gold span)"
            c.confusions[(gold_key, key(title) or "")] += 1
        else:
            matched.add(hit)
            c.tp += 1
    c.fn = sum(1 for i, (_, _, gt) in enumerate(gold) if gt is not None and i not in matched)
    return c


# -- running the linker ------------------------------------------------------------


def load_set(name: str, split: str) -> list[dict[str, Any]]:
    path = DATA / f"{name}_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(linker: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Both modes over ``records``; error buckets by spaCy label and by the gold entity's KB type."""
    from nlp.parse import load_nlp

    nlp = load_nlp()
    given, e2e = Counts(), Counts()
    for rec, doc in zip(records, nlp.pipe(r["text"] for r in records), strict=True):
        spans = [(m["start"], m["end"]) for m in rec["mentions"]]
        gold = [m["title"] for m in rec["mentions"]]
        out = linker.link(doc, spans=spans)
        groups = [f"label:{m.label}" for m in out]
        given.add(score_given(gold, [m.entity for m in out], groups))
        types = [f"type:{_kb_type(linker, g)}" for g in gold]
        typed = score_given(gold, [m.entity for m in out], types)
        given.errors_by.update(typed.errors_by)
        given.total_by.update(typed.total_by)
        found = linker.link(doc)
        e2e.add(
            score_end_to_end(
                [(m["start"], m["end"], m["title"]) for m in rec["mentions"]],
                [(m.start, m.end, m.entity) for m in found],
            )
        )
    return {"given_spans": given.summary(), "end_to_end": e2e.summary(), "mentions": len(given_gold(records))}


def given_gold(records: list[dict[str, Any]]) -> list[str | None]:
    return [m["title"] for r in records for m in r["mentions"]]


def _kb_type(linker: Any, title: str | None) -> str:
    if title is None:
        return "NIL"
    ent = linker.kb.entity(key(title))
    return ent.type if ent is not None else "missing"


# -- speed, memory, KB -------------------------------------------------------------


def enron_bodies(maildir: Path, n: int) -> list[str]:
    """The first ``n`` non-empty plain-text bodies of the maildir, in path order."""
    from nlp.parse import clip

    out = []
    for path in sorted(p for p in maildir.rglob("*") if p.is_file()):
        msg = email.message_from_bytes(path.read_bytes())
        if msg.is_multipart():
            continue
        body = (msg.get_payload(decode=True) or b"").decode("latin-1", "replace").strip()
        if body:
            out.append(clip(body))
        if len(out) >= n:
            break
    return out


def make_linker(kb_dir: Path, cache: Path, threshold: float, semantic: bool) -> Any:
    """The linker as the build and `backchannel link` make it, with or without MiniLM."""
    from nlp.kb import KnowledgeBase
    from nlp.linker import make_linker as linker_for

    return linker_for(KnowledgeBase.open(kb_dir, cache), threshold, semantic=semantic)


def _link_worker(args: tuple[Path, Path, float, bool, int, list[str]]) -> tuple[float, int, int]:
    """Parse a share of the bodies (untimed), then time linking alone."""
    kb_dir, cache, threshold, semantic, procs, bodies = args
    from nlp.linker import LinkRequest
    from nlp.parse import load_nlp

    if procs > 1:  # each process gets one core's worth of torch threads
        import torch

        torch.set_num_threads(1)
    linker = make_linker(kb_dir, cache, threshold, semantic)
    if linker.semantic is not None:
        linker.semantic.similarities(["warm up"], [[]])  # load the model outside the timing
    docs = list(load_nlp().pipe(bodies, batch_size=64))
    t0 = time.perf_counter()
    n = 0
    for i in range(0, len(docs), LINK_BATCH):
        n += sum(map(len, linker.link_many([LinkRequest(doc) for doc in docs[i : i + LINK_BATCH]])))
    asked = linker.semantic.encoded_contexts - 1 if linker.semantic is not None else 0
    return time.perf_counter() - t0, n, asked


def link_speed(
    kb_dir: Path, cache: Path, threshold: float, semantic: bool, bodies: list[str], procs: int
) -> dict[str, Any]:
    shares = [bodies[i::procs] for i in range(procs)]
    if procs == 1:
        results = [_link_worker((kb_dir, cache, threshold, semantic, 1, bodies))]
    else:
        with multiprocessing.get_context("spawn").Pool(procs) as pool:
            results = pool.map(_link_worker, [(kb_dir, cache, threshold, semantic, procs, s) for s in shares])
    wall = max(r[0] for r in results)
    return {
        "processes": procs,
        "semantic_contexts": sum(r[2] for r in results),
        "messages": len(bodies),
        "link_seconds": round(wall, 2),
        "msg_per_s": round(len(bodies) / wall, 1),
        "mentions": sum(r[1] for r in results),
    }


def kb_numbers(kb_dir: Path, build: bool) -> dict[str, Any]:
    """Cache build time (when ``build``), its size on disk, and uncached lookup speed."""
    from nlp.kb import KnowledgeBase

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) if build else Path(tempfile.gettempdir()) / "el-eval-kb"
        t0 = time.perf_counter()
        kb = KnowledgeBase.open(kb_dir, cache)
        out["open_seconds" if not build else "build_seconds"] = round(time.perf_counter() - t0, 1)
        out["cache_mb"] = round(kb.path.stat().st_size / 2**20, 1)
        keys = [r[0] for r in kb._db.execute("SELECT norm FROM aliases ORDER BY random() LIMIT 20000")]
        keys += [f"zz-no-such-alias-{i}" for i in range(5000)]
        random.Random(1).shuffle(keys)
        t0 = time.perf_counter()
        for k in keys:
            kb._candidates(k, 10)  # the uncached lookup
        out["lookups_per_s"] = round(len(keys) / (time.perf_counter() - t0))
        kb.close()
    return out


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# -- report --------------------------------------------------------------------------


def markdown(report: dict[str, Any]) -> str:
    lines = ["| set | mode | P | R | F1 | NIL P | NIL R | mentions |", "|---|---|---|---|---|---|---|---|"]
    for name, res in report["accuracy"].items():
        for mode in ("given_spans", "end_to_end"):
            s = res[mode]
            nil = f"{s['nil_precision']:.3f} | {s['nil_recall']:.3f}" if mode == "given_spans" else "– | –"
            lines.append(
                f"| {name} | {mode.replace('_', ' ')} | {s['precision']:.3f} | {s['recall']:.3f} "
                f"| **{s['f1']:.3f}** | {nil} | {res['mentions']} |"
            )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kb", type=Path, default=SHARED / "wikipedia")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "el-eval-kb")
    ap.add_argument("--split", default="test", choices=("dev", "test"))
    ap.add_argument("--threshold", type=float, default=None, help="default: the link_threshold setting")
    ap.add_argument("--speed", action="store_true", help="also time linking on Enron bodies")
    ap.add_argument("--maildir", type=Path, default=Path("/tmp/enron/maildir"))
    ap.add_argument("--no-semantic", action="store_true", help="leave the MiniLM signal out")
    ap.add_argument("--kb-build", action="store_true", help="also time a from-scratch KB cache build")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "el_eval.json")
    args = ap.parse_args()

    from backchannel.settings import Settings

    threshold = Settings().link_threshold if args.threshold is None else args.threshold
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} cores",
        "kb": str(args.kb),
        "split": args.split,
        "threshold": threshold,
    }
    if args.kb_build:
        report["kb_cache"] = kb_numbers(args.kb, build=True)
    t0 = time.perf_counter()
    linker = make_linker(args.kb, args.cache, threshold, not args.no_semantic)
    report["load_seconds"] = round(time.perf_counter() - t0, 1)
    report["accuracy"] = {name: evaluate(linker, load_set(name, args.split)) for name in SETS}
    if args.speed:
        bodies = enron_bodies(args.maildir, 1000)
        semantic = not args.no_semantic
        report["speed"] = [link_speed(args.kb, args.cache, threshold, semantic, bodies, p) for p in (1, 2)]
    report["peak_rss_mb"] = peak_rss_mb()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=lambda o: asdict(o)) + "\n", encoding="utf-8")
    print(markdown(report))
    for name, res in report["accuracy"].items():
        print(name, "given-span confusions:", res["given_spans"]["top_confusions"][:8])
    for k in ("kb_cache", "speed", "peak_rss_mb", "load_seconds"):
        if k in report:
            print(k, report[k])


if __name__ == "__main__":
    main()
