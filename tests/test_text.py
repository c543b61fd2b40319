from __future__ import annotations

import pytest

from jobclass.text import normalize


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<p>Build <b>models</b></p>", "build models"),
        ("Salary &amp; benefits &nbsp;here", "salary & benefits here"),
        ("**Requirements**: PyTorch", "requirements : pytorch"),
        ("[our site](https://example.com/jobs) now", "our site now"),
        ("ResponsibilitiesBuild pipelines", "responsibilities build pipelines"),
        ("Senior AILocation: Remote", "senior ai location: remote"),
        ("We use PyTorch, TensorFlow and LinkedIn", "we use pytorch, tensorflow and linkedin"),
        ("C++ and C# on .NET", "cplusplus and csharp on dotnet"),
        ("A Ph.D. or M.S. in CS", "a phd or msc in cs"),
        ("CI/CD and A/B tests", "cicd and abtest tests"),
    ],
)
def test_normalize_cleans_markup_and_glued_words(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_boilerplate_sentences_are_removed() -> None:
    raw = (
        "Train detection models in PyTorch. We are an equal opportunity employer and value diversity. "
        "We offer medical, dental and vision insurance. Deploy with TensorRT."
    )
    out = normalize(raw)
    assert "equal opportunity" not in out and "dental" not in out
    assert "train detection models in pytorch." in out and "deploy with tensorrt." in out


def test_normalize_is_idempotent_on_clean_text() -> None:
    once = normalize("Build ML pipelines with Spark & Airflow.")
    assert normalize(once) == once
