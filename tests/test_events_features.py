"""Article features: names, dates, TF-IDF, and the learned scorer's contract."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from newsfold.events.dates import find_dates
from newsfold.events.entities import extract_mentions, salient_entities
from newsfold.events.features import FeatureOptions, IdfTable, article_features
from newsfold.events.scorer import FEATURE_NAMES, LogisticScorer, Profile, load_scorer, pair_features
from newsfold.events.text import stem, terms
from newsfold.model import Article, Dateline

TEXT = (
    "Belarusian President Alexander Lukashenko said on Friday during a meeting with Russian Foreign "
    "Minister Sergey Lavrov in Minsk that the issues are not catastrophic. Lukashenko held a phone call "
    "with Vladimir Putin. The Bank of America and NATO were not mentioned. \"Yes,\" Lavrov said."
)


def test_names_are_typed_and_keyed_by_surname() -> None:
    mentions = extract_mentions(TEXT)
    typed = {(m.type, m.key) for m in mentions}
    assert {("person", "lukashenko"), ("person", "lavrov"), ("person", "putin")} <= typed
    assert {("place", "belarus"), ("place", "russia"), ("place", "minsk")} <= typed
    assert {("org", "bank of america"), ("org", "nato")} <= typed
    assert not any(m.key in {"yes", "friday", "the"} for m in mentions)
    salient = salient_entities(mentions, lead_sentences=1)
    assert salient["person"] == {"lukashenko", "lavrov"}  # Putin: once, after the lead


def test_all_caps_dateline_city_is_a_place() -> None:
    assert ("place", "minsk") in {(m.type, m.key) for m in extract_mentions("MINSK, June 19. /TASS/. Talks began.")}


def test_dates_resolve_against_the_publication_day() -> None:
    friday = dt.date(2020, 6, 19)
    found = find_dates("MINSK, June 19. Lukashenko said on Friday that in 2019 talks stalled.", friday)
    assert found.days == (friday, friday)  # "on Friday" in a Friday report is that day
    assert found.years == {2019, 2020}
    assert find_dates("Posted 24.05.2024 and May 03, 2013 and 2020-06-19").days == (
        dt.date(2024, 5, 24), dt.date(2013, 5, 3), dt.date(2020, 6, 19))
    assert find_dates("They may 5 times refuse; on Monday.").days == ()  # no reference, no modal "may"


def test_terms_and_stems() -> None:
    assert terms("The leaders' meetings in Minsk") == ["leader", "meeting", "minsk"]
    assert stem("countries") == "country"


def test_article_features_use_dateline_and_fields() -> None:
    idf = IdfTable.background()
    before = idf.documents_
    article = Article(id="x", content_hash="0" * 16, title="Lukashenko meets Lavrov", text=TEXT,
                      published=dt.date(2020, 6, 19),
                      dateline=Dateline(place="MINSK", agency="TASS", date=dt.date(2020, 6, 19)))
    features = article_features(article, idf)
    assert idf.documents_ == before + 1
    assert features.when == dt.date(2020, 6, 19) and features.dateline_place == "minsk"
    assert features.years == {2020}
    assert abs(sum(v * v for v in features.vector.values()) - 1) < 1e-9
    assert max(features.title_vector, key=features.title_vector.__getitem__) in {"lukashenko", "lavrov", "meet"}
    assert "lavrov" in features.entities["person"]
    with pytest.raises(ValueError):
        FeatureOptions(lead_sentences=0)


def test_pair_features_are_symmetric_and_bounded() -> None:
    idf = IdfTable.background()
    a = article_features(Article(id="a", content_hash="1" * 16, text=TEXT, published=dt.date(2020, 6, 19)), idf)
    b = article_features(Article(id="b", content_hash="2" * 16, text="Floods hit Jakarta on Monday.",
                                 published=dt.date(2021, 1, 4)), idf)
    ab = pair_features(Profile.of(a), Profile.of(b))
    assert ab == pair_features(Profile.of(b), Profile.of(a))
    assert len(ab) == len(FEATURE_NAMES) and all(0.0 <= v <= 1.0 for v in ab)
    same = dict(zip(FEATURE_NAMES, pair_features(Profile.of(a), Profile.of(a)), strict=True))
    assert same["term_cosine"] == pytest.approx(1.0) and same["same_day"] == 1.0


def test_logistic_scorer_learns_and_round_trips(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    x = rng.random((400, len(FEATURE_NAMES)))
    y = (x[:, 0] > 0.5).astype(float)
    scorer = LogisticScorer(l2=0.1).fit(x, y)
    assert scorer.coef_[0] > 5 and abs(scorer.coef_[1]) < 2
    assert scorer.probability([0.9] + [0.5] * (len(FEATURE_NAMES) - 1)) > 0.9
    path = tmp_path / "w.json"
    scorer.save(path)
    again = load_scorer(path)
    assert again.coef_ == pytest.approx(scorer.coef_) and again.intercept_ == pytest.approx(scorer.intercept_)
    explained = again.explain([0.5] * len(FEATURE_NAMES))
    assert set(explained) == set(FEATURE_NAMES) | {"intercept"}
    with pytest.raises(ValueError, match="features must be"):
        LogisticScorer().fit(x[:, :3], y)


def test_shipped_weights_load_and_name_their_training() -> None:
    scorer = load_scorer()
    assert scorer.feature_names == FEATURE_NAMES
    assert 0 < scorer.join_threshold < 1 and 0 < scorer.merge_threshold < 1
    assert "ECB+" in str(scorer.notes_.get("training_data"))
    data = scorer.to_json()
    bad = dict(data, feature_names=["term_cosine"])
    with pytest.raises(ValueError, match="retrain"):
        LogisticScorer.from_json(json.loads(json.dumps(bad)))
