"""A small real embedder for tests that must run without the semantic extra (CI does not install it).

Hashed bag of lower-cased words into ``dim`` dimensions, L2-normalized: texts sharing words get a high
cosine, as with a sentence model, and nothing is downloaded or mocked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


class HashingEmbedder:
    """Hashed bag of words; ``name`` is the model name the grouper and the store see (``Embedder.name``);
    ``calls`` counts :meth:`encode` calls."""

    def __init__(self, name: str = "hashing-test", dim: int = 64) -> None:
        self.name = name
        self.dim = dim
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.sha1(word.encode()).hexdigest()[:6], 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
