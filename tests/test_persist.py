"""Model files: card, checksum and version checks, clear refusals."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from jobclass.persist import FORMAT_VERSION

import jobclass
from jobclass import ModelFileError, load_compiled, load_model, read_card, save_model


@pytest.fixture()
def saved(small_model, tmp_path):
    return save_model(small_model, tmp_path / "m.joblib", metadata={"rows_per_class": {"x": 1}})


def test_save_writes_three_files_and_a_card(saved) -> None:
    assert saved.exists() and saved.with_suffix(".npz").exists() and saved.with_suffix(".json").exists()
    card = read_card(saved)
    for key in ("format_version", "jobclass_version", "sklearn_version", "numpy_version", "labels", "lexicon_sha256", "created", "files"):
        assert key in card
    assert card["rows_per_class"] == {"x": 1}
    assert card["labels"] == ["dl_engineer", "dl_researcher", "ml_engineer", "out_of_scope"]


def test_round_trip_gives_same_predictions(saved, small_model, corpus) -> None:
    texts = corpus["description"].tolist()[:30]
    np.testing.assert_array_equal(load_model(saved).predict_proba(texts), small_model.predict_proba(texts))
    np.testing.assert_allclose(load_compiled(saved).predict_proba(texts), small_model.predict_proba(texts), atol=1e-9)


def test_tampered_model_is_refused(saved) -> None:
    data = bytearray(saved.read_bytes())
    data[len(data) // 2] ^= 0xFF
    saved.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"checksum mismatch for .*m\.joblib: .*truncated, corrupted or modified after it was saved"):
        load_model(saved)


def test_truncated_compiled_file_is_refused(saved) -> None:
    npz = saved.with_suffix(".npz")
    npz.write_bytes(npz.read_bytes()[:1000])
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        load_compiled(saved)


def test_missing_card_is_refused(saved) -> None:
    saved.with_suffix(".json").unlink()
    with pytest.raises(ModelFileError, match=r"model card .*m\.json is missing; jobclass refuses a model it cannot verify"):
        load_model(saved)


def test_corrupt_card_is_refused(saved) -> None:
    saved.with_suffix(".json").write_text("{broken")
    with pytest.raises(ModelFileError, match="is not valid JSON"):
        load_model(saved)


def test_newer_format_is_refused(saved) -> None:
    card_path = saved.with_suffix(".json")
    card = json.loads(card_path.read_text())
    card["format_version"] = 99
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelFileError, match=rf"has model format version 99 but this jobclass \(.*\) reads version {FORMAT_VERSION}"):
        load_model(saved)


def test_other_sklearn_version_is_refused(saved) -> None:
    card_path = saved.with_suffix(".json")
    card = json.loads(card_path.read_text())
    card["sklearn_version"] = "0.24.2"
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelFileError, match=r"was saved with scikit-learn 0\.24\.2 but .* is installed.*Install scikit-learn==0\.24\.\*"):
        load_model(saved)
    # The compiled arrays do not depend on scikit-learn, so they still load.
    assert load_compiled(saved).classes == tuple(card["labels"])


def test_not_a_card_is_refused(tmp_path) -> None:
    (tmp_path / "x.joblib").write_bytes(b"junk")
    (tmp_path / "x.json").write_text(json.dumps({"hello": 1}))
    with pytest.raises(ModelFileError, match="is not a jobclass model card"):
        load_model(tmp_path / "x.joblib")


def test_no_model_at_path(tmp_path) -> None:
    with pytest.raises(ModelFileError, match="no model at"):
        load_model(tmp_path / "nothing.joblib")


def test_save_rejects_non_model(tmp_path) -> None:
    with pytest.raises(TypeError, match="save_model expects a fitted jobclass.JobClassifier; got dict"):
        save_model({}, tmp_path / "m.joblib")


def test_bundled_card_describes_the_bundled_model() -> None:
    card = read_card()
    assert card["labels"] == sorted(jobclass.LABELS)
    assert card["lexicon_sha256"] == jobclass.load_lexicon().sha256
    assert card["rows_used"] == sum(card["rows_per_class"].values())
    assert "cv_metrics" in card and 0 < card["cv_metrics"]["macro_f1"] <= 1


def test_bundled_model_rebuilds_identically_from_the_corpus(tmp_path) -> None:
    """The documented rebuild command gives the bundled model's predictions exactly."""
    from jobclass.cli import main

    assert main(["train", str(jobclass.datasets.postings_path()), "--title-column", "title", "-o", str(tmp_path / "re.joblib"), "--cv", "0", "--seed", "0"]) == 0
    card, bundled = read_card(tmp_path / "re.joblib"), read_card()
    assert card["training_data_sha256"] == bundled["training_data_sha256"]
    texts = jobclass.load_postings()["description"].tolist()[::9]
    np.testing.assert_array_equal(load_compiled(tmp_path / "re.joblib").predict_proba(texts), load_compiled().predict_proba(texts))


def test_copying_all_three_files_keeps_the_model_usable(saved, tmp_path) -> None:
    dest = tmp_path / "copy"
    dest.mkdir()
    for suffix in (".joblib", ".npz", ".json"):
        shutil.copy(saved.with_suffix(suffix), dest / f"m{suffix}")
    assert load_compiled(dest / "m.joblib").classes
