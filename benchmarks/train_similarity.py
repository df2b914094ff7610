"""Fit the pair-similarity model on the SemEval-2022 Task 8 training pairs and write its weights.

Training split only (``training_set.csv``, all languages); nothing from the test split is read here.
Run from the project root:

    .venv/bin/python benchmarks/train_similarity.py [--data ../shared/data] [--embedder minilm|e5]

Steps: (1) without ``--embedder``, the document frequencies of the non-English training articles are
added to newsfold's background table and written to ``events/similarity_df.json`` (counts only, no text);
(2) every pair is featurized (:func:`newsfold.events.similarity.similarity_features`); (3) the 10-fold
cross-validated Pearson r (out-of-fold predictions against ``-Overall``) is printed on the English pairs
and on all pairs for the feature sets compared (``--ablation``: one row per left-out feature), each at
its best ridge penalty; (4) the model is fitted on all training pairs (English pairs weighted
``--english-weight``) and written to ``events/similarity_weights.json`` (or
``similarity_weights_<embedder>.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsfold.events.features import IdfTable, split_fields  # noqa: E402
from newsfold.events.similarity import (  # noqa: E402
    DOCUMENT_FREQUENCY_FILE,
    EMBEDDER_WEIGHTS_FILES,
    EMBEDDING_FEATURES,
    SIMILARITY_FEATURES,
    TRANSFORMS,
    WEIGHTS_FILE,
    SimilarityModel,
    fit_ridge,
    similarity_features,
    similarity_idf,
    similarity_side,
    similarity_terms,
)
from train_event_scorer import (  # noqa: E402
    DEFAULT_DATA,
    PACKAGE,
    SemevalPair,
    embed_all,
    load_semeval,
    semantic_embedder,
)

L2_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
FIELDS = ("title_cosine", "lead_cosine", "body_cosine", "title_lead_cosine")
CHARACTERS = ("title_char_cosine", "body_char_cosine")
NAMES = ("name_cosine", "capitalized_cosine", "person_overlap", "org_overlap", "place_overlap")
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "body cosine only": ("body_cosine",),
    "grouping-like (title, body, names)": ("title_cosine", "body_cosine", "name_cosine"),
    "term cosines by field": FIELDS,
    "+ character n-grams": FIELDS + CHARACTERS,
    "+ names and entities": FIELDS + CHARACTERS + NAMES,
    "all": SIMILARITY_FEATURES,
}


def document_frequencies(pairs: Sequence[SemevalPair]) -> IdfTable:
    """newsfold's background table plus every distinct non-English article of ``pairs`` (the English
    training articles are in the background table already)."""
    table = IdfTable.background()
    seen: set[str] = set()
    for pair in pairs:
        for article in (pair.first, pair.second):
            if article.language == "en" or article.content_hash in seen:
                continue
            seen.add(article.content_hash)
            headline, _, body = split_fields(article)
            table.add(similarity_terms(body) + similarity_terms(headline))
    return table


def pair_values(
    pairs: Sequence[SemevalPair], idf: IdfTable, embedder_backend: str | None
) -> list[dict[str, float]]:
    """The feature values of every pair, with the embedding cosine when ``embedder_backend`` is given
    (embeddings cached on disk, see ``train_event_scorer.CachedEmbedder``)."""
    embedder = semantic_embedder(embedder_backend)
    vectors = embed_all([a for p in pairs for a in (p.first, p.second)], embedder)
    return [
        similarity_features(
            similarity_side(p.first, idf, vectors.get(p.first.id)),
            similarity_side(p.second, idf, vectors.get(p.second.id)),
        )
        for p in pairs
    ]


def target(pairs: Sequence[SemevalPair]) -> np.ndarray:
    """The similarity the model learns: ``(4 − Overall) / 3`` in [0, 1]."""
    return np.asarray([(4.0 - p.overall) / 3.0 for p in pairs])


def out_of_fold(
    x: np.ndarray, y: np.ndarray, l2: float, sample_weight: np.ndarray, folds: int = 10
) -> np.ndarray:
    """Clipped out-of-fold predictions of the weighted ridge model (seeded split)."""
    order = np.random.default_rng(0).permutation(len(y))
    predicted = np.zeros(len(y))
    for fold in np.array_split(order, folds):
        train = np.setdiff1d(order, fold)
        coef, intercept = fit_ridge(x[train], y[train], l2, sample_weight[train])
        predicted[fold] = x[fold] @ coef + intercept
    return np.clip(predicted, 0.0, 1.0)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--embedder", choices=("minilm", "e5"), default=None,
                        help="add the embedding cosine of this backend (needs newsfold[semantic])")
    parser.add_argument("--features", default=None,
                        help="comma-separated features of the written model (default: all)")
    parser.add_argument("--transform", choices=("default", *sorted(TRANSFORMS)), default="default",
                        help="what the weights multiply: default (square root of the pair features, "
                        "embedding cosines as they are), or one transform for all")
    parser.add_argument("--english-weight", type=float, default=3.0,
                        help="weight of the English pairs in the fit (the English figure is the target)")
    parser.add_argument("--ablation", action="store_true", help="also print CV with each feature left out")
    parser.add_argument("--dry-run", action="store_true", help="print, write nothing")
    parser.add_argument("--out", type=Path, default=None, help="write the weights here instead")
    args = parser.parse_args(argv)

    pairs = load_semeval(args.data / "semeval2022-task8-hfl-sample" / "training_set.csv")
    if args.embedder is None:
        # Fitted with the table as shipped (terms seen fewer than 3 times dropped), not the full one.
        shipped = document_frequencies(pairs).to_json(min_df=3)
        idf = IdfTable(int(shipped["documents"]), shipped["document_frequency"])  # type: ignore[call-overload,arg-type]
        print(f"document frequencies: {idf.documents_} documents (background + non-English training articles)")
        if not args.dry_run and args.out is None:
            (PACKAGE / DOCUMENT_FREQUENCY_FILE).write_text(json.dumps(shipped, separators=(",", ":")), "utf-8")
    else:
        idf = similarity_idf()
    values = pair_values(pairs, idf, args.embedder)
    y = target(pairs)
    english = np.asarray([p.lang1 == p.lang2 == "en" for p in pairs])
    weights = np.where(english, args.english_weight, 1.0)
    gold = -np.asarray([p.overall for p in pairs])
    print(f"SemEval-2022 Task 8 training pairs: {len(pairs)} ({int(english.sum())} English, weight "
          f"{args.english_weight}); 10-fold CV Pearson r of out-of-fold predictions with -Overall, "
          f"transform {args.transform}, each at its best ridge l2 of {L2_GRID} for all pairs")

    extra = EMBEDDING_FEATURES if args.embedder else ()
    sets = dict(FEATURE_SETS)
    if args.embedder:
        sets = {"embedding cosine only": EMBEDDING_FEATURES, **{f"{k} + embedding": v + extra for k, v in sets.items()}}
    chosen = tuple(args.features.split(",")) if args.features else SIMILARITY_FEATURES + extra

    def transforms(names: Sequence[str], transform: str = args.transform) -> dict[str, str] | None:
        return None if transform == "default" else {name: transform for name in names}

    def matrix(names: Sequence[str], transform: str = args.transform) -> np.ndarray:
        return SimilarityModel(names, transforms=transforms(names, transform)).rows(values)

    def evaluate(x: np.ndarray) -> tuple[float, float, float]:
        """(English r, all-pairs r, l2) at the l2 best for all pairs."""
        scored = []
        for l2 in L2_GRID:
            predicted = out_of_fold(x, y, l2, weights)
            scored.append((pearson(predicted, gold), pearson(predicted[english], gold[english]), l2))
        every, en, l2 = max(scored)
        return en, every, l2

    def show(name: str, result: tuple[float, float, float]) -> None:
        print(f"  {name:50s} English {result[0]:.4f}   all {result[1]:.4f}   (l2 {result[2]})")

    for name, names in sets.items():
        show(name, evaluate(matrix(names)))
    for other in ("default", *TRANSFORMS):
        if other != args.transform:
            show(f"written model's features, transform {other}", evaluate(matrix(chosen, other)))
    reference = evaluate(matrix(chosen))
    show("written model", reference)
    if args.ablation:
        print("  leave one out (change in English / all against the written model):")
        for left in chosen:
            en, every, _ = evaluate(matrix([n for n in chosen if n != left]))
            print(f"    without {left:28s} {en - reference[0]:+.4f} {every - reference[1]:+.4f}")

    embedder_name = None
    if args.embedder:
        embedder_name = next(n for n, f in EMBEDDER_WEIGHTS_FILES.items() if f.endswith(f"_{args.embedder}.json"))
    model = SimilarityModel(chosen, l2=reference[2], embedder=embedder_name, transforms=transforms(chosen))
    model.fit(model.rows(values), y, weights)
    model.notes_ = {
        "trained_by": "benchmarks/train_similarity.py",
        "training_data": "SemEval-2022 Task 8 training_set.csv, all language pairs",
        "training_pairs": len(pairs),
        "english_weight": args.english_weight,
        "cv_pearson_english": round(reference[0], 4),
        "cv_pearson_all": round(reference[1], 4),
    }
    for name, coef in zip(model.feature_names, model.coef_, strict=True):
        print(f"  {name:22s} {coef:+.4f}")
    print(f"  {'intercept':22s} {model.intercept_:+.4f}")
    if not args.dry_run:
        out = args.out or PACKAGE / (WEIGHTS_FILE if embedder_name is None else EMBEDDER_WEIGHTS_FILES[embedder_name])
        model.save(out)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
