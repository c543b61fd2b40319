"""The written corpus: size, balance, variety, no templates, and no text taken from real postings."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

import jobclass

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def shingles(text: str, n: int) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_corpus_file_columns_and_ids(corpus: pd.DataFrame) -> None:
    raw = pd.read_csv(ROOT / "datasets" / "postings.csv", dtype=str, keep_default_na=False)
    assert list(raw.columns) == ["id", "title", "description", "label"]
    assert raw["id"].is_unique and (raw["description"].str.strip() != "").all()
    assert len(corpus) == len(raw)


def test_size_and_balance(corpus: pd.DataFrame) -> None:
    counts = corpus["label"].value_counts()
    assert len(corpus) >= 1200
    assert set(counts.index) == set(jobclass.LABELS)
    assert (counts >= 300).all(), counts.to_dict()


def test_lengths_vary_like_real_postings(corpus: pd.DataFrame) -> None:
    lengths = corpus["description"].str.len()
    assert lengths.min() >= 400 and lengths.max() <= 8000
    assert 2300 <= lengths.median() <= 3500
    assert (lengths < 1200).sum() >= 50 and (lengths > 4500).sum() >= 150


def test_metadata_covers_industries_and_seniorities() -> None:
    meta = pd.read_csv(ROOT / "datasets" / "metadata.csv", dtype=str)
    assert meta["industry"].nunique() >= 20
    assert {"intern", "junior", "mid", "senior", "staff", "principal"} <= set(meta["seniority"])


def test_no_two_postings_share_half_their_shingles(corpus: pd.DataFrame) -> None:
    """Template drift guard: no pair of postings shares more than half of its 5-word shingles.
    Shingles found in more than 8 postings are boilerplate (EEO, benefits) and are left out."""
    sets = [shingles(t, 5) for t in corpus["description"]]
    where: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            where[sh].append(i)
    common = {sh for sh, docs in where.items() if len(docs) > 8}
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for sh, docs in where.items():
        if 1 < len(docs) <= 8:
            for pair in combinations(docs, 2):
                shared[pair] += 1
    worst = 0.0
    for (a, b), n in shared.items():
        size = min(len(sets[a] - common), len(sets[b] - common)) or 1
        worst = max(worst, n / size)
        assert n / size <= 0.5, (corpus["id"][a], corpus["id"][b], n / size)
    assert worst < 0.5


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data (real postings) is not beside this checkout")
def test_no_posting_copies_real_postings(corpus: pd.DataFrame) -> None:
    """No corpus posting shares more than 20% of its 8-word shingles with any real posting."""
    real: dict[str, int] = {}
    for name in ("real_dev.csv", "real_weak.csv"):
        df = pd.read_csv(SHARED_DATA / name, dtype=str, keep_default_na=False)
        for j, text in enumerate(df["description"]):
            for sh in shingles(text, 8):
                real.setdefault(sh, j)
    for pid, text in zip(corpus["id"], corpus["description"]):
        own = shingles(text, 8)
        hits = sum(sh in real for sh in own)
        assert hits <= 0.2 * max(len(own), 1), (pid, hits, len(own))
