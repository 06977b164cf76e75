"""Embedding throughput per configuration, with each configuration's drift from the fp32 reference.

    .venv/bin/python bench/embed_speed.py --db PATH/backchannel.sqlite [--n 1000] [--configs a,b,...]

Texts: ``--n`` messages sampled (seed 7) from a built store, each as the index
embeds it (``backchannel.vectors.search_text``: subject + authored text,
punctuation runs dropped, first EMBED_CHARS characters), encoded in batches of
BATCH. Each configuration runs in its own fresh process, loads its model before
the clock starts, and reports texts per second and the cosine of each vector to
the reference ("before": sentence-transformers' encode, fp32, 2 threads, no
token cap, batches sorted by characters: how the index was embedded before).
Relevance is checked separately with ``bench/search_eval.py`` on a store
re-embedded with the chosen configuration. Results go to
``bench/results/embed_speed.json``. Not run by CI.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent

#: name -> (quantized int8 Linear layers, token cap or None, parallel workers of one torch thread;
#: 1 means one worker with torch's default 2 threads). "before" is the previous path:
#: sentence-transformers' encode, batches by character length, no cap, fp32, 2 threads.
CONFIGS: dict[str, tuple[bool, int | None, int]] = {
    "before": (False, None, 0),
    "fp32 1x2": (False, None, 1),
    "fp32 2x1": (False, None, 2),
    "fp32 cap128 2x1 (default)": (False, 128, 2),
    "int8 cap128 1x2": (True, 128, 1),
    "int8 cap128 2x1": (True, 128, 2),
    "int8 cap64 2x1": (True, 64, 2),
}


def sample_texts(db: Path, n: int) -> list[str]:
    from backchannel.vectors import search_text

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT subject, authored FROM messages WHERE built_at IS NOT NULL ORDER BY id"
    ).fetchall()
    con.close()
    rng = random.Random(7)
    picked = rng.sample(rows, min(n, len(rows)))
    return [search_text(s, a) for s, a in picked]


def run_one(name: str, texts_path: Path, out_path: Path) -> None:
    """In a fresh process: encode the texts with configuration ``name``, save vectors and timing."""
    from backchannel.vectors import BATCH
    from nlp.embed import Embedder

    quantized, cap, workers = CONFIGS[name]
    texts = json.loads(texts_path.read_text(encoding="utf-8"))
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    t0 = time.perf_counter()
    if workers == 0:
        from nlp.embed import encode_with, load_encoder

        model = load_encoder("cpu")
        encode_with(model, ["warm up"], BATCH)
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        vecs = encode_with(model, [texts[i] for i in order], BATCH)
        took = time.perf_counter() - t0
    else:
        embedder = Embedder(quantized=quantized, max_tokens=cap, workers=workers, batch_size=BATCH)
        embedder.warm()
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        vecs = embedder.encode([texts[i] for i in order])
        took = time.perf_counter() - t0
    out = np.zeros_like(vecs)
    out[order] = vecs
    np.save(out_path, out)
    print(json.dumps({"seconds": took, "load_s": load}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="a built store (backchannel.sqlite)")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--out", type=Path, default=HERE / "results" / "embed_speed.json")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--vecs", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        run_one(args.one, args.texts, args.vecs)
        return

    texts = sample_texts(args.db, args.n)
    names = ["before", *[c for c in args.configs.split(",") if c and c != "before"]]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tpath = Path(tmp) / "texts.json"
        tpath.write_text(json.dumps(texts), encoding="utf-8")
        ref = None
        for name in names:
            vpath = Path(tmp) / f"{len(results)}.npy"
            load = os.getloadavg()[0]
            proc = subprocess.run(
                [sys.executable, __file__, "--one", name, "--texts", str(tpath), "--vecs", str(vpath)],
                capture_output=True,
                text=True,
                check=True,
            )
            timing = json.loads(proc.stdout.strip().splitlines()[-1])
            vecs = np.load(vpath)
            if ref is None:
                ref = vecs
            cos = np.sum(vecs * ref, axis=1) / (np.linalg.norm(vecs, axis=1) * np.linalg.norm(ref, axis=1))
            results[name] = {
                "texts_per_s": round(len(texts) / timing["seconds"], 1),
                "seconds": round(timing["seconds"], 1),
                "load_s": round(timing["load_s"], 1),
                "cosine_mean": round(float(cos.mean()), 4),
                "cosine_min": round(float(cos.min()), 4),
                "cosine_p1": round(float(np.percentile(cos, 1)), 4),
                "load_before": round(load, 2),
            }
            print(name, results[name], flush=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} cores",
        "texts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "configs": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("| configuration | texts/s | cosine to fp32 mean / min |")
    print("|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['texts_per_s']} | {r['cosine_mean']} / {r['cosine_min']} |")


if __name__ == "__main__":
    main()
