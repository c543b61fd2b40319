"""``classify`` and ``classify_many``: a posting in, a :class:`Prediction` out.

Both run on the compiled inference path (:mod:`jobclass.compiled`). The default model is the
bundled one, loaded once, lazily and thread-safely, from its ``.npz`` (no pickle, no scikit-learn).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .compiled import CompiledModel, Row
from .labels import display_name
from .validation import check_min_confidence, check_texts

__all__ = ["Prediction", "classify", "classify_many", "resolve_model", "default_model", "predictions_from_rows"]

#: ``Prediction.status`` values.
STATUS_OK = "ok"
STATUS_ABSTAINED = "abstained"
STATUS_EMPTY = "empty_text"


@dataclass(frozen=True)
class Prediction:
    """The answer for one posting.

    Attributes
    ----------
    label : str or None
        ``ml_engineer``, ``dl_engineer``, ``dl_researcher``, ``out_of_scope``, or ``None`` when the
        classifier abstains (empty text, or confidence below ``min_confidence``).
    name : str
        Display name of the label ("ML Engineer", ..., "Out of scope", "No answer").
    confidence : float
        Probability of the most likely class (also reported when abstaining).
    probabilities : dict
        Probability of every class; they sum to 1.
    skills : dict
        Lexicon skills found in the text, by group: ``{"dl_framework": ("pytorch", ...), ...}``.
    evidence : tuple
        ``(term, weight)`` pairs: the features that pushed hardest toward the most likely class,
        each weight being feature value x centred coefficient (the model's real reason).
    status : str
        ``ok``, ``abstained`` (low confidence) or ``empty_text``.
    truncated : bool
        True when the posting was longer than the model reads (``max_chars``) and was cut.
    """

    label: str | None
    name: str
    confidence: float
    probabilities: dict[str, float] = field(repr=False)
    skills: dict[str, tuple[str, ...]] = field(repr=False)
    evidence: tuple[tuple[str, float], ...] = field(repr=False)
    status: str = STATUS_OK
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        d = asdict(self)
        d["skills"] = {g: list(s) for g, s in self.skills.items()}
        d["evidence"] = [{"term": t, "weight": w} for t, w in self.evidence]
        return d


_DEFAULT: CompiledModel | None = None
_LOCK = threading.Lock()


def default_model() -> CompiledModel:
    """The bundled model in compiled form, loaded on first use (once, thread-safely)."""
    global _DEFAULT
    if _DEFAULT is None:
        with _LOCK:
            if _DEFAULT is None:
                from .persist import load_compiled

                _DEFAULT = load_compiled(None)
    return _DEFAULT


def resolve_model(model: Any) -> CompiledModel:
    """The compiled model for ``model``: ``None`` (bundled), a ``JobClassifier`` or a ``CompiledModel``."""
    if model is None:
        return default_model()
    if isinstance(model, CompiledModel):
        return model
    if type(model).__name__ == "JobClassifier":
        from .compiled import compile_model

        return compile_model(model)
    hint = " Load a saved model first: jobclass.load_model(path)." if isinstance(model, str) or hasattr(model, "__fspath__") else ""
    raise TypeError(f"model must be None (the bundled model), a JobClassifier or a CompiledModel; got {type(model).__name__}.{hint}")


def _check_text(text: Any) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("classify() expects the posting as str; got bytes. Decode it first: text.decode('utf-8')")
    if isinstance(text, (list, tuple)) or type(text).__name__ in ("Series", "ndarray", "Index"):
        raise TypeError(f"classify() expects one posting as str; got {type(text).__name__}. For several postings use classify_many(texts)")
    raise TypeError(f"classify() expects the posting's text as str; got {type(text).__name__}: {text!r:.60}")


def predictions_from_rows(m: CompiledModel, rows: list[Row], min_confidence: float | None, *, top: int = 8) -> list[Prediction]:
    """Turn feature rows into Predictions (one vectorised scoring call for all rows)."""
    probs = m.softmax(m.scores(rows))
    best = np.argmax(probs, axis=1)
    classes = m.classes
    out = []
    for row, p, k in zip(rows, probs, best):
        k = int(k)
        conf = float(p[k])
        if row.blank:
            label, status = None, STATUS_EMPTY
        elif min_confidence is not None and conf < min_confidence:
            label, status = None, STATUS_ABSTAINED
        else:
            label, status = classes[k], STATUS_OK
        skills = {g: tuple(s) for g, s in m.lexicon.group_counts(row.skills).items()}
        out.append(
            Prediction(
                label=label,
                name=display_name(label),
                confidence=conf,
                probabilities={c: float(x) for c, x in zip(classes, p)},
                skills=skills,
                evidence=m.evidence(row, k, top=top) if not row.blank else (),
                status=status,
                truncated=row.truncated,
            )
        )
    return out


def classify(text: str, *, model: Any = None, min_confidence: float | None = None) -> Prediction:
    """Classify one job posting.

    Parameters
    ----------
    text : str
        The posting (plain text, markdown or HTML). Empty or whitespace-only text is answered with an
        abstention (``label=None``, ``status="empty_text"``). Only the first ``max_chars`` characters
        (60,000 for the bundled model) are read; ``truncated`` says when that applied.
    model : None, JobClassifier or CompiledModel
        ``None`` uses the bundled model.
    min_confidence : float or None
        When the top probability is below this, abstain: ``label=None``, ``status="abstained"``,
        probabilities still given.

    >>> classify("We train PyTorch detection and segmentation models for robots").label
    'dl_engineer'
    """
    text = _check_text(text)
    mc = check_min_confidence(min_confidence)
    m = resolve_model(model)
    return predictions_from_rows(m, [m.row(text)], mc)[0]


def classify_many(texts: Any, *, model: Any = None, min_confidence: float | None = None) -> list[Prediction]:
    """Classify many postings: one Prediction per input, in input order.

    ``texts`` is any list-like of str (a list, a pandas Series, a NumPy array); missing values are
    answered as empty postings. Scoring is vectorised over the batch.
    """
    items = check_texts(texts, what="texts")
    mc = check_min_confidence(min_confidence)
    m = resolve_model(model)
    return predictions_from_rows(m, [m.row(t) for t in items], mc)
