"""The options of the copies engine, with the defaults chosen on ``benchmarks/copies.py``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

from newsfold.copies.lsh import optimal_bands
from newsfold.errors import UsageError


@dataclass(frozen=True, slots=True)
class CopyOptions:
    """How copies are found. Every default was chosen by measurement (see ``docs/copies.md``).

    ``shingle_size``: words per shingle, 1..8. Shorter shingles make unrelated texts on one topic look
    alike; longer ones let every edit break more shingles.
    ``num_hashes``: MinHash values per signature (bins of one-permutation hashing), >= 8.
    ``jaccard_threshold``: a verified pair with exact Jaccard at least this is a ``near`` copy, in (0, 1).
    ``lsh_threshold``: the Jaccard threshold the LSH bands are tuned for (``None``: ``jaccard_threshold``).
    ``containment_threshold``: a verified pair below ``jaccard_threshold`` is an ``excerpt`` when this
    share of the smaller text's shingles is in the larger one, in (0, 1].
    ``excerpt_max_ratio``: an excerpt has at most this share of the larger text's shingles (a copy that
    lost less, or only gained a header, is a ``near`` copy), in (0, 1].
    ``min_shared_shingles``: an excerpt shares at least this many shingles (so a one-line text that
    happens to occur in a long one is not an excerpt of it).
    ``anchor_window``: winnowing window in shingles; about ``2 / (window + 1)`` of shingles are anchors.
    ``min_shared_anchors``: anchors two texts must share to be a candidate by containment, >= 1.
    ``max_anchor_df``: anchors held by more texts than this are boilerplate and not followed.
    ``seed``: seeds every hash; the same seed gives the same results on every run and platform.
    ``split_below``: when set, copy groups are held together only by links at least this similar (a
    chain whose weakest link is weaker is split there); ``None`` keeps every verified link.
    ``max_gap_words``: words of difference tolerated inside one shared passage.
    ``min_passage_words``: shorter shared passages (a stock phrase) are not reported.
    ``key_bits``: 32 or 64, the width of band and anchor keys (64 for hundreds of millions of texts).
    ``batch_size``: texts hashed together in one numpy batch (speed and peak memory only).
    """

    shingle_size: int = 5
    num_hashes: int = 128
    jaccard_threshold: float = 0.35
    lsh_threshold: float | None = 0.6
    containment_threshold: float = 0.7
    excerpt_max_ratio: float = 0.9
    min_shared_shingles: int = 20
    anchor_window: int = 24
    min_shared_anchors: int = 2
    max_anchor_df: int = 500
    seed: int = 1
    split_below: float | None = None
    max_gap_words: int = 8
    min_passage_words: int = 8
    batch_size: int = 2048
    key_bits: int = 32

    def __post_init__(self) -> None:
        if not 1 <= self.shingle_size <= 8:
            raise UsageError(f"shingle_size must be 1..8 words, got {self.shingle_size}")
        if self.num_hashes < 8:
            raise UsageError(f"num_hashes must be at least 8, got {self.num_hashes}")
        if not 0.0 < self.jaccard_threshold < 1.0:
            raise UsageError(f"jaccard_threshold must be in (0, 1), got {self.jaccard_threshold}")
        if self.lsh_threshold is not None and not 0.0 < self.lsh_threshold < 1.0:
            raise UsageError(f"lsh_threshold must be in (0, 1) or None, got {self.lsh_threshold}")
        if not 0.0 < self.containment_threshold <= 1.0:
            raise UsageError(f"containment_threshold must be in (0, 1], got {self.containment_threshold}")
        if not 0.0 < self.excerpt_max_ratio <= 1.0:
            raise UsageError(f"excerpt_max_ratio must be in (0, 1], got {self.excerpt_max_ratio}")
        if self.min_passage_words < 1:
            raise UsageError(f"min_passage_words must be at least 1, got {self.min_passage_words}")
        if self.min_shared_shingles < 1:
            raise UsageError(f"min_shared_shingles must be at least 1, got {self.min_shared_shingles}")
        if self.anchor_window < 1:
            raise UsageError(f"anchor_window must be at least 1, got {self.anchor_window}")
        if self.min_shared_anchors < 1:
            raise UsageError(f"min_shared_anchors must be at least 1, got {self.min_shared_anchors}")
        if self.max_anchor_df < 2:
            raise UsageError(f"max_anchor_df must be at least 2, got {self.max_anchor_df}")
        if self.split_below is not None and not 0.0 < self.split_below <= 1.0:
            raise UsageError(f"split_below must be in (0, 1] or None, got {self.split_below}")
        if self.max_gap_words < 0:
            raise UsageError(f"max_gap_words must be >= 0, got {self.max_gap_words}")
        if self.key_bits not in (32, 64):
            raise UsageError(f"key_bits must be 32 or 64, got {self.key_bits}")
        if self.batch_size < 1:
            raise UsageError(f"batch_size must be at least 1, got {self.batch_size}")

    @property
    def bands_rows(self) -> tuple[int, int]:
        """``(bands, rows)`` of the LSH index, from :func:`~newsfold.copies.lsh.optimal_bands`."""
        threshold = self.jaccard_threshold if self.lsh_threshold is None else self.lsh_threshold
        return _bands_rows(threshold, self.num_hashes)

    def index_fingerprint(self) -> str:
        """The options that shape stored signatures and keys; an index saved under another is stale."""
        bands, rows = self.bands_rows
        return (
            f"oph-v1 shingle={self.shingle_size} hashes={self.num_hashes} seed={self.seed} "
            f"bands={bands}x{rows} window={self.anchor_window}"
            + ("" if self.key_bits == 32 else f" keys={self.key_bits}")
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@lru_cache(maxsize=64)
def _bands_rows(threshold: float, num_hashes: int) -> tuple[int, int]:
    return optimal_bands(threshold, num_hashes)
