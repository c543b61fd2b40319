from __future__ import annotations

import numpy as np
import pytest

from jobclass.text import MAX_CHARS, analyze, hash_terms, normalize


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<p>Build <b>models</b></p>", "build models"),
        ("Salary &amp; benefits &nbsp;here", "salary benefits here"),
        ("**Requirements**: PyTorch", "requirements pytorch"),
        ("[our site](https://example.com/jobs) now", "our site now"),
        ("ResponsibilitiesBuild pipelines", "responsibilities build pipelines"),
        ("Senior AILocation: Remote", "senior ai location remote"),
        ("We use PyTorch, TensorFlow and LinkedIn", "we use pytorch tensorflow and linkedin"),
        ("C++ and C# on .NET", "cplusplus and csharp on dotnet"),
        ("A Ph.D. or M.S. in CS", "a phd or msc in cs"),
        ("M. Sc in physics, B.S. degree, ph. d.", "msc in physics bsc degree phd"),
        ("node.js, CI / CD, A/B tests and R&D", "nodejs cicd abtest tests and rnd"),
        ("snake_case and v2.1", "snake_case and v2 1"),
    ],
)
def test_normalize_cleans_markup_and_glued_words(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        # Non-ASCII punctuation, symbols, non-breaking spaces and emoji separate words...
        ("models\u2014PyTorch \u201cquoted\u201d \u2022 bullet\u00a0nbsp \U0001F680launch \u2122", "models pytorch quoted bullet nbsp launch"),
        # ...while non-ASCII letters are word characters, lowercased.
        ("Über Café NAÏVE Δέλτα", "über café naïve δέλτα"),
    ],
)
def test_unicode_symbols_separate_and_letters_join(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_boilerplate_sentences_are_removed() -> None:
    raw = (
        "Train detection models in PyTorch. We are an equal opportunity employer and value diversity. "
        "We offer medical, dental and vision insurance. Deploy with TensorRT.\nVeterans are encouraged to apply\nShip it"
    )
    assert normalize(raw) == "train detection models in pytorch deploy with tensorrt ship it"


def test_normalize_is_idempotent() -> None:
    once = normalize("Build ML pipelines with Spark & Airflow. <b>C++</b>!")
    assert normalize(once) == once


def test_hashes_agree_with_strings_on_the_corpus() -> None:
    """The compiled path looks terms up by hash, training by string: both must name the same terms."""
    from jobclass.datasets import load_postings

    df = load_postings()
    for text in df["description"].tolist()[:300]:
        tk = analyze(text)
        assert np.array_equal(hash_terms(tk.terms()), tk.term_hashes())
        assert np.array_equal(hash_terms(tk.strings()), tk.hashes)


def test_distinct_terms_get_distinct_hashes() -> None:
    from jobclass.datasets import load_postings

    terms = sorted({t for text in load_postings()["description"].tolist()[:400] for t in analyze(text).terms()})
    assert len(np.unique(hash_terms(terms))) == len(terms)


def test_truncation_is_reported() -> None:
    tk = analyze("word " * (MAX_CHARS // 5 + 10))
    assert tk.truncated and len(tk) == MAX_CHARS // 5
    assert not analyze("short text").truncated


@pytest.mark.parametrize("raw", ["", "   \n\t", "<p></p>", "— • —", "\ud800 lone surrogate"])
def test_edge_cases_do_not_fail(raw: str) -> None:
    tk = analyze(raw)
    assert len(tk.hashes) == len(tk.starts) == len(tk.ends)
    assert all(s and " " not in s for s in tk.strings())
