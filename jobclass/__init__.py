"""jobclass: sort job postings into ML Engineer, DL Engineer, DL Researcher, or out of scope.

``import jobclass`` is cheap: scikit-learn, pandas and Dask are imported only by the names that need
them (``JobClassifier``, training, batch labeling), and no model is loaded until first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

from .compiled import CompiledModel, compile_model
from .errors import BadLinesError, InputError, JobclassError, ModelFileError
from .labels import DEFINITIONS, DISPLAY_NAMES, LABELS, ROLES
from .lexicon import Lexicon, load_lexicon
from .persist import load_compiled, load_model, read_card, save_model
from .predict import Prediction, classify, classify_many
from .text import MAX_CHARS, normalize

__all__ = [
    "__version__",
    "classify",
    "classify_many",
    "Prediction",
    "JobClassifier",
    "CompiledModel",
    "compile_model",
    "Lexicon",
    "load_lexicon",
    "normalize",
    "MAX_CHARS",
    "LABELS",
    "ROLES",
    "DISPLAY_NAMES",
    "DEFINITIONS",
    "save_model",
    "load_model",
    "load_compiled",
    "read_card",
    "label_frame",
    "label_file",
    "label_dask",
    "LabelSummary",
    "train",
    "evaluate",
    "EvaluationReport",
    "labels_from_titles",
    "load_postings",
    "JobclassError",
    "InputError",
    "ModelFileError",
    "BadLinesError",
]

# Names whose modules import scikit-learn or pandas: resolved on first access.
_LAZY = {
    "JobClassifier": "model",
    "label_frame": "batch",
    "label_file": "batch",
    "label_dask": "batch",
    "LabelSummary": "batch",
    "train": "training",
    "evaluate": "training",
    "EvaluationReport": "training",
    "labels_from_titles": "titles",
    "load_postings": "datasets",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jobclass' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
