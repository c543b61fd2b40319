from __future__ import annotations

import json

import pytest

from jobclass import Lexicon, load_lexicon


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon()


def _skills(lex: Lexicon, text: str) -> set[str]:
    return {s for group in lex.match(text).values() for s in group}


@pytest.mark.parametrize(
    "text, skill",
    [
        ("Strong C++ skills", "c++"),
        ("modern c++17? no: plain C++ and CUDA", "cuda"),
        ("scikit-learn", "scikit-learn"),
        ("SKLEARN and pandas", "scikit-learn"),
        ("Scikit Learn", "scikit-learn"),
        ("k8s clusters", "kubernetes"),
        ("Kubernetes", "kubernetes"),
        ("a Ph.D. in ML", "phd"),
        ("PhD preferred", "phd"),
        ("ph.d", "phd"),
        ("CI/CD pipelines", "ci/cd"),
        ("papers at NeurIPS", "neurips"),
        ("neurips 2025", "neurips"),
        ("Hugging Face transformers", "hugging face"),
        ("HuggingFace", "hugging face"),
        ("TensorRT and ONNX", "tensorrt"),
        ("GPUs", "gpu"),
        ("LLMs", "llm"),
        ("retrieval-augmented generation", "retrieval-augmented generation"),
        ("RAG pipelines", "retrieval-augmented generation"),
        ("MLflow", "mlflow"),
        ("Apache Airflow", "airflow"),
        ("PySpark", "spark"),
        ("JAX", "jax"),
        ("Triton Inference Server", "triton"),
        ("diffusion models", "diffusion models"),
        ("OpenCV and Dlib", "dlib"),
        ("NLTK, spaCy", "spacy"),
    ],
)
def test_aliases_match_case_insensitively(lex: Lexicon, text: str, skill: str) -> None:
    assert skill in _skills(lex, text)


@pytest.mark.parametrize("text, absent", [("torchlight", "pytorch"), ("Jaxon", "jax"), ("sparkling water", "spark"), ("resumes", "r_language")])
def test_matching_is_word_bounded(lex: Lexicon, text: str, absent: str) -> None:
    assert absent not in _skills(lex, text)


def test_match_counts_and_groups(lex: Lexicon) -> None:
    found = lex.match("PyTorch, pytorch and TensorFlow; Docker")
    assert found["dl_framework"] == {"pytorch": 2, "tensorflow": 1}
    assert found["cloud_infra"] == {"docker": 1}


def test_bundled_lexicon_covers_the_seed_skills(lex: Lexicon) -> None:
    for skill in ["python", "java", "c++", "cuda", "opencl", "tensorflow", "keras", "pytorch", "scikit-learn", "opencv", "dlib",
                  "nltk", "spacy", "aws", "azure", "google cloud", "linear algebra", "calculus", "probability", "statistics",
                  "mlops", "numpy", "scipy", "feature engineering", "computer vision", "natural language processing", "phd"]:
        assert skill in lex.skills, skill


def test_user_lexicon_from_json(tmp_path) -> None:
    path = tmp_path / "lex.json"
    path.write_text(json.dumps({"groups": {"bio": "Biology"}, "skills": {"crispr": {"group": "bio", "aliases": ["cas9"]}}}))
    lex = load_lexicon(path)
    assert lex.match("CRISPR/Cas9 screens") == {"bio": {"crispr": 2}}


def test_lexicon_rejects_undeclared_group() -> None:
    with pytest.raises(ValueError, match=r"lexicon skills use groups that are not declared: \['nope'\]"):
        Lexicon({"x": {"group": "nope", "aliases": []}}, {"bio": "Biology"})


def test_bad_lexicon_file(tmp_path) -> None:
    path = tmp_path / "lex.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="is not a valid lexicon"):
        load_lexicon(path)


def test_hash_depends_on_content(lex: Lexicon) -> None:
    d = lex.to_dict()
    d["skills"]["brand new skill"] = {"group": "language", "aliases": []}
    assert Lexicon(d["skills"], d["groups"]).sha256 != lex.sha256
    assert load_lexicon().sha256 == lex.sha256
