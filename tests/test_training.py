"""Retraining, evaluation, labels from titles, validation and the regression gate."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import jobclass
from jobclass import InputError, evaluate, labels_from_titles, train
from jobclass.training import check_regression


@pytest.fixture(scope="module")
def split(small_corpus):
    test = small_corpus.groupby("label").head(10)
    return small_corpus.drop(test.index), test


@pytest.fixture(scope="module")
def trained(split):
    return train(split[0], title_column="title", cv=2, seed=0)


def test_train_returns_fitted_model_with_report(trained, split) -> None:
    rep = trained.training_report_
    assert rep["rows_used"] == len(split[0])
    assert rep["rows_per_class"] == split[0]["label"].value_counts().reindex(list(jobclass.LABELS)).to_dict()
    assert rep["cv_metrics"]["folds"] == 2 and 0 < rep["cv_metrics"]["macro_f1"] <= 1
    assert len(rep["training_data_sha256"]) == 64
    assert rep["input"] == "title + text"


def test_train_from_files_of_every_format(split, tmp_path) -> None:
    df = split[0]
    df.iloc[:60].to_csv(tmp_path / "a.csv", index=False)
    df.iloc[60:90].to_parquet(tmp_path / "b.parquet")
    df.iloc[90:].to_json(tmp_path / "c.jsonl", orient="records", lines=True)
    m = train([tmp_path / "a.csv", tmp_path / "b.parquet", tmp_path / "c.jsonl"], cv=0, estimator=jobclass.JobClassifier(calibrate=False))
    assert m.training_report_["rows_used"] == len(df)


def test_same_data_and_seed_give_identical_predictions(split) -> None:
    a = train(split[0], cv=0, seed=7).predict_proba(split[1]["description"])
    b = train(split[0], cv=0, seed=7).predict_proba(split[1]["description"])
    np.testing.assert_array_equal(a, b)


def test_empty_rows_are_skipped_and_counted(split) -> None:
    df = split[0].copy()
    df.loc[df.index[:3], "description"] = ""
    df.loc[df.index[3], "description"] = None
    m = train(df, cv=0, estimator=jobclass.JobClassifier(calibrate=False))
    assert m.training_report_["rows_skipped_empty"] == 4
    assert m.training_report_["rows_used"] == len(df) - 4


def test_unknown_labels_are_listed() -> None:
    df = pd.DataFrame({"description": ["a b c"] * 12, "label": ["ml_engineer"] * 10 + ["ml engineer", "Researcher"]})
    with pytest.raises(InputError, match=r"unknown label\(s\) 'Researcher', 'ml engineer' in column 'label'; allowed labels: ml_engineer, dl_engineer, dl_researcher, out_of_scope"):
        train(df)


def test_too_few_examples_per_class() -> None:
    df = pd.DataFrame({"description": [f"posting {i}" for i in range(13)], "label": ["ml_engineer"] * 10 + ["dl_engineer"] * 3})
    with pytest.raises(InputError, match=r"every class needs at least 5 examples to train and cross-validate; too few for dl_engineer: 3\. Add postings of those classes, or add the bundled corpus with --include-bundled\."):
        train(df)


def test_missing_columns_are_listed() -> None:
    with pytest.raises(InputError, match=r"label column 'label' not found; columns present: 'description', 'role'\. Pass it with --label-column"):
        train(pd.DataFrame({"description": ["x"], "role": ["ml_engineer"]}))
    with pytest.raises(InputError, match=r"no text column found: .*columns present: 'foo', 'label'"):
        train(pd.DataFrame({"foo": ["x"], "label": ["ml_engineer"]}))


def test_missing_labels_are_an_error() -> None:
    df = pd.DataFrame({"description": ["a", "b"], "label": ["ml_engineer", None]})
    with pytest.raises(InputError, match=r"1 row\(s\) have no label in column 'label' \(file lines 3\)"):
        train(df)


def test_include_bundled_adds_the_corpus(split, corpus) -> None:
    extra = split[1]
    m = train(extra.head(24), include_bundled=True, cv=0, estimator=jobclass.JobClassifier(calibrate=False))
    assert m.training_report_["rows_used"] == len(corpus) + 24
    assert m.training_report_["training_sources"][0] == "bundled corpus"


def test_labels_from_titles_training(corpus) -> None:
    df = corpus[["title", "description"]]
    m = train(df, labels_from_titles=True, cv=0, estimator=jobclass.JobClassifier(calibrate=False))
    rep = m.training_report_
    expected = [y for y in labels_from_titles(df["title"]) if y is not None]
    assert rep["rows_used"] == len(expected)
    assert rep["rows_skipped_unclear_title"] == len(df) - len(expected)


@pytest.mark.parametrize(
    "title, label",
    [
        ("Machine Learning Engineer", "ml_engineer"),
        ("Senior ML Engineer, Ads Ranking", "ml_engineer"),
        ("MLOps Engineer", "ml_engineer"),
        ("ML Platform Engineer", "ml_engineer"),
        ("Staff Machine Learning Infrastructure Engineer", "ml_engineer"),
        ("Deep Learning Engineer", "dl_engineer"),
        ("Computer Vision Engineer II", "dl_engineer"),
        ("NLP Engineer", "dl_engineer"),
        ("Perception Engineer - Autonomy", "dl_engineer"),
        ("Speech Recognition Engineer", "dl_engineer"),
        ("Software Engineer, Computer Vision", "dl_engineer"),
        ("Research Scientist, LLM Pretraining", "dl_researcher"),
        ("Machine Learning Researcher", "dl_researcher"),
        ("Postdoctoral Researcher in Machine Learning", "dl_researcher"),
        ("Senior Research Scientist", "dl_researcher"),
        ("Data Analyst", "out_of_scope"),
        ("Senior Business Intelligence Developer", "out_of_scope"),
        ("Data Engineer", "out_of_scope"),
        ("Frontend Software Engineer", "out_of_scope"),
        ("Product Manager", "out_of_scope"),
        ("UX Researcher", "out_of_scope"),
        ("Registered Nurse", "out_of_scope"),
        ("AI Engineer", None),
        ("Applied Scientist", None),
        ("Data Scientist", None),
        ("Research Engineer", None),
        ("Data Engineer, Machine Learning", None),
        ("Software Engineer, Machine Learning", None),
        ("", None),
        (None, None),
    ],
)
def test_labels_from_titles(title, label) -> None:
    assert labels_from_titles([title]) == [label]


def test_labels_from_titles_rejects_a_string() -> None:
    with pytest.raises(TypeError, match="labels_from_titles expects a list-like of titles; got a single string"):
        labels_from_titles("Data Analyst")


def test_evaluate_report(trained, split) -> None:
    rep = evaluate(trained, split[1], title_column="title")
    assert rep.n == len(split[1])
    assert rep.labels == list(jobclass.LABELS)
    assert np.asarray(rep.confusion).sum() == rep.n
    assert sum(m["support"] for m in rep.per_class.values()) == rep.n
    assert 0 <= rep.ece <= 1 and rep.coverage[0]["coverage"] == 1.0
    assert [c["threshold"] for c in rep.coverage] == sorted(c["threshold"] for c in rep.coverage)
    assert sum(r["count"] for r in rep.reliability) == rep.n
    d = json.loads(rep.to_json())
    assert d["macro_f1"] == rep.macro_f1
    md = rep.to_markdown()
    assert "| class | precision | recall | F1 | support |" in md and "Coverage vs accuracy" in md
    assert "macro-F1" in rep.to_text()


def test_evaluate_accuracy_is_what_the_predictions_say(trained, split) -> None:
    rep = evaluate(trained, split[1], title_column="title")
    texts = (split[1]["title"] + "\n\n" + split[1]["description"]).tolist()
    pred = trained.predict(texts)
    assert rep.accuracy == pytest.approx(float(np.mean(pred == split[1]["label"].to_numpy())), abs=1e-4)


def test_evaluate_writes_plots(trained, split, tmp_path) -> None:
    pytest.importorskip("matplotlib")
    written = evaluate(trained, split[1]).write(tmp_path / "rep")
    names = {p.name for p in written}
    assert names == {"report.json", "report.md", "confusion_matrix.png", "reliability.png", "coverage.png"}
    assert all(p.stat().st_size > 1000 for p in written if p.suffix == ".png")


def test_regression_gate_passes_and_fails(trained, split, small_corpus) -> None:
    holdout = split[1]
    ok = check_regression(trained, trained, holdout, max_drop=0.0)
    assert ok.passed and ok.new_macro_f1 == ok.baseline_macro_f1
    weak = train(small_corpus.groupby("label").head(5), cv=0)
    bad = check_regression(weak, trained, holdout, max_drop=0.0, title_column="title")
    if bad.new_macro_f1 < bad.baseline_macro_f1:
        assert not bad.passed and "regression gate FAILED" in bad.message
    assert check_regression(weak, trained, holdout, max_drop=1.0).passed


def test_regression_gate_warns_about_overlap(trained, split) -> None:
    with pytest.warns(UserWarning, match=r"\d+ holdout posting\(s\) also appear in the training data"):
        g = check_regression(trained, trained, split[1], training_texts=split[1]["description"].tolist())
    assert g.overlap == len(split[1])
