"""The bundled training corpus (``datasets/postings.csv``, shipped inside the package)."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["load_postings", "postings_path"]


def postings_path() -> Path:
    """Path of the bundled corpus CSV (installed package data, or ``datasets/`` in a source checkout)."""
    try:
        p = Path(str(resources.files("jobclass.data").joinpath("postings.csv")))
        if p.exists():
            return p
    except ModuleNotFoundError:
        pass
    p = Path(__file__).resolve().parent.parent / "datasets" / "postings.csv"
    if p.exists():
        return p
    raise FileNotFoundError("the bundled corpus postings.csv is not installed; reinstall jobclass (pip install jobclass)")


def load_postings() -> Any:
    """The bundled corpus as a DataFrame with columns ``id, title, description, label``.

    >>> df = load_postings()
    >>> sorted(df["label"].unique())
    ['dl_engineer', 'dl_researcher', 'ml_engineer', 'out_of_scope']
    """
    import pandas as pd

    return pd.read_csv(postings_path(), dtype=str, keep_default_na=False)


def postings_sha256() -> str:
    return hashlib.sha256(postings_path().read_bytes()).hexdigest()
