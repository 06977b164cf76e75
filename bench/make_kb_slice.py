"""Cut the small knowledge-base slice in fixtures/wikipedia/ out of the full one.

Keeps the listed entities and every alias row of their surfaces, so the
ambiguity tests rely on survives (all candidates of "python", "angel",
"apple", ...), plus the entities those rows point to. Entity records keep
only the alias rows that made it into the slice. Output is deterministic.

    python bench/make_kb_slice.py [--src ../shared/wikipedia] [--out fixtures/wikipedia] [ID ...]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What the fixtures and tests talk about (ids as in the KB: lower-cased titles).
DEFAULT_IDS = [
    # Enron and its world
    "enron",
    "enron_scandal",
    "kenneth_lay",
    "jeffrey_skilling",
    "andrew_fastow",
    "federal_energy_regulatory_commission",
    "california_public_utilities_commission",
    "natural_gas",
    "natural_gas_storage",
    "pipeline_transport",
    "electricity",
    "electric_power",
    "electricity_market",
    "electricity_generation",
    "california_electricity_crisis",
    "energy_crisis",
    "commodity_market",
    "derivative_(finance)",
    "derivative",
    "mark-to-market_accounting",
    "dynegy",
    "houston",
    "texas",
    "california",
    "san_francisco",
    "portland,_oregon",
    "oregon",
    "new_york_city",
    "london",
    "chief_executive_officer",
    # a software company's Slack
    "ruby_on_rails",
    "ruby_(programming_language)",
    "ruby",
    "rail",
    "ror",
    "python_(programming_language)",
    "python_(genus)",
    "python",
    "postgresql",
    "mysql",
    "sql",
    "javascript",
    "linux",
    "github",
    "amazon_web_services",
    "slack_(software)",
    "email",
    "iphone",
    "macos",
    "microsoft",
    "google",
    "angel_investor",
    "angel",
    "angel_(1999_tv_series)",
    "venture_capital",
    "seed_money",
    "apple",
    "apple_inc.",
    "jaguar",
    "jaguar_cars",
]


def _write_gz(path: Path, text: str) -> None:
    # mtime=0 keeps the gzip bytes identical across runs.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))


def make_slice(src: Path, out: Path, ids: list[str]) -> tuple[int, int]:
    wanted = set(ids)
    with gzip.open(src / "aliases.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        rows = [r for r in reader if len(r) == 6]
    norms = {r[0] for r in rows if r[2] in wanted}
    kept = [r for r in rows if r[0] in norms]
    keep_ids = wanted | {r[2] for r in kept}
    kept_pairs = {(r[1], r[2]) for r in kept}

    lines = []
    with gzip.open(src / "entities.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec["id"] in keep_ids:
                rec["aliases"] = [a for a in rec.get("aliases", []) if (a["text"], rec["id"]) in kept_pairs]
                lines.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
    missing = wanted - {json.loads(x)["id"] for x in lines}
    if missing:
        raise SystemExit(f"not in the source KB: {', '.join(sorted(missing))}")

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(kept)
    out.mkdir(parents=True, exist_ok=True)
    _write_gz(out / "aliases.tsv.gz", buf.getvalue())
    _write_gz(out / "entities.jsonl.gz", "".join(x + "\n" for x in lines))
    return len(lines), len(kept)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=ROOT.parent / "shared" / "wikipedia")
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures" / "wikipedia")
    ap.add_argument("ids", nargs="*", help="entity ids to keep (default: the fixture list)")
    args = ap.parse_args()
    n_ent, n_alias = make_slice(args.src, args.out, args.ids or DEFAULT_IDS)
    size = sum((args.out / n).stat().st_size for n in ("aliases.tsv.gz", "entities.jsonl.gz"))
    print(f"{n_ent} entities, {n_alias} alias rows, {size / 1024:.0f} KiB -> {args.out}")


if __name__ == "__main__":
    main()
