"""The fast inference path gives the estimator's probabilities."""

from __future__ import annotations

import numpy as np
import pytest

import jobclass
from jobclass.compiled import CompiledModel, compile_model

EDGE_CASES = [
    "",
    "   \n\t ",
    "Ünïcödé pöstïng — 机器学习工程师 · エンジニア 🚀 PyTorch",
    "C++ C# .NET Ph.D. CI/CD k8s A/B",
    "<html><body><ul><li>PyTorch</li><li>CUDA</li></ul></body></html>",
    "word " * 20_000,
    "x" * 70_000,
    "PyTorch " * 5000 + "TensorRT",
]


def test_fast_path_matches_estimator_on_corpus(small_model, corpus) -> None:
    texts = corpus["description"].tolist()[::7]
    fast = compile_model(small_model).predict_proba(texts)
    np.testing.assert_allclose(fast, small_model.predict_proba(texts), rtol=0, atol=1e-9)


@pytest.mark.parametrize("text", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_fast_path_matches_estimator_on_edge_cases(small_model, text: str) -> None:
    fast = compile_model(small_model).predict_proba([text])
    np.testing.assert_allclose(fast, small_model.predict_proba([text]), rtol=0, atol=1e-9)


def test_single_and_batch_scoring_agree(small_model, corpus) -> None:
    c = compile_model(small_model)
    texts = corpus["description"].tolist()[:25] + [""]
    batch = c.predict_proba(texts)
    one = np.vstack([c.predict_proba([t]) for t in texts])
    np.testing.assert_allclose(batch, one, rtol=0, atol=1e-12)


def test_compile_is_cached_until_refit(small_corpus) -> None:
    m = jobclass.JobClassifier(calibrate=False).fit(small_corpus["description"], small_corpus["label"])
    first = compile_model(m)
    assert compile_model(m) is first
    m.fit(small_corpus["description"].head(100), small_corpus["label"].head(100))
    assert compile_model(m) is not first


def test_save_and_load_round_trip(small_model, tmp_path, corpus) -> None:
    c = compile_model(small_model)
    c.save(tmp_path / "m.npz")
    back = CompiledModel.load(tmp_path / "m.npz")
    texts = corpus["description"].tolist()[:40]
    np.testing.assert_allclose(back.predict_proba(texts), small_model.predict_proba(texts), rtol=0, atol=1e-9)


def test_bundled_npz_matches_bundled_estimator(corpus) -> None:
    texts = corpus["description"].tolist()[::25]
    est = jobclass.load_model()
    np.testing.assert_allclose(jobclass.load_compiled().predict_proba(texts), est.predict_proba(texts), rtol=0, atol=1e-9)
