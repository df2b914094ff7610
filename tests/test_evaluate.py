"""Clustering scores against values computed by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsfold.evaluate import (
    adjusted_rand_index,
    bcubed_scores,
    normalized_mutual_information,
    pair_link_scores,
    pairwise_scores,
    score_clustering,
)

# gold {a b c} {d e}; predicted {a b} {c d e}
GOLD = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
PREDICTED = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"}


def test_pairwise_by_hand() -> None:
    # predicted pairs ab cd ce de (4); gold pairs ab ac bc de (4); shared ab de (2)
    assert pairwise_scores(GOLD, PREDICTED) == pytest.approx((0.5, 0.5, 0.5))


def test_bcubed_by_hand() -> None:
    # precision per item: a 2/2, b 2/2, c 1/3, d 2/3, e 2/3 -> 11/3 / 5
    # recall per item:    a 2/3, b 2/3, c 1/3, d 2/2, e 2/2 -> 11/3 / 5
    precision, recall, f1 = bcubed_scores(GOLD, PREDICTED)
    assert precision == pytest.approx(11 / 15)
    assert recall == pytest.approx(11 / 15)
    assert f1 == pytest.approx(11 / 15)


def test_ari_by_hand() -> None:
    # index 2, expected 4 * 4 / 10 = 1.6, maximum 4
    assert adjusted_rand_index(GOLD, PREDICTED) == pytest.approx(0.4 / 2.4)


def test_nmi_by_hand() -> None:
    mutual = 0.4 * math.log(10 / 6) + 0.2 * math.log(5 / 9) + 0.4 * math.log(10 / 6)
    entropy = -(0.6 * math.log(0.6) + 0.4 * math.log(0.4))
    assert normalized_mutual_information(GOLD, PREDICTED) == pytest.approx(mutual / entropy)
    assert normalized_mutual_information(GOLD, PREDICTED, "geometric") == pytest.approx(mutual / entropy)


def test_geometric_differs_from_arithmetic_when_entropies_differ() -> None:
    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    predicted = {"a": 1, "b": 2, "c": 3, "d": 4}
    # I = H(G) = ln 2, H(P) = ln 4
    assert normalized_mutual_information(gold, predicted) == pytest.approx(math.log(2) / (1.5 * math.log(2)))
    assert normalized_mutual_information(gold, predicted, "geometric") == pytest.approx(
        math.log(2) / math.sqrt(2 * math.log(2) ** 2)
    )


def test_missing_prediction_is_a_singleton() -> None:
    scores = bcubed_scores({"a": 1, "b": 1}, {"a": 7})
    assert scores == pytest.approx((1.0, 0.5, 2 / 3))


def test_perfect_and_all_singletons() -> None:
    perfect = score_clustering(GOLD, GOLD)
    assert perfect.pairwise_f1 == perfect.bcubed_f1 == perfect.ari == perfect.nmi == 1.0
    singletons = {item: item for item in GOLD}
    precision, recall, _ = pairwise_scores(GOLD, singletons)
    assert precision == 1.0 and recall == 0.0
    assert score_clustering(GOLD, singletons).as_dict()["predicted_clusters"] == 5


def test_bad_average_is_refused() -> None:
    with pytest.raises(ValueError, match="arithmetic"):
        normalized_mutual_information(GOLD, PREDICTED, "harmonic")  # type: ignore[arg-type]


def test_pair_links() -> None:
    gold = {frozenset("ab"), frozenset("cd")}
    predicted = {frozenset("ab"), frozenset("ac"), frozenset("ce")}
    assert pair_link_scores(gold, predicted) == pytest.approx((1 / 3, 1 / 2, 0.4))


labelings = st.dictionaries(st.integers(0, 30), st.integers(0, 4), min_size=1, max_size=30)


@given(labelings, st.data())
def test_scores_bounded_and_symmetric_where_they_should_be(gold: dict[int, int], data: st.DataObject) -> None:
    predicted = {item: data.draw(st.integers(0, 4)) for item in gold}
    scores = score_clustering(gold, predicted)
    for value in (scores.pairwise_f1, scores.bcubed_f1, scores.nmi):
        assert 0.0 <= value <= 1.0
    assert adjusted_rand_index(gold, predicted) == pytest.approx(adjusted_rand_index(predicted, gold))
    assert normalized_mutual_information(gold, predicted) == pytest.approx(
        normalized_mutual_information(predicted, gold)
    )
    relabeled = {item: f"p{label}" for item, label in predicted.items()}
    assert score_clustering(gold, relabeled) == scores


def test_read_labelings_from_export_formats(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from newsfold.errors import UsageError
    from newsfold.evaluate import evaluate_files, read_labeling

    rows = [{"id": "a", "event": "e1"}, {"id": "b", "event": "e1"}, {"id": "c", "event": None}]
    jsonl = tmp_path / "pred.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert read_labeling(jsonl) == {"a": "e1", "b": "e1"}
    gold = tmp_path / "gold.csv"
    gold.write_text("id,event\na,x\nb,x\nc,y\n")
    assert read_labeling(gold) == {"a": "x", "b": "x", "c": "y"}
    (tmp_path / "gold.json").write_text(json.dumps({"a": "x", "b": "y"}))
    assert read_labeling(tmp_path / "gold.json") == {"a": "x", "b": "y"}
    scores = evaluate_files(gold, jsonl)
    assert scores.bcubed_f1 == pytest.approx(1.0) and scores.items == 3
    (tmp_path / "x.txt").write_text("a x\n")
    with pytest.raises(UsageError, match="unknown labeling format"):
        read_labeling(tmp_path / "x.txt")
    with pytest.raises(UsageError, match="no such file"):
        read_labeling(tmp_path / "missing.csv")
