"""Entity linking on public benchmarks nobody here wrote, beside the "top prior" baseline.

    .venv/bin/python bench/el_public_eval.py [--split dev|test|all] [--kb DIR] [--errors N]

Sets (``../shared/eval/el/``, the ELEVANT suite; see its README): OKE 2015 (Wikipedia
biographies), Derczynski (tweets), DBpedia Spotlight (NYT paragraphs). OKE's train file is
the dev split and its eval file the test split; Derczynski and Spotlight are split by
``sha1(set:id)`` (half of the docs each). OKE 2016 train is OKE 2015 train + eval: left out.

Gold labels are Wikidata ids. One that the knowledge base maps to an entity (14,515 of them
have a ``qid``) must be predicted as that entity; one it does not map is compared by name
(the label against the predicted title without its "(qualifier)"). ``<NIL>`` gold spans count
a predicted link as a false positive; ``<NO_MAPPING>``, ``DATETIME``, optional and child labels
are not scored.

Reported per set, given gold spans (as ``backchannel link`` with ``mentions``):

* **linker**: :class:`nlp.linker.Linker` as the build uses it;
* **prior**: the top-prior candidate of the surface as written (the baseline of issue 15);
* **candidate recall**: share of gold entities among the linker's candidates, and among
  the top-1 prior; and **end to end**: mentions found by the linker itself (a link is
  right when it overlaps a gold span whose entity it is).

``--errors N`` prints up to N wrong links (dev only: tune on dev, report on test).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
EL_DIR = SHARED / "eval" / "el"
RESULTS = HERE / "results"
FILES = {
    "oke-2015": {"dev": "oke-2015-train", "test": "oke-2015-eval"},
    "derczynski": {"dev": "derczynski", "test": "derczynski"},
    "spotlight": {"dev": "spotlight", "test": "spotlight"},
}
UNSCORED = frozenset({"<NO_MAPPING>", "DATETIME"})
_QUALIFIER = re.compile(r"\s*\([^)]*\)$")


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    entity: str | None  # the KB id, or None: NIL
    name: str  # the label (compared by name when the KB has no id for it)


@dataclass
class Doc:
    id: str
    text: str
    gold: list[Gold]


def norm_name(title: str) -> str:
    return " ".join(_QUALIFIER.sub("", title).replace("_", " ").casefold().split())


def _split_of(name: str, doc_id: Any) -> str:
    digest = int(hashlib.sha1(f"{name}:{doc_id}".encode()).hexdigest(), 16)
    return "dev" if digest % 2 == 0 else "test"


def qid_map(kb_dir: Path) -> dict[str, str]:
    """Wikidata id -> KB entity id, read once from ``entities.jsonl.gz`` and cached in /tmp."""
    src = kb_dir / "entities.jsonl.gz"
    stamp = f"{src.resolve()}:{src.stat().st_size}:{int(src.stat().st_mtime)}"
    cache = Path(tempfile.gettempdir()) / f"el-qids-{hashlib.sha1(stamp.encode()).hexdigest()[:12]}.json"
    if cache.exists():
        return dict(json.loads(cache.read_text(encoding="utf-8")))
    out = {}
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("qid"):
                out[str(rec["qid"])] = str(rec["id"])
    cache.write_text(json.dumps(out), encoding="utf-8")
    return out


def load(name: str, split: str, qids: dict[str, str]) -> list[Doc]:
    """One benchmark's docs of a split, gold resolved to KB ids where the KB has them."""
    files = {FILES[name][s] for s in (("dev", "test") if split == "all" else (split,))}
    docs = []
    for file in sorted(files):
        for line in (EL_DIR / f"{file}.benchmark.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if (
                FILES[name]["dev"] == FILES[name]["test"]
                and split != "all"
                and _split_of(name, rec["id"]) != split
            ):
                continue
            gold = []
            for lab in rec["labels"]:
                eid = str(lab["entity_id"])
                if lab.get("optional") or lab.get("parent") is not None or eid in UNSCORED:
                    continue
                start, end = lab["span"]
                entity = None if eid == "<NIL>" else qids.get(eid, "?" + eid)
                gold.append(Gold(start, end, entity, str(lab.get("name") or "")))
            docs.append(Doc(f"{name}:{rec['id']}", rec["text"], gold))
    return docs


def correct(gold: Gold, predicted: str | None) -> bool:
    """Whether a predicted title (not None) is the gold entity."""
    if predicted is None or gold.entity is None:
        return False
    pred = predicted.casefold().replace(" ", "_")
    if not gold.entity.startswith("?"):
        return pred == gold.entity
    return norm_name(predicted) == norm_name(gold.name)  # the KB has no id for this QID: by name


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    cand_hit: int = 0  # gold entity among the candidates
    cand_total: int = 0
    errors: list[str] = field(default_factory=list)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, gold: Gold, predicted: str | None, doc: Doc, *, keep_error: bool = False) -> None:
        if gold.entity is None:
            if predicted is not None:
                self.fp += 1
                self._error(gold, predicted, doc, keep_error)
            return
        if correct(gold, predicted):
            self.tp += 1
            return
        self.fn += 1
        if predicted is not None:
            self.fp += 1
        self._error(gold, predicted, doc, keep_error)

    def _error(self, gold: Gold, predicted: str | None, doc: Doc, keep: bool) -> None:
        g = gold.name if gold.entity is None or gold.entity.startswith("?") else gold.entity
        self.confusions[(g if gold.entity is not None else "NIL", str(predicted))] += 1
        if keep:
            ctx = doc.text[max(0, gold.start - 40) : gold.end + 40].replace("\n", " ")
            self.errors.append(
                f"{doc.id}: [{doc.text[gold.start : gold.end]}] gold={g!r} pred={predicted!r} | {ctx}"
            )

    def summary(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "tp": self.tp,
               "fp": self.fp, "fn": self.fn}  # fmt: skip
        if self.cand_total:
            out["candidate_recall"] = round(self.cand_hit / self.cand_total, 4)
        out["top_confusions"] = [f"{g} -> {p} x{n}" for (g, p), n in self.confusions.most_common(10)]
        return out


def run(linker: Any, docs: list[Doc], want_errors: bool) -> dict[str, Counts]:
    """Linker, prior baseline and end to end over ``docs``."""
    from nlp.linker import LinkRequest
    from nlp.parse import clip, load_nlp

    results = {"linker": Counts(), "prior": Counts(), "end_to_end": Counts()}
    parsed = load_nlp().pipe((clip(d.text) for d in docs), batch_size=64)
    for doc, spacy_doc in zip(docs, parsed, strict=True):
        gold = [g for g in doc.gold if g.end <= len(spacy_doc.text)]
        spans = [(g.start, g.end) for g in gold]
        linked = linker.link(spacy_doc, spans=spans) if gold else []
        considered = (
            linker._first_pass(LinkRequest(spacy_doc, spans)) if gold else []
        )  # the candidates it had
        for g, m, item in zip(gold, linked, considered, strict=True):
            results["linker"].add(g, m.entity, doc, keep_error=want_errors)
            surface = doc.text[g.start : g.end]
            cands = item.cands
            top = linker.kb.candidates(surface, 1)
            results["prior"].add(g, top[0].title if top else None, doc)
            if g.entity is not None:
                results["linker"].cand_total += 1
                results["linker"].cand_hit += any(correct(g, linker.title(c)) for c in cands)
                results["prior"].cand_total += 1
                results["prior"].cand_hit += bool(top) and correct(g, top[0].title)
        e2e = results["end_to_end"]
        found = [m for m in linker.link(spacy_doc) if m.entity is not None]
        matched: set[int] = set()
        for m in found:
            hit = next(
                (i for i, g in enumerate(gold) if i not in matched and g.start < m.end and m.start < g.end
                 and correct(g, m.entity)),
                None,
            )  # fmt: skip
            if hit is None:
                e2e.fp += 1
            else:
                matched.add(hit)
                e2e.tp += 1
        e2e.fn += sum(1 for i, g in enumerate(gold) if g.entity is not None and i not in matched)
    return results


def markdown(report: dict[str, dict[str, dict[str, Any]]]) -> str:
    lines = [
        "| set | docs | gold links | linker P / R / F1 | prior F1 | candidate recall (linker / top prior) "
        "| end to end F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, res in report.items():
        lk, pr, e2e = res["linker"], res["prior"], res["end_to_end"]
        lines.append(
            f"| {name} | {res['docs']} | {lk['tp'] + lk['fn']} "
            f"| {lk['precision']:.3f} / {lk['recall']:.3f} / "
            f"**{lk['f1']:.3f}** | {pr['f1']:.3f} | {lk.get('candidate_recall', 0):.3f} / "
            f"{pr.get('candidate_recall', 0):.3f} | {e2e['f1']:.3f} |"
        )
    return "\n".join(lines)


def iter_sets(names: Iterable[str], split: str, qids: dict[str, str]) -> Iterator[tuple[str, list[Doc]]]:
    for name in names:
        yield name, load(name, split, qids)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test", choices=("dev", "test", "all"))
    ap.add_argument("--kb", type=Path, default=SHARED / "wikipedia")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "el-eval-kb")
    ap.add_argument("--sets", default=",".join(FILES))
    ap.add_argument("--no-semantic", action="store_true")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if args.errors and args.split != "dev":
        ap.error("--errors is for the dev split: tune on dev, report on test")

    from backchannel.settings import Settings
    from nlp.kb import KnowledgeBase
    from nlp.linker import make_linker

    kb = KnowledgeBase.open(args.kb, args.cache)
    linker = make_linker(kb, Settings().link_threshold, semantic=not args.no_semantic)
    qids = qid_map(args.kb)
    report: dict[str, dict[str, Any]] = {}
    t0 = time.perf_counter()
    for name, docs in iter_sets(args.sets.split(","), args.split, qids):
        counts = run(linker, docs, bool(args.errors))
        report[name] = {"docs": len(docs), **{k: c.summary() for k, c in counts.items()}}
        if args.errors:
            print(f"== {name}: wrong links")
            print("\n".join(counts["linker"].errors[: args.errors]))
    table = markdown(report)
    print(f"split={args.split}, {time.perf_counter() - t0:.0f} s\n")
    print(table)
    for name, res in report.items():
        print(name, "confusions:", "; ".join(res["linker"]["top_confusions"][:6]))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"el_public_{args.split}.json").write_text(
        json.dumps(report, indent=2) + "\n", encoding="utf-8"
    )
    (args.out / f"el_public_{args.split}.md").write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
