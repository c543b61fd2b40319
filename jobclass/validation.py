"""Input validation shared by every entry point (no scikit-learn or pandas import)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["check_texts", "check_min_confidence", "with_titles"]


def check_texts(X: Any, *, what: str = "X") -> list[str]:
    """Validate a collection of postings and return it as a list of ``str``.

    Missing values (``None``, NaN, ``pd.NA``) become empty strings: they are answered as empty
    postings, never dropped, so outputs stay aligned with inputs.
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{what} must be a list-like of strings (one posting each); got a single {type(X).__name__}. "
            f"Wrap it in a list: [text]"
        )
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) != 1:
        raise ValueError(f"{what} must be one-dimensional (one posting per row); got shape {getattr(X, 'shape', '?')}")
    if not isinstance(X, Iterable):
        raise TypeError(f"{what} must be a list-like of strings; got {type(X).__name__}")
    out: list[str] = []
    for i, x in enumerate(X):
        if isinstance(x, str):
            out.append(x)
        elif x is None or (isinstance(x, float) and x != x) or type(x).__name__ in ("NAType", "NaTType"):
            out.append("")
        else:
            raise TypeError(f"{what}[{i}] must be a string (a posting's text); got {type(x).__name__}: {x!r:.60}")
    return out


def check_min_confidence(value: Any) -> float | None:
    """``None`` or a number in [0, 1]."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"min_confidence must be a number between 0 and 1 or None; got {type(value).__name__}: {value!r}")
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"min_confidence must be between 0 and 1; got {value}")
    return float(value)


def with_titles(titles: list[str], texts: list[str]) -> list[str]:
    """What the model reads when a title is given: title, blank line, text (training and labeling
    share this). The title helps only when there is a posting to read: a title alone stays empty."""
    return [f"{ti.strip()}\n\n{te}" if ti.strip() and te.strip() else te for ti, te in zip(titles, texts)]
