"""Scores for comparing a clustering (a predicted labeling) with a gold labeling.

A labeling is a mapping ``{item: label}``. Every function here takes ``gold`` and ``predicted`` and
scores the items of ``gold``: an item missing from ``predicted`` counts as a singleton cluster of its own
(the conservative choice: it can only lose recall), and items found only in ``predicted`` are ignored.

Measures (all exact, computed from the contingency table of the two labelings):

- pairwise precision / recall / F1 over unordered item pairs placed in one cluster (Manning, Raghavan &
  Schütze, *Introduction to Information Retrieval*, §16.3, "Rand index" pair counting);
- BCubed precision / recall / F1 (Bagga & Baldwin 1998; Amigó et al. 2009, "A comparison of extrinsic
  clustering evaluation metrics based on formal constraints"), averaged over items;
- the adjusted Rand index (Hubert & Arabie 1985);
- normalized mutual information (Strehl & Ghosh 2002) with the arithmetic-mean normalizer by default
  (as scikit-learn does) or the geometric mean (as the MStream / GSDMM papers report).

Conventions for empty denominators: a precision with no predicted pairs is 1.0, a recall with no gold
pairs is 1.0, and F1 of two zeros is 0.0. ARI and NMI of two labelings that each put everything in one
cluster (or everything in singletons) are 1.0 when the labelings agree.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from newsfold.errors import UsageError

Labeling = Mapping[Any, Hashable]


@dataclass(frozen=True, slots=True)
class ClusteringScores:
    """All scores of one predicted labeling against gold, as plain numbers."""

    items: int
    gold_clusters: int
    predicted_clusters: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    ari: float
    nmi: float

    def as_dict(self) -> dict[str, float | int]:
        """The scores as a plain dict (for JSON export)."""
        return asdict(self)


def _aligned(gold: Labeling, predicted: Labeling) -> tuple[list[Hashable], list[Hashable]]:
    """Gold and predicted labels for every gold item; missing predictions become unique singletons."""
    gold_labels: list[Hashable] = []
    predicted_labels: list[Hashable] = []
    for item, label in gold.items():
        gold_labels.append(label)
        if item in predicted:
            predicted_labels.append(("label", predicted[item]))
        else:
            predicted_labels.append(("missing", item))
    return gold_labels, predicted_labels


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _contingency(
    gold: Labeling, predicted: Labeling
) -> tuple[Counter[tuple[Hashable, Hashable]], Counter[Hashable], Counter[Hashable], int]:
    gold_labels, predicted_labels = _aligned(gold, predicted)
    joint = Counter(zip(gold_labels, predicted_labels, strict=True))
    return joint, Counter(gold_labels), Counter(predicted_labels), len(gold_labels)


def pairwise_scores(gold: Labeling, predicted: Labeling) -> tuple[float, float, float]:
    """Pairwise (precision, recall, F1): a predicted pair is correct when gold also groups it."""
    joint, gold_sizes, predicted_sizes, _ = _contingency(gold, predicted)
    true_pairs = sum(_pairs(n) for n in joint.values())
    predicted_pairs = sum(_pairs(n) for n in predicted_sizes.values())
    gold_pairs = sum(_pairs(n) for n in gold_sizes.values())
    precision = true_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = true_pairs / gold_pairs if gold_pairs else 1.0
    return precision, recall, _f1(precision, recall)


def bcubed_scores(gold: Labeling, predicted: Labeling) -> tuple[float, float, float]:
    """BCubed (precision, recall, F1), each the mean over items of the per-item ratio.

    For item ``i`` with gold cluster ``G(i)`` and predicted cluster ``P(i)``: precision is
    ``|G(i) ∩ P(i)| / |P(i)|`` and recall ``|G(i) ∩ P(i)| / |G(i)|``.
    """
    joint, gold_sizes, predicted_sizes, total = _contingency(gold, predicted)
    if total == 0:
        return 1.0, 1.0, 1.0
    # Each of the n items in a contingency cell shares n items with its clusters' intersection.
    precision = sum(n * n / predicted_sizes[p] for (_, p), n in joint.items()) / total
    recall = sum(n * n / gold_sizes[g] for (g, _), n in joint.items()) / total
    return precision, recall, _f1(precision, recall)


def adjusted_rand_index(gold: Labeling, predicted: Labeling) -> float:
    """The adjusted Rand index: pair agreement corrected for chance; 1 for identical, ~0 for random."""
    joint, gold_sizes, predicted_sizes, total = _contingency(gold, predicted)
    index = sum(_pairs(n) for n in joint.values())
    gold_pairs = sum(_pairs(n) for n in gold_sizes.values())
    predicted_pairs = sum(_pairs(n) for n in predicted_sizes.values())
    all_pairs = _pairs(total)
    if all_pairs == 0:
        return 1.0
    expected = gold_pairs * predicted_pairs / all_pairs
    maximum = (gold_pairs + predicted_pairs) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def normalized_mutual_information(
    gold: Labeling, predicted: Labeling, average: Literal["arithmetic", "geometric"] = "arithmetic"
) -> float:
    """NMI = I(G; P) / mean(H(G), H(P)), natural logarithms.

    ``average`` picks the mean: ``"arithmetic"`` (scikit-learn's default) or ``"geometric"`` (the
    normalizer of Strehl & Ghosh 2002, used by the MStream and GSDMM papers).
    """
    if average not in ("arithmetic", "geometric"):
        raise ValueError(f"average must be 'arithmetic' or 'geometric', not {average!r}")
    joint, gold_sizes, predicted_sizes, total = _contingency(gold, predicted)
    if total == 0:
        return 1.0
    mutual = sum(
        n / total * math.log(n * total / (gold_sizes[g] * predicted_sizes[p])) for (g, p), n in joint.items()
    )
    gold_entropy = -sum(n / total * math.log(n / total) for n in gold_sizes.values())
    predicted_entropy = -sum(n / total * math.log(n / total) for n in predicted_sizes.values())
    if gold_entropy == 0 and predicted_entropy == 0:
        return 1.0
    if average == "arithmetic":
        normalizer = (gold_entropy + predicted_entropy) / 2
    else:
        normalizer = math.sqrt(gold_entropy * predicted_entropy)
    if normalizer == 0:
        return 0.0
    return max(0.0, min(1.0, mutual / normalizer))


def score_clustering(gold: Labeling, predicted: Labeling) -> ClusteringScores:
    """Every measure of this module for one predicted labeling (NMI with the arithmetic mean)."""
    pairwise = pairwise_scores(gold, predicted)
    bcubed = bcubed_scores(gold, predicted)
    gold_labels, predicted_labels = _aligned(gold, predicted)
    return ClusteringScores(
        items=len(gold_labels),
        gold_clusters=len(set(gold_labels)),
        predicted_clusters=len(set(predicted_labels)),
        pairwise_precision=pairwise[0],
        pairwise_recall=pairwise[1],
        pairwise_f1=pairwise[2],
        bcubed_precision=bcubed[0],
        bcubed_recall=bcubed[1],
        bcubed_f1=bcubed[2],
        ari=adjusted_rand_index(gold, predicted),
        nmi=normalized_mutual_information(gold, predicted),
    )


def pair_link_scores(
    gold_pairs: set[frozenset[Hashable]], predicted_pairs: set[frozenset[Hashable]]
) -> tuple[float, float, float]:
    """(precision, recall, F1) of a set of predicted links (unordered pairs) against gold links."""
    true_links = len(gold_pairs & predicted_pairs)
    precision = true_links / len(predicted_pairs) if predicted_pairs else 1.0
    recall = true_links / len(gold_pairs) if gold_pairs else 1.0
    return precision, recall, _f1(precision, recall)


def labeling_from_records(
    records: Iterable[Mapping[str, Any]], item_field: str = "id", label_field: str = "event"
) -> dict[str, str]:
    """``{item: label}`` from flat records (an assignments export); records whose label is empty or
    ``null`` are left out (and so count as singletons when scored as predictions)."""
    labeling: dict[str, str] = {}
    for record in records:
        if item_field not in record:
            raise UsageError(f"record has no {item_field!r} field: {dict(record)!r:.200}")
        label = record.get(label_field)
        if label is None or label == "":
            continue
        labeling[str(record[item_field])] = str(label)
    return labeling


def read_labeling(path: str | Path, item_field: str = "id", label_field: str = "event") -> dict[str, str]:
    """A labeling from a ``.jsonl``, ``.json`` (a list of records or one ``{item: label}`` object),
    ``.csv`` or ``.parquet`` file, such as ``newsfold export --what assignments``."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        return labeling_from_records(rows, item_field, label_field)
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items() if v is not None}
        return labeling_from_records(data, item_field, label_field)
    if suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return labeling_from_records(csv.DictReader(handle), item_field, label_field)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return labeling_from_records(pq.read_table(path).to_pylist(), item_field, label_field)
    raise UsageError(f"{path}: unknown labeling format {suffix!r}; use .jsonl, .json, .csv or .parquet")


def evaluate_files(
    gold: str | Path, predicted: str | Path, label_field: str = "event", gold_label_field: str | None = None
) -> ClusteringScores:
    """Score an assignments export (``predicted``) against a gold file, both read by :func:`read_labeling`
    (``label_field`` names the level: ``event``, ``story`` or ``copy_group``)."""
    gold_labels = read_labeling(gold, label_field=gold_label_field or label_field)
    return score_clustering(gold_labels, read_labeling(predicted, label_field=label_field))
