"""Retraining and evaluation: ``train``, ``evaluate``, ``EvaluationReport`` and the regression gate."""

from __future__ import annotations

import hashlib
import json
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, missing_column_error
from .labels import LABELS
from .readers import pick_text_column, read_table
from .validation import with_titles

__all__ = ["train", "evaluate", "EvaluationReport", "GateResult", "check_regression", "load_labeled", "LabeledData"]

MIN_PER_CLASS = 5
COVERAGE_THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass
class LabeledData:
    """Postings ready for training or evaluation, with what was left out and why."""

    texts: list[str]
    labels: list[str]
    skipped_empty: int = 0
    skipped_unlabeled: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        h = hashlib.sha256()
        for t, y in zip(self.texts, self.labels):
            h.update(t.encode("utf-8", "surrogatepass") + b"\x1f" + y.encode() + b"\x1e")
        return h.hexdigest()


def _frames(data: Any) -> list[tuple[str, Any]]:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return [("<DataFrame>", data)]
    if isinstance(data, (str, Path)):
        return [(str(data), read_table(data))]
    if isinstance(data, (list, tuple)) and data:
        out = []
        for d in data:
            out.extend(_frames(d))
        return out
    raise TypeError(f"data must be a DataFrame, a file path, or a non-empty list of them; got {type(data).__name__}")


def load_labeled(
    data: Any,
    *,
    text_column: str | None = None,
    label_column: str = "label",
    title_column: str | None = None,
    labels_from_titles: bool = False,
) -> LabeledData:
    """Read and validate labeled postings from DataFrames or files.

    The model reads ``title + blank line + text`` when ``title_column`` is given, else the text.
    Rows with empty text are skipped and counted; with ``labels_from_titles`` the labels come from
    :func:`jobclass.labels_from_titles` and rows whose title is unclear are skipped and counted.
    """
    from .titles import labels_from_titles as _from_titles

    if labels_from_titles and title_column is None:
        title_column = "title"
    out = LabeledData([], [])
    for name, df in _frames(data):
        cols = [str(c) for c in df.columns]
        tcol = pick_text_column(cols, text_column)
        if title_column is not None and title_column not in cols:
            raise missing_column_error("title", title_column, cols, "Pass the title column with --title-column.")
        if not labels_from_titles and label_column not in cols:
            raise missing_column_error(
                "label", label_column, cols, "Pass it with --label-column, or derive labels with --labels-from-titles."
            )
        texts = [t if isinstance(t, str) else "" for t in df[tcol].tolist()]
        titles = [t if isinstance(t, str) else "" for t in df[title_column].tolist()] if title_column else None
        if labels_from_titles:
            labels: list[Any] = _from_titles(titles or [])
        else:
            labels = [y.strip() if isinstance(y, str) else y for y in df[label_column].tolist()]
            missing = [i for i, y in enumerate(labels) if not isinstance(y, str) or not y]
            if missing:
                rows = ", ".join(str(i + 2) for i in missing[:10])
                raise InputError(
                    f"{name}: {len(missing)} row(s) have no label in column {label_column!r} (file lines {rows}"
                    f"{', ...' if len(missing) > 10 else ''}). Label them or remove them."
                )
            unknown = sorted(set(labels) - set(LABELS))
            if unknown:
                raise InputError(
                    f"{name}: unknown label(s) {', '.join(repr(u) for u in unknown)} in column {label_column!r}; "
                    f"allowed labels: {', '.join(LABELS)}"
                )
        if titles is not None:
            texts = with_titles(titles, texts)
        for text, y in zip(texts, labels):
            if not text.strip():
                out.skipped_empty += 1
                continue
            if y is None:
                out.skipped_unlabeled += 1
                continue
            out.texts.append(text)
            out.labels.append(y)
        out.sources.append(name)
    return out


def _check_counts(labels: list[str]) -> dict[str, int]:
    counts = Counter(labels)
    if not counts:
        raise InputError("no usable training rows: every row was empty or unlabeled")
    small = {k: v for k, v in counts.items() if v < MIN_PER_CLASS}
    if small:
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(small.items()))
        raise InputError(
            f"every class needs at least {MIN_PER_CLASS} examples to train and cross-validate; too few for {detail}. "
            "Add postings of those classes, or add the bundled corpus with --include-bundled."
        )
    if len(counts) < 2:
        raise InputError(f"training needs at least two classes; got only {next(iter(counts))!r}")
    return {k: counts[k] for k in LABELS if k in counts}


def _scores(y_true: list[str], y_pred: list[str], labels: list[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
        "per_class_f1": {
            lab: round(float(f), 4) for lab, f in zip(labels, f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0))
        },
    }


def train(
    data: Any,
    *,
    text_column: str | None = None,
    label_column: str = "label",
    title_column: str | None = None,
    labels_from_titles: bool = False,
    include_bundled: bool = False,
    cv: int = 5,
    seed: int = 0,
    estimator: Any = None,
) -> Any:
    """Train a :class:`jobclass.JobClassifier` on labeled postings and return it fitted.

    Parameters
    ----------
    data : DataFrame, path, list of them, or LabeledData
        CSV, TSV, Parquet or JSONL files, or DataFrames, with a text column and a label column
        (or the result of :func:`load_labeled`, which is then used as it is).
    text_column, label_column, title_column : str
        Column names (text is auto-detected when ``None``; see :data:`jobclass.readers.TEXT_COLUMN_CANDIDATES`).
    labels_from_titles : bool
        Derive labels from the title column with :func:`jobclass.labels_from_titles`; unclear titles are left out.
    include_bundled : bool
        Train on the bundled corpus plus ``data``, so a few hundred postings add to it rather than replace it.
    cv : int
        Folds for the cross-validated metrics recorded in ``training_report_`` (0 or 1: skip).
    seed : int
        Seed for the folds; the same data and seed give identical predictions.
    estimator : JobClassifier or None
        An unfitted template with your hyper-parameters (default ``JobClassifier(random_state=seed)``).

    The fitted model's ``training_report_`` holds the rows used per class, rows skipped, the
    training-data sha256 and the cross-validated metrics; :func:`jobclass.save_model` writes them to the card.
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from .model import JobClassifier

    if isinstance(data, LabeledData):  # already read and validated (the CLI reuses it for the gate)
        ld = LabeledData(list(data.texts), list(data.labels), data.skipped_empty, data.skipped_unlabeled, list(data.sources))
    else:
        ld = load_labeled(data, text_column=text_column, label_column=label_column, title_column=title_column, labels_from_titles=labels_from_titles)
    if include_bundled:
        from .datasets import load_postings

        bundled = load_labeled(load_postings(), text_column="description", title_column="title" if title_column else None)
        ld.texts = bundled.texts + ld.texts
        ld.labels = bundled.labels + ld.labels
        ld.sources.insert(0, "bundled corpus")
    per_class = _check_counts(ld.labels)
    model = clone(estimator) if estimator is not None else JobClassifier(random_state=seed)
    if "random_state" in model.get_params():
        model.set_params(random_state=seed)
    report: dict[str, Any] = {
        "training_data_sha256": ld.sha256,
        "training_sources": ld.sources,
        "rows_per_class": per_class,
        "rows_used": len(ld.texts),
        "rows_skipped_empty": ld.skipped_empty,
        "rows_skipped_unclear_title": ld.skipped_unlabeled,
        "input": "title + text" if title_column else "text",
    }
    k = min(int(cv), min(per_class.values()))
    if k >= 2:
        folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
        pred = cross_val_predict(clone(model), ld.texts, ld.labels, cv=folds)
        labels = [lab for lab in LABELS if lab in per_class]
        report["cv_metrics"] = {"folds": k, "seed": seed, **_scores(ld.labels, list(pred), labels)}
    model.fit(ld.texts, ld.labels)
    model.training_report_ = report
    return model


# -- evaluation -----------------------------------------------------------------------------------


@dataclass
class EvaluationReport:
    """How a model does on labeled postings. ``to_dict()`` for JSON, ``to_markdown()`` for people."""

    n: int
    labels: list[str]
    accuracy: float
    macro_f1: float
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    ece: float
    reliability: list[dict[str, float]]
    coverage: list[dict[str, float]]
    skipped_empty: int = 0
    model: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def to_text(self) -> str:
        """A plain-text table (what ``jobclass evaluate`` prints)."""
        lines = [
            f"postings: {self.n}   accuracy: {self.accuracy:.3f}   macro-F1: {self.macro_f1:.3f}   ECE: {self.ece:.3f}",
            "",
            f"{'class':<15}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}",
        ]
        for lab in self.labels:
            m = self.per_class[lab]
            lines.append(f"{lab:<15}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{int(m['support']):>9}")
        short = [lab[:8] for lab in self.labels]
        lines += ["", "confusion (rows: true, columns: predicted)", f"{'':<15}" + "".join(f"{s:>10}" for s in short)]
        for lab, row in zip(self.labels, self.confusion):
            lines.append(f"{lab:<15}" + "".join(f"{v:>10}" for v in row))
        lines += ["", "min_confidence  coverage  accuracy  macro-F1"]
        for c in self.coverage:
            lines.append(f"{c['threshold']:>14.2f}{c['coverage']:>10.3f}{c['accuracy']:>10.3f}{c['macro_f1']:>10.3f}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        out = [
            "# jobclass evaluation",
            "",
            f"Model: {self.model}" if self.model else "",
            f"Postings: {self.n} (skipped as empty: {self.skipped_empty})",
            "",
            f"**Accuracy {self.accuracy:.3f} · macro-F1 {self.macro_f1:.3f} · expected calibration error {self.ece:.3f}**",
            "",
            "| class | precision | recall | F1 | support |",
            "|---|---:|---:|---:|---:|",
        ]
        for lab in self.labels:
            m = self.per_class[lab]
            out.append(f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {int(m['support'])} |")
        out += ["", "Confusion matrix (rows: true, columns: predicted)", "", "| | " + " | ".join(self.labels) + " |", "|---|" + "---:|" * len(self.labels)]
        for lab, row in zip(self.labels, self.confusion):
            out.append(f"| **{lab}** | " + " | ".join(str(v) for v in row) + " |")
        out += ["", "Reliability", "", "| confidence bin | postings | mean confidence | accuracy |", "|---|---:|---:|---:|"]
        for r in self.reliability:
            out.append(f"| {r['bin_low']:.1f}–{r['bin_high']:.1f} | {int(r['count'])} | {r['confidence']:.3f} | {r['accuracy']:.3f} |")
        out += ["", "Coverage vs accuracy (`min_confidence`)", "", "| min_confidence | coverage | accuracy | macro-F1 |", "|---:|---:|---:|---:|"]
        for c in self.coverage:
            out.append(f"| {c['threshold']:.2f} | {c['coverage']:.3f} | {c['accuracy']:.3f} | {c['macro_f1']:.3f} |")
        return "\n".join(x for x in out if x is not None) + "\n"

    def save_plots(self, directory: str | Path) -> list[Path]:
        """Write confusion-matrix, reliability and coverage plots as PNG (needs matplotlib: ``pip install jobclass[plots]``)."""
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError as exc:
            raise ImportError("plots need matplotlib: pip install 'jobclass[plots]'") from exc
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        paths = []
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
        cm = np.asarray(self.confusion)
        ax.imshow(cm, cmap="Blues")
        ax.set_xticks(range(len(self.labels)), self.labels, rotation=30, ha="right")
        ax.set_yticks(range(len(self.labels)), self.labels)
        for i in range(cm.shape[0]):
            for j in range(cm.shape[1]):
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", color="white" if cm[i, j] > cm.max() / 2 else "black")
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"Confusion matrix (macro-F1 {self.macro_f1:.3f})")
        fig.tight_layout()
        paths.append(d / "confusion_matrix.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        rel = [r for r in self.reliability if r["count"]]
        ax.plot([0, 1], [0, 1], "--", color="grey")
        ax.plot([r["confidence"] for r in rel], [r["accuracy"] for r in rel], "o-")
        ax.set_xlabel("mean confidence")
        ax.set_ylabel("accuracy")
        ax.set_title(f"Reliability (ECE {self.ece:.3f})")
        fig.tight_layout()
        paths.append(d / "reliability.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        ax.plot([c["coverage"] for c in self.coverage], [c["accuracy"] for c in self.coverage], "o-")
        for c in self.coverage:
            ax.annotate(f"{c['threshold']:.1f}", (c["coverage"], c["accuracy"]), fontsize=7)
        ax.set_xlabel("coverage (share answered)")
        ax.set_ylabel("accuracy on answered")
        ax.set_title("Coverage vs accuracy by min_confidence")
        fig.tight_layout()
        paths.append(d / "coverage.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
        return paths

    def write(self, directory: str | Path, *, plots: bool = True) -> list[Path]:
        """Write ``report.json``, ``report.md`` and (if ``plots``) the PNG plots into ``directory``."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        (d / "report.json").write_text(self.to_json() + "\n", encoding="utf-8")
        (d / "report.md").write_text(self.to_markdown(), encoding="utf-8")
        written = [d / "report.json", d / "report.md"]
        if plots:
            written += self.save_plots(d)
        return written


def _report(y_true: list[str], proba: np.ndarray, classes: list[str], *, skipped: int = 0, model: str = "") -> EvaluationReport:
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    labels = [lab for lab in LABELS if lab in set(y_true) | set(classes)]
    pred_idx = proba.argmax(axis=1)
    y_pred = [classes[i] for i in pred_idx]
    conf = proba.max(axis=1)
    correct = np.array([a == b for a, b in zip(y_true, y_pred)])
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = {lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4), "support": int(s[i])} for i, lab in enumerate(labels)}
    bins = np.linspace(0, 1, 11)
    reliability, ece = [], 0.0
    for lo, hi in zip(bins[:-1], bins[1:]):
        m = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        n = int(m.sum())
        c = float(conf[m].mean()) if n else 0.0
        a = float(correct[m].mean()) if n else 0.0
        ece += n / max(len(conf), 1) * abs(c - a)
        reliability.append({"bin_low": round(float(lo), 2), "bin_high": round(float(hi), 2), "count": n, "confidence": round(c, 4), "accuracy": round(a, 4)})
    coverage = []
    for t in COVERAGE_THRESHOLDS:
        m = conf >= t
        n = int(m.sum())
        yt = [y for y, keep in zip(y_true, m) if keep]
        yp = [y for y, keep in zip(y_pred, m) if keep]
        coverage.append(
            {
                "threshold": t,
                "coverage": round(n / max(len(conf), 1), 4),
                "accuracy": round(float(correct[m].mean()) if n else 0.0, 4),
                "macro_f1": round(float(f1_score(yt, yp, labels=labels, average="macro", zero_division=0)) if n else 0.0, 4),
            }
        )
    return EvaluationReport(
        n=len(y_true),
        labels=labels,
        accuracy=round(float(correct.mean()) if len(correct) else 0.0, 4),
        macro_f1=round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
        per_class=per_class,
        confusion=confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        ece=round(float(ece), 4),
        reliability=reliability,
        coverage=coverage,
        skipped_empty=skipped,
        model=model,
    )


def _compiled_for(model: Any) -> tuple[Any, str]:
    from .persist import load_compiled
    from .predict import resolve_model

    if model is None or model == "bundled":
        return load_compiled(None), "bundled"
    if isinstance(model, (str, Path)):
        return load_compiled(model), str(model)
    return resolve_model(model), type(model).__name__


def evaluate(
    model: Any,
    data: Any,
    *,
    text_column: str | None = None,
    label_column: str = "label",
    title_column: str | None = None,
) -> EvaluationReport:
    """Evaluate ``model`` (a JobClassifier, CompiledModel, saved-model path, or ``None``/"bundled")
    on labeled postings: accuracy, macro-F1, per-class figures, confusion matrix, calibration
    (ECE and a reliability table) and the coverage-vs-accuracy curve for ``min_confidence``."""
    ld = load_labeled(data, text_column=text_column, label_column=label_column, title_column=title_column)
    if not ld.texts:
        raise InputError("no postings to evaluate: every row was empty")
    compiled, name = _compiled_for(model)
    proba = compiled.predict_proba(ld.texts)
    return _report(ld.labels, proba, list(compiled.classes), skipped=ld.skipped_empty, model=name)


@dataclass
class GateResult:
    """Outcome of the regression gate."""

    passed: bool
    new_macro_f1: float
    baseline_macro_f1: float
    max_drop: float
    overlap: int
    message: str


def check_regression(
    new_model: Any,
    baseline: Any,
    holdout: Any,
    *,
    max_drop: float = 0.02,
    text_column: str | None = None,
    label_column: str = "label",
    title_column: str | None = None,
    training_texts: list[str] | None = None,
) -> GateResult:
    """Fail when the new model's macro-F1 on ``holdout`` is more than ``max_drop`` below the baseline's.

    Rows of ``holdout`` that also appear in ``training_texts`` are counted and reported (a warning),
    since they make the new model look better than it is.
    """
    if not 0 <= max_drop <= 1:
        raise ValueError(f"max_drop must be between 0 and 1; got {max_drop}")
    ld = load_labeled(holdout, text_column=text_column, label_column=label_column, title_column=title_column)
    overlap = 0
    if training_texts is not None:
        from .text import normalize

        seen = {hashlib.sha1(normalize(t).encode()).digest() for t in training_texts}
        overlap = sum(hashlib.sha1(normalize(t).encode()).digest() in seen for t in ld.texts)
        if overlap:
            warnings.warn(f"{overlap} holdout posting(s) also appear in the training data; the gate's figures are optimistic", stacklevel=2)
    new = evaluate(new_model, holdout, text_column=text_column, label_column=label_column, title_column=title_column)
    base = evaluate(baseline, holdout, text_column=text_column, label_column=label_column, title_column=title_column)
    drop = base.macro_f1 - new.macro_f1
    passed = drop <= max_drop + 1e-12
    verdict = "passed" if passed else "FAILED"
    msg = (
        f"regression gate {verdict}: new macro-F1 {new.macro_f1:.4f} vs baseline {base.macro_f1:.4f} on {new.n} holdout postings "
        f"(drop {drop:+.4f}, allowed {max_drop:.4f})"
    )
    return GateResult(passed, new.macro_f1, base.macro_f1, max_drop, overlap, msg)
