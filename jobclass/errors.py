"""The package's exception types. Each says what was expected, what was received and what to do."""

from __future__ import annotations

from collections.abc import Iterable


class JobclassError(Exception):
    """Base class of every error jobclass raises on purpose."""


class InputError(JobclassError, ValueError):
    """The data given to jobclass cannot be used as it is (missing columns, bad labels, bad rows)."""


class ModelFileError(JobclassError):
    """A model file is refused: missing, corrupted, tampered with, or from an incompatible version."""


class BadLinesError(InputError):
    """A delimited file has malformed lines and ``on_bad_lines='error'`` was asked for."""


def missing_column_error(what: str, wanted: str, present: Iterable[str], hint: str) -> InputError:
    cols = ", ".join(repr(str(c)) for c in present) or "(none)"
    return InputError(f"{what} column {wanted!r} not found; columns present: {cols}. {hint}")

