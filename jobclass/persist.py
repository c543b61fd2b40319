"""Saving and loading models, with a model card that is checked before anything is unpickled.

A saved model is three files with one stem:

- ``NAME.joblib`` — the fitted :class:`jobclass.JobClassifier` (a pickle: **loading it runs code**,
  so only load files from a source you trust);
- ``NAME.npz`` — the compiled inference arrays (plain arrays, loaded with ``allow_pickle=False``:
  labeling and classifying with a model file never unpickles anything);
- ``NAME.json`` — the model card: format version, jobclass / scikit-learn / numpy / Python versions,
  labels, lexicon hash, training-data sha256, rows per class, cross-validated metrics, creation
  time, and the sha256 of the two other files.

Every load reads the card first and refuses, with the reason and the fix, a missing card, a file
whose checksum differs (truncated, corrupted or modified), a newer format, or a scikit-learn whose
minor version differs from the one that wrote the pickle.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ModelFileError

__all__ = ["save_model", "load_model", "load_compiled", "read_card", "bundled_model_path", "FORMAT_VERSION"]

FORMAT = "jobclass-model"
FORMAT_VERSION = 2


def bundled_model_path() -> Path:
    """Path of the bundled model's ``.joblib`` file (its card and ``.npz`` sit beside it)."""
    return Path(str(resources.files("jobclass.models").joinpath("default.joblib")))


def _paths(path: str | Path) -> tuple[Path, Path, Path]:
    p = Path(path)
    if p.suffix in (".json", ".npz"):
        p = p.with_suffix(".joblib")
    elif p.suffix != ".joblib":
        p = p.with_name(p.name + ".joblib") if p.suffix == "" else p
    return p, p.with_suffix(".json"), p.with_suffix(".npz")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _version(mod: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(mod)
    except PackageNotFoundError:  # pragma: no cover - only in broken environments
        return "unknown"


def _minor(v: str) -> str:
    return ".".join(v.split(".")[:2])


def save_model(model: Any, path: str | Path, *, metadata: dict[str, Any] | None = None) -> Path:
    """Save a fitted ``JobClassifier`` as ``NAME.joblib`` + ``NAME.npz`` + ``NAME.json`` (the card).

    ``metadata`` adds fields to the card (``train`` passes training-data hash, rows per class and
    cross-validated metrics). Files are written to temporary names and renamed, so a failure never
    leaves a half-written model. Returns the ``.joblib`` path.
    """
    import joblib

    from .compiled import compile_model
    from .model import JobClassifier

    if not isinstance(model, JobClassifier):
        raise TypeError(f"save_model expects a fitted jobclass.JobClassifier; got {type(model).__name__}")
    jpath, cpath, npath = _paths(path)
    jpath.parent.mkdir(parents=True, exist_ok=True)
    compiled = compile_model(model)
    tmp = {k: Path(tempfile.mkstemp(dir=jpath.parent, prefix=f".{jpath.stem}.", suffix=k)[1]) for k in (".joblib", ".npz", ".json")}
    try:
        joblib.dump({"format": FORMAT, "format_version": FORMAT_VERSION, "model": model}, tmp[".joblib"], compress=3)
        compiled.save(tmp[".npz"])
        card = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "jobclass_version": __version__,
            "sklearn_version": _version("scikit-learn"),
            "numpy_version": _version("numpy"),
            "python_version": platform.python_version(),
            "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
            "labels": [str(c) for c in model.classes_],
            "lexicon_sha256": model.lexicon_.sha256,
            "lexicon_skills": len(model.lexicon_),
            "n_tfidf_terms": compiled.n_tfidf,
            "temperature": float(model.temperature_),
            "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items() if k != "lexicon"},
            **(metadata or {}),
            "files": {
                "model": {"name": jpath.name, "sha256": _sha256(tmp[".joblib"]), "bytes": tmp[".joblib"].stat().st_size},
                "compiled": {"name": npath.name, "sha256": _sha256(tmp[".npz"]), "bytes": tmp[".npz"].stat().st_size},
            },
        }
        tmp[".json"].write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        os.replace(tmp[".joblib"], jpath)
        os.replace(tmp[".npz"], npath)
        os.replace(tmp[".json"], cpath)
    finally:
        for t in tmp.values():
            t.unlink(missing_ok=True)
    return jpath


def read_card(path: str | Path | None = None) -> dict[str, Any]:
    """Read and check a model card (``None``: the bundled model). Runs no model code."""
    jpath, cpath, _ = _paths(path if path is not None else bundled_model_path())
    if not cpath.exists():
        if not jpath.exists():
            raise ModelFileError(f"no model at {jpath}: neither {jpath.name} nor its card {cpath.name} exists")
        raise ModelFileError(
            f"model card {cpath} is missing; jobclass refuses a model it cannot verify. "
            "Save models with jobclass.save_model or `jobclass train`, which write the card beside the model."
        )
    try:
        card = json.loads(cpath.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"model card {cpath} is not valid JSON ({exc}); the file is corrupted: re-save or retrain the model") from exc
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise ModelFileError(f"{cpath} is not a jobclass model card (expected \"format\": \"{FORMAT}\")")
    fv = card.get("format_version")
    if fv != FORMAT_VERSION:
        raise ModelFileError(
            f"{jpath.name} has model format version {fv!r} but this jobclass ({__version__}) reads version "
            f"{FORMAT_VERSION}; it was written by jobclass {card.get('jobclass_version', '?')}. "
            "Install that jobclass version or retrain the model with `jobclass train`."
        )
    return card


def _verify(card: dict[str, Any], key: str, file: Path) -> None:
    if not file.exists():
        raise ModelFileError(f"model file {file} is missing (its card {file.with_suffix('.json').name} expects it)")
    want = card.get("files", {}).get(key, {}).get("sha256")
    got = _sha256(file)
    if want != got:
        raise ModelFileError(
            f"checksum mismatch for {file}: the card records sha256 {str(want)[:16]}…, the file has {got[:16]}…. "
            "The file was truncated, corrupted or modified after it was saved; do not load it. "
            "Re-download or retrain the model."
        )


def load_model(path: str | Path | None = None) -> Any:
    """Load a ``JobClassifier`` saved by :func:`save_model` (``None``: the bundled model).

    .. warning:: A ``.joblib`` file is a pickle and runs code when loaded. jobclass checks the card,
       the checksum and the versions first, but a checksum only proves the file is the one the card
       describes: load model files only from sources you trust.
    """
    import joblib

    from .model import JobClassifier

    jpath, _, _ = _paths(path if path is not None else bundled_model_path())
    card = read_card(jpath)
    _verify(card, "model", jpath)
    have, saved = _version("scikit-learn"), str(card.get("sklearn_version", "?"))
    if _minor(have) != _minor(saved):
        raise ModelFileError(
            f"{jpath.name} was saved with scikit-learn {saved} but {have} is installed; pickled estimators only load "
            f"reliably on the same minor version. Install scikit-learn=={_minor(saved)}.* or retrain with `jobclass train`."
        )
    try:
        payload = joblib.load(jpath)
    except Exception as exc:  # a pickle can fail in many ways; all of them mean "unusable file"
        raise ModelFileError(f"could not unpickle {jpath} ({type(exc).__name__}: {exc}); retrain the model") from exc
    model = payload.get("model") if isinstance(payload, dict) else None
    if not isinstance(model, JobClassifier):
        raise ModelFileError(f"{jpath} does not hold a jobclass.JobClassifier; got {type(model).__name__}")
    return model


def load_compiled(path: str | Path | None = None) -> Any:
    """Load the compiled inference form of a saved model (``None``: the bundled model). No pickle."""
    from .compiled import CompiledModel

    jpath, _, npath = _paths(path if path is not None else bundled_model_path())
    card = read_card(jpath)
    _verify(card, "compiled", npath)
    try:
        model = CompiledModel.load(npath)
    except (ValueError, KeyError, OSError) as exc:
        raise ModelFileError(f"could not read {npath} ({exc}); retrain the model") from exc
    model.metadata = {**model.metadata, "card": card}
    return model
