"""JobClassifier follows scikit-learn's estimator contract."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from jobclass import JobClassifier


def test_init_only_stores_parameters() -> None:
    m = JobClassifier(C=2.0, min_df=1)
    assert m.get_params()["C"] == 2.0 and m.get_params()["min_df"] == 1
    assert not [k for k in vars(m) if k.endswith("_")]


def test_init_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        JobClassifier((1, 2))  # type: ignore[misc]


def test_fit_returns_self_and_sets_fitted_attributes(small_corpus) -> None:
    m = JobClassifier(calibrate=False)
    assert m.fit(small_corpus["description"], small_corpus["label"]) is m
    assert list(m.classes_) == ["dl_engineer", "dl_researcher", "ml_engineer", "out_of_scope"]
    assert m.temperature_ == 1.0


def test_predict_proba_rows_sum_to_one(small_model, small_corpus) -> None:
    p = small_model.predict_proba(small_corpus["description"].head(20))
    assert p.shape == (20, 4)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert set(small_model.predict(small_corpus["description"].head(20))) <= set(small_model.classes_)


def test_clone_gives_unfitted_copy_with_same_params(small_model) -> None:
    c = clone(small_model)
    assert c.get_params() == small_model.get_params()
    with pytest.raises(NotFittedError):
        c.predict(["anything"])


def test_not_fitted_error() -> None:
    with pytest.raises(NotFittedError):
        JobClassifier().predict_proba(["a posting"])


def test_in_pipeline(small_corpus) -> None:
    pipe = Pipeline([("strip", FunctionTransformer(lambda xs: [x.strip() for x in xs])), ("clf", JobClassifier(calibrate=False))])
    pipe.fit(small_corpus["description"].tolist(), small_corpus["label"].tolist())
    assert pipe.predict(["Train PyTorch segmentation networks and deploy them with TensorRT on GPUs"])[0] in pipe.classes_


def test_grid_search(small_corpus) -> None:
    gs = GridSearchCV(JobClassifier(calibrate=False), {"C": [1.0, 4.0]}, cv=2, scoring="f1_macro")
    gs.fit(small_corpus["description"].tolist(), small_corpus["label"].tolist())
    assert gs.best_params_["C"] in (1.0, 4.0)
    assert 0.0 <= gs.best_score_ <= 1.0


def test_cross_val_score_runs(small_corpus) -> None:
    s = cross_val_score(JobClassifier(calibrate=False), small_corpus["description"].tolist(), small_corpus["label"].tolist(), cv=2)
    assert s.shape == (2,)


def test_binary_problem_works(small_corpus) -> None:
    two = small_corpus[small_corpus["label"].isin(["ml_engineer", "out_of_scope"])]
    m = JobClassifier(calibrate=False).fit(two["description"], two["label"])
    p = m.predict_proba(two["description"].head(5))
    assert p.shape == (5, 2)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_fit_rejects_a_single_string() -> None:
    with pytest.raises(TypeError, match=r"X must be a list-like of strings \(one posting each\); got a single str"):
        JobClassifier().fit("one posting", ["ml_engineer"])


def test_fit_rejects_length_mismatch() -> None:
    with pytest.raises(ValueError, match="X and y must have the same length; got 2 texts and 1 labels"):
        JobClassifier().fit(["a", "b"], ["ml_engineer"])


def test_fit_rejects_non_string_rows() -> None:
    with pytest.raises(TypeError, match=r"X\[1\] must be a string"):
        JobClassifier().fit(["a", 3], ["ml_engineer", "dl_engineer"])


def test_lexicon_feature_kinds_are_validated(small_corpus) -> None:
    with pytest.raises(ValueError, match="lexicon feature kinds"):
        JobClassifier(lexicon_features=("nope",)).fit(small_corpus["description"], small_corpus["label"])


def test_all_lexicon_feature_kinds_fit(small_corpus) -> None:
    m = JobClassifier(lexicon_features=("skill_count", "group_count", "group_share", "group_density"), calibrate=False)
    m.fit(small_corpus["description"], small_corpus["label"])
    names = m.get_feature_names_out()
    assert "skill:pytorch" in set(names) and "group_share:deep_learning" in set(names)


def test_same_data_and_seed_give_identical_predictions(small_corpus) -> None:
    X, y = small_corpus["description"].tolist(), small_corpus["label"].tolist()
    a = JobClassifier(random_state=3).fit(X, y).predict_proba(X[:30])
    b = JobClassifier(random_state=3).fit(X, y).predict_proba(X[:30])
    np.testing.assert_array_equal(a, b)
