"""Query vectors from ONNX Runtime are PyTorch's vectors, and anything else falls back to PyTorch."""

from __future__ import annotations

import logging
import subprocess
import sys

import numpy as np
import pytest

import backchannel.vectors as vectors
from nlp import onnx_query
from nlp.onnx_query import OnnxQueryEncoder, onnx_query_encoder

TEXTS = [
    "gas",
    "Natural gas traders had losses in California.",
    "résumé of the Zürich meeting, 9:30 — naïve plan 🙂",
    "price " * 400,  # longer than the word-piece cap: both truncate the same way
]


def test_query_vectors_come_from_onnx_and_equal_pytorch() -> None:
    encoder = vectors.query_encoder()
    assert isinstance(encoder, OnnxQueryEncoder)
    ours = encoder(TEXTS)
    theirs = vectors.default_encoder()(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(ours * theirs, axis=1)) > 0.9999
    assert np.array_equal(vectors.query_vector("gas prices"), encoder(["gas prices"])[0])


def test_a_graph_that_disagrees_is_not_used(monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    reference = vectors._embedder(1)
    monkeypatch.setattr(onnx_query, "AGREEMENT", 1.5)  # no graph can agree this well
    onnx_query_encoder.cache_clear()
    with caplog.at_level(logging.WARNING, logger="nlp.onnx_query"):
        assert onnx_query_encoder(vectors.EMBED_TOKENS, reference) is None
    assert "disagrees" in caplog.text
    onnx_query_encoder.cache_clear()


def test_an_export_that_fails_falls_back(monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    def broken(model: object) -> bytes:
        raise RuntimeError("no exporter here")

    monkeypatch.setattr(onnx_query, "_export", broken)
    onnx_query_encoder.cache_clear()
    with caplog.at_level(logging.WARNING, logger="nlp.onnx_query"):
        assert onnx_query_encoder(vectors.EMBED_TOKENS, vectors._embedder(1)) is None
    assert "could not be built" in caplog.text and "no exporter here" in caplog.text
    onnx_query_encoder.cache_clear()


def test_onnx_runtime_loads_after_an_hnsw_graph_in_one_process(tmp_path) -> None:
    """usearch imported first made ``import onnxruntime`` segfault: the graph code imports
    ONNX Runtime before usearch. A fresh interpreter, since this one has both loaded."""
    script = (
        "import numpy as np\n"
        "import backchannel.vectors as v\n"
        "g = v._new_graph(4)\n"
        "g.add(np.arange(3), np.eye(3, 4, dtype=np.float16))\n"
        "import onnxruntime\n"
        "print(len(g), onnxruntime.get_device())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["3", "CPU"]
