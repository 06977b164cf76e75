"""Query vectors through ONNX Runtime: the same MiniLM, about 3x faster for one short text.

A search query is one text of a few word pieces. In PyTorch most of the 12-15 ms
its forward pass takes is per-operator overhead, not arithmetic; the same graph
run by ONNX Runtime takes ~5 ms on two cores (bench/RESULTS.md, "Query
embedding"). The graph is exported from the installed weights once per process,
in memory (~1.5 s; nothing is downloaded or written), from a private copy of the
model (exporting traces, and tracing changed the module it was given). Before
it is used it must agree with PyTorch on probe texts (cosine >= 0.9999);
otherwise, or when ONNX Runtime cannot run it, queries stay on PyTorch.

Only unpadded single texts are encoded here (the attention mask is all ones and
is built inside the graph); bulk embedding stays on PyTorch (nlp.embed.Embedder),
where batches make the operator overhead small and ONNX Runtime was no faster.
"""

from __future__ import annotations

import copy
import functools
import io
import logging
import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nlp.embed import DIMENSIONS, TOKENIZER_LOCK

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

#: Texts an exported graph must embed like PyTorch before it replaces it: short and long,
#: digits, punctuation, non-ASCII.
PROBES = (
    "gas",
    "west desk members and titles for 2001 plan",
    "Can't make Monday's interviews because of the California crisis: Zürich, 9:30 or 14:00?",
)
#: Least cosine between the ONNX and PyTorch vectors of each probe (float32 noise is ~1e-7).
AGREEMENT = 0.9999


class OnnxQueryEncoder:
    """Unit-length MiniLM vectors of single texts, computed by ONNX Runtime."""

    def __init__(self, model: SentenceTransformer, max_tokens: int, threads: int | None = None) -> None:
        import onnxruntime as ort

        self.tokenizer = model.tokenizer
        self.max_tokens = max_tokens
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only: its warnings are about graph rewrites
        # No spin-waiting after a run: the search's next steps need those cores (spinning threads
        # made the vector search after each query embedding 2-3x slower).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(_export(model), options, providers=["CPUExecutionProvider"])

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, DIMENSIONS), np.float32)

    def _one(self, text: str) -> np.ndarray:
        with TOKENIZER_LOCK:  # the tokenizer is PyTorch's too, and its truncation state is shared
            ids = self.tokenizer([text], truncation=True, max_length=self.max_tokens, return_tensors="np")[
                "input_ids"
            ].astype(np.int64)
        hidden = self.session.run(None, {"input_ids": ids})[0][0]
        vec = hidden.mean(axis=0)  # mean pooling: every position is a real word piece
        return (vec / np.linalg.norm(vec)).astype(np.float32)


def _export(model: SentenceTransformer) -> bytes:
    import torch

    class _Graph(torch.nn.Module):
        """The transformer from word-piece ids alone (one unpadded text: the mask is all ones)."""

        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids,
                attention_mask=torch.ones_like(input_ids),
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state

    graph = _Graph(copy.deepcopy(model[0].auto_model).eval())
    example = model.tokenizer([PROBES[1]], return_tensors="pt")["input_ids"]
    out = io.BytesIO()
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches
        torch.onnx.export(
            graph,
            (example,),
            out,
            input_names=["input_ids"],
            output_names=["hidden"],
            dynamic_axes={"input_ids": {0: "batch", 1: "pieces"}, "hidden": {0: "batch", 1: "pieces"}},
            opset_version=17,
            dynamo=False,  # the TorchScript exporter: no onnxscript needed, and it handles BERT
        )
    return out.getvalue()


def agrees(encoder: OnnxQueryEncoder, reference: Any) -> float:
    """The least cosine between ``encoder`` and ``reference`` (PyTorch) over :data:`PROBES`."""
    ours, theirs = encoder(PROBES), reference(list(PROBES))
    return float(min(np.sum(ours * theirs, axis=1)))


@functools.cache
def onnx_query_encoder(max_tokens: int, reference: Any) -> OnnxQueryEncoder | None:
    """An ONNX encoder equivalent to ``reference`` (a PyTorch encoder with ``.model``), or None
    (logged) when one cannot be built or does not agree with it."""
    try:
        encoder = OnnxQueryEncoder(reference.model, max_tokens)
        least = agrees(encoder, reference.encode)
    except Exception as exc:  # noqa: BLE001 - any failure here means "stay on PyTorch"
        log.warning("query vectors stay on PyTorch: the ONNX graph could not be built (%s)", exc)
        return None
    if least < AGREEMENT:
        log.warning("query vectors stay on PyTorch: the ONNX graph disagrees (cosine %.5f)", least)
        return None
    return encoder
