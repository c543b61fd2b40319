"""The label ids, their display names and one-line definitions (from LABELS.md)."""

from __future__ import annotations

ML_ENGINEER = "ml_engineer"
DL_ENGINEER = "dl_engineer"
DL_RESEARCHER = "dl_researcher"
OUT_OF_SCOPE = "out_of_scope"

#: Every class the model predicts, in a fixed order (roles first).
LABELS: tuple[str, ...] = (ML_ENGINEER, DL_ENGINEER, DL_RESEARCHER, OUT_OF_SCOPE)
ROLES: tuple[str, ...] = (ML_ENGINEER, DL_ENGINEER, DL_RESEARCHER)

DISPLAY_NAMES: dict[str, str] = {
    ML_ENGINEER: "ML Engineer",
    DL_ENGINEER: "DL Engineer",
    DL_RESEARCHER: "DL Researcher",
    OUT_OF_SCOPE: "Out of scope",
}

#: Display name of an abstention (``Prediction.label is None``).
ABSTAIN_NAME = "No answer"

DEFINITIONS: dict[str, str] = {
    ML_ENGINEER: "Builds, ships and runs ML systems in production: pipelines, serving, MLOps, "
    "classical/tabular ML, ranking, and LLM applications on hosted models.",
    DL_ENGINEER: "Designs, trains, fine-tunes, optimises and deploys deep neural networks for a task "
    "(vision, NLP, speech, LLM fine-tuning, GPU/inference optimisation).",
    DL_RESEARCHER: "Invents new algorithms, architectures or training methods and proves them by "
    "experiments and publications; a PhD is usually expected.",
    OUT_OF_SCOPE: "None of the three roles: analytics, data engineering without model work, generic "
    "software, product, sales, or not a job posting at all.",
}


def display_name(label: str | None) -> str:
    """Return the display name of ``label`` (``None`` means an abstention)."""
    if label is None:
        return ABSTAIN_NAME
    try:
        return DISPLAY_NAMES[label]
    except KeyError:
        raise ValueError(f"unknown label {label!r}; expected one of {', '.join(LABELS)}") from None
