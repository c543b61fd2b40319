"""classify / classify_many on the bundled model: answers, explanations and bad input."""

from __future__ import annotations

import math
import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jobclass
from jobclass import Prediction, classify, classify_many
from jobclass.labels import LABELS

from .conftest import DL_POSTING, ML_POSTING, OOS_POSTING, RESEARCH_POSTING


@pytest.mark.parametrize(
    "text, label",
    [(ML_POSTING, "ml_engineer"), (DL_POSTING, "dl_engineer"), (RESEARCH_POSTING, "dl_researcher"), (OOS_POSTING, "out_of_scope")],
    ids=["ml", "dl", "research", "oos"],
)
def test_clear_postings_get_their_label(text: str, label: str) -> None:
    p = classify(text)
    assert p.label == label
    assert p.status == "ok"
    assert p.name == jobclass.DISPLAY_NAMES[label]


@pytest.mark.parametrize(
    "text",
    [
        "Registered Nurse, night shift. Provide patient care on a 30-bed surgical ward; BLS certification required.",
        "Warehouse associate: pick, pack and ship orders; operate a forklift; lift 50 lbs.",
        "Account Executive selling our AI platform to enterprise customers. Own a quota, run demos, close deals.",
    ],
)
def test_out_of_scope_postings_are_not_forced_into_a_role(text: str) -> None:
    assert classify(text).label == "out_of_scope"


def test_prediction_fields() -> None:
    p = classify(DL_POSTING)
    assert isinstance(p, Prediction)
    assert set(p.probabilities) == set(LABELS)
    assert math.isclose(sum(p.probabilities.values()), 1.0, abs_tol=1e-9)
    assert p.confidence == max(p.probabilities.values())
    assert "pytorch" in p.skills["dl_framework"]
    assert "cuda" in p.skills["gpu_optimization"]
    assert p.evidence and all(w > 0 for _, w in p.evidence)
    assert list(p.evidence) == sorted(p.evidence, key=lambda e: -e[1])
    assert p.truncated is False
    with pytest.raises(Exception):
        p.label = "x"  # type: ignore[misc]  # frozen


def test_evidence_names_terms_that_occur_in_the_text() -> None:
    for text in (ML_POSTING, DL_POSTING, RESEARCH_POSTING, OOS_POSTING):
        p = classify(text)
        clean = jobclass.normalize(text)
        for term, _ in p.evidence:
            if term.startswith("group_share:"):
                assert term.split(":", 1)[1] in p.skills  # the group's skills were found in the text
            else:
                assert term in clean, term


def test_to_dict_is_json_ready() -> None:
    import json

    d = classify(ML_POSTING).to_dict()
    assert set(d) == {"label", "name", "confidence", "probabilities", "skills", "evidence", "status", "truncated"}
    json.dumps(d)


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n"])
def test_empty_text_is_an_explicit_abstention(text: str) -> None:
    p = classify(text)
    assert p.label is None and p.status == "empty_text" and p.name == "No answer"
    assert math.isclose(sum(p.probabilities.values()), 1.0, abs_tol=1e-9)
    assert p.evidence == ()


def test_min_confidence_abstains_but_keeps_probabilities() -> None:
    p = classify(ML_POSTING, min_confidence=1.0)
    assert p.label is None and p.status == "abstained"
    assert math.isclose(sum(p.probabilities.values()), 1.0, abs_tol=1e-9)
    assert classify(ML_POSTING, min_confidence=0.0).label == "ml_engineer"


@pytest.mark.parametrize(
    "bad, message",
    [
        (None, "classify() expects the posting's text as str; got NoneType"),
        (b"bytes", r"classify\(\) expects the posting as str; got bytes. Decode it first"),
        (42, "classify() expects the posting's text as str; got int"),
        (3.5, "classify() expects the posting's text as str; got float"),
        (["a", "b"], r"got list. For several postings use classify_many\(texts\)"),
        (("a",), r"got tuple. For several postings use classify_many\(texts\)"),
    ],
)
def test_bad_input_types(bad, message: str) -> None:
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)") if "\\" not in message else message):
        classify(bad)


@pytest.mark.parametrize("value, exc", [(1.5, ValueError), (-0.1, ValueError), ("0.5", TypeError), (True, TypeError)])
def test_bad_min_confidence(value, exc) -> None:
    with pytest.raises(exc, match="min_confidence must be"):
        classify("text", min_confidence=value)


def test_bad_model_argument() -> None:
    with pytest.raises(TypeError, match=r"model must be None \(the bundled model\), a JobClassifier or a CompiledModel; got str. Load a saved model first"):
        classify("text", model="path/to/model.joblib")


@pytest.mark.parametrize(
    "text",
    [
        "Wir suchen eine Pflegekraft für unser Krankenhaus in Berlin. Schichtdienst, Tarifvertrag.",
        "asdkj qwpeoi zmxncb alskdj qpwoeiru zmxnbc",
        "We are an equal opportunity employer. All qualified applicants will receive consideration without regard to race.",
        "🙂🙂🙂 ¿¡ «» ☃",
    ],
)
def test_odd_text_never_crashes(text: str) -> None:
    p = classify(text)
    assert p.status in ("ok", "empty_text")
    assert math.isclose(sum(p.probabilities.values()), 1.0, abs_tol=1e-9)


def test_huge_posting_is_answered_and_marked_truncated() -> None:
    text = DL_POSTING + ("\nLorem ipsum dolor sit amet, consectetur adipiscing elit." * 90_000)  # ~5 MB
    assert len(text) > 5_000_000
    p = classify(text)
    assert p.truncated is True and p.label is not None


def test_classify_many_keeps_order_and_length() -> None:
    texts = [ML_POSTING, "", DL_POSTING, None, RESEARCH_POSTING, float("nan"), OOS_POSTING]
    out = classify_many(texts)
    assert [p.label for p in out] == ["ml_engineer", None, "dl_engineer", None, "dl_researcher", None, "out_of_scope"]
    assert [p.status for p in out][1] == "empty_text"


def test_classify_many_matches_classify() -> None:
    texts = [ML_POSTING, DL_POSTING, RESEARCH_POSTING, OOS_POSTING]
    for a, b in zip(classify_many(texts), [classify(t) for t in texts]):
        assert (a.label, a.status, a.skills, [t for t, _ in a.evidence]) == (b.label, b.status, b.skills, [t for t, _ in b.evidence])
        for c in a.probabilities:
            assert a.probabilities[c] == pytest.approx(b.probabilities[c], abs=1e-12)


def test_classify_many_accepts_pandas_arrow_strings_and_numpy() -> None:
    s = pd.Series([ML_POSTING, None, DL_POSTING], dtype="str")
    assert [p.label for p in classify_many(s)] == ["ml_engineer", None, "dl_engineer"]
    arr = np.array([ML_POSTING, DL_POSTING], dtype=object)
    assert [p.label for p in classify_many(arr)] == ["ml_engineer", "dl_engineer"]


def test_classify_many_rejects_a_single_string() -> None:
    with pytest.raises(TypeError, match=r"texts must be a list-like of strings \(one posting each\); got a single str"):
        classify_many("one posting")


def test_classify_many_rejects_non_string_items() -> None:
    with pytest.raises(TypeError, match=r"texts\[1\] must be a string \(a posting's text\); got int"):
        classify_many(["ok", 5])


def test_classify_with_a_fitted_estimator(small_model) -> None:
    p = classify(DL_POSTING, model=small_model)
    np.testing.assert_allclose([p.probabilities[c] for c in small_model.classes_], small_model.predict_proba([DL_POSTING])[0], atol=1e-9)


def test_default_model_loads_once_across_threads(monkeypatch) -> None:
    from jobclass import persist, predict

    monkeypatch.setattr(predict, "_DEFAULT", None)
    calls = []
    real = persist.load_compiled

    def counting(path=None):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(persist, "load_compiled", counting)
    threads = [threading.Thread(target=classify, args=(ML_POSTING,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_any_string_gives_a_valid_prediction(text: str) -> None:
    p = classify(text)
    assert p.label in (*LABELS, None)
    assert p.status in ("ok", "empty_text")
    assert math.isclose(sum(p.probabilities.values()), 1.0, abs_tol=1e-9)
    assert all(0.0 <= v <= 1.0 for v in p.probabilities.values())
