"""The MiniLM encoder loads offline from its package and means what it says."""

from __future__ import annotations

import os

import numpy as np

from nlp.embed import DIMENSIONS, embed


def test_embed_offline_unit_vectors_that_rank_by_meaning() -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    vectors = embed(
        [
            "The gas trading desk lost money on California positions.",
            "Natural gas traders had losses in California.",
            "Lunch is at noon on Friday in the cafeteria.",
        ]
    )
    assert vectors.shape == (3, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert similar > 0.5 > unrelated
