"""Reading tables of postings: CSV, TSV, JSONL and Parquet, optionally gzip-compressed.

``read_table`` loads a whole (training-sized) file; ``iter_chunks`` streams a file of any size in
chunks of rows for batch labeling. Both name the file and the fix in their errors.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import BadLinesError, InputError

__all__ = ["FORMATS", "detect_format", "read_table", "iter_chunks", "iter_records", "pick_text_column", "TEXT_COLUMN_CANDIDATES"]

FORMATS = ("csv", "tsv", "jsonl", "parquet")

#: Column names tried, in order and case-insensitively, when no text column is given.
TEXT_COLUMN_CANDIDATES = (
    "description",
    "job_description",
    "jobdescription",
    "description_text",
    "text",
    "body",
    "posting",
    "job_posting",
    "content",
    "details",
)


def detect_format(path: str | Path, fmt: str | None = None) -> str:
    """The table format from ``fmt`` or the file's extension (``.gz`` allowed after it)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        return fmt
    name = str(path).lower()
    if name == "-":
        return "csv"
    if name.endswith(".gz"):
        name = name[:-3]
    for ext, f in ((".csv", "csv"), (".tsv", "tsv"), (".tab", "tsv"), (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".parquet", "parquet"), (".pq", "parquet")):
        if name.endswith(ext):
            return f
    raise InputError(
        f"cannot tell the format of {path!s} from its extension; expected .csv, .tsv, .jsonl or .parquet "
        f"(optionally .gz), or pass --format {{{','.join(FORMATS)}}}"
    )


def _open_text(path: str | Path, encoding: str) -> io.TextIOBase:
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding=encoding, newline="")
    if str(path).lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding=encoding, newline="")  # type: ignore[return-value]
    return open(path, encoding=encoding, newline="")


def _decode_error(path: str | Path, encoding: str, exc: UnicodeDecodeError) -> InputError:
    return InputError(
        f"{path}: cannot decode the file as {encoding} ({exc.reason} at byte {exc.start}). "
        f"Pass the file's encoding, for example --encoding latin-1 (Python: encoding='latin-1')."
    )


def _csv_reader_kwargs(fmt: str) -> dict[str, Any]:
    return {"sep": "\t" if fmt == "tsv" else ",", "dtype": str, "keep_default_na": False, "na_values": [""]}


def read_table(path: str | Path, *, fmt: str | None = None, encoding: str = "utf-8") -> Any:
    """Read a whole table into a DataFrame (all columns as strings for delimited formats)."""
    import pandas as pd

    if str(path) != "-" and not Path(path).exists():
        raise InputError(f"no such file: {path}")
    fmt = detect_format(path, fmt)
    try:
        if fmt == "parquet":
            return pd.read_parquet(path)
        with _open_text(path, encoding) as fh:
            if fmt == "jsonl":
                return pd.read_json(fh, lines=True, dtype=False)
            return pd.read_csv(fh, engine="python", **_csv_reader_kwargs(fmt))
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, exc) from exc
    except pd.errors.ParserError as exc:
        raise BadLinesError(f"{path}: malformed {fmt.upper()} ({exc}). Fix the file or skip bad lines (--on-bad-lines skip)") from exc


def iter_chunks(
    path: str | Path,
    *,
    fmt: str | None = None,
    chunksize: int = 2000,
    encoding: str = "utf-8",
    on_bad_lines: str = "error",
    bad_lines: list[int] | None = None,
    opened: dict[str, Any] | None = None,
) -> Iterator[Any]:
    """Yield DataFrames of at most ``chunksize`` rows, in file order, with flat memory.

    With ``on_bad_lines="skip"``, malformed CSV/TSV lines are skipped and their 1-based line
    numbers (counting the header as line 1) are appended to ``bad_lines``. When ``opened`` is
    given, the open text file is stored in it as ``opened["file"]`` (for progress reporting).
    """
    import pandas as pd

    if on_bad_lines not in ("error", "skip"):
        raise InputError(f"on_bad_lines must be 'error' or 'skip'; got {on_bad_lines!r}")
    if str(path) != "-" and not Path(path).exists():
        raise InputError(f"no such file: {path}")
    fmt = detect_format(path, fmt)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=chunksize):
            yield batch.to_pandas()
        return
    fh = _open_text(path, encoding)
    if opened is not None:
        opened["file"] = fh
    try:
        if fmt == "jsonl":
            yield from pd.read_json(fh, lines=True, chunksize=chunksize, dtype=False)
            return
        yield from _iter_delimited(fh, path, fmt, chunksize, on_bad_lines, bad_lines)
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, exc) from exc
    finally:
        if str(path) != "-":
            fh.close()


def _iter_delimited(fh: Any, path: Any, fmt: str, chunksize: int, on_bad_lines: str, bad_lines: list[int] | None) -> Iterator[Any]:
    """CSV/TSV chunks as DataFrames of strings (empty fields are missing values)."""
    import pandas as pd

    header, chunks = _delimited_records(fh, path, fmt, chunksize, on_bad_lines, bad_lines)
    empty = True
    for rows in chunks:
        empty = False
        yield pd.DataFrame([[v if v != "" else None for v in r] for r in rows], columns=header, dtype="str")
    if empty:
        yield pd.DataFrame({c: pd.Series([], dtype="str") for c in header})


def iter_records(
    path: str | Path,
    *,
    fmt: str,
    chunksize: int = 1000,
    encoding: str = "utf-8",
    on_bad_lines: str = "error",
    bad_lines: list[int] | None = None,
    opened: dict[str, Any] | None = None,
) -> tuple[list[str], Iterator[list[list[str]]]]:
    """A CSV/TSV file as ``(header, chunks)``: each chunk a list of at most ``chunksize`` records
    (lists of field strings, exactly as in the file). No pandas: the batch labeler's fast path.
    Bad records, ``bad_lines`` and ``opened`` work as in :func:`iter_chunks`."""
    if fmt not in ("csv", "tsv"):
        raise InputError(f"iter_records reads CSV or TSV; got format {fmt!r}")
    if on_bad_lines not in ("error", "skip"):
        raise InputError(f"on_bad_lines must be 'error' or 'skip'; got {on_bad_lines!r}")
    if str(path) != "-" and not Path(path).exists():
        raise InputError(f"no such file: {path}")
    fh = _open_text(path, encoding)
    if opened is not None:
        opened["file"] = fh
    try:
        header, chunks = _delimited_records(fh, path, fmt, chunksize, on_bad_lines, bad_lines)
    except UnicodeDecodeError as exc:
        _close(fh, path)
        raise _decode_error(path, encoding, exc) from exc
    except BaseException:
        _close(fh, path)
        raise

    def gen() -> Iterator[list[list[str]]]:
        try:
            yield from chunks
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, exc) from exc
        finally:
            _close(fh, path)

    return header, gen()


def _close(fh: Any, path: Any) -> None:
    if str(path) != "-":
        fh.close()


def _delimited_records(
    fh: Any, path: Any, fmt: str, chunksize: int, on_bad_lines: str, bad_lines: list[int] | None
) -> tuple[list[str], Iterator[list[list[str]]]]:
    """CSV/TSV via the csv module, so that every record's line number is known and a bad record is
    reported (or skipped) by number, never silently merged or dropped."""
    csv.field_size_limit(1 << 27)  # real postings can be huge; the model caps what it reads, not the reader
    reader = csv.reader(fh, delimiter="\t" if fmt == "tsv" else ",", strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: the file is empty (expected a header row)") from None
    width = len(header)

    def chunks() -> Iterator[list[list[str]]]:
        rows: list[list[str]] = []
        while True:
            line = reader.line_num + 1
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                _bad(path, line, f"{exc}", on_bad_lines, bad_lines)
                continue
            if len(rec) != width:
                if not rec:  # a blank line between records is not a row
                    continue
                _bad(path, line, f"expected {width} fields, saw {len(rec)}", on_bad_lines, bad_lines)
                continue
            rows.append(rec)
            if len(rows) >= chunksize:
                yield rows
                rows = []
        if rows:
            yield rows

    return header, chunks()


def _bad(path: Any, line: int, why: str, on_bad_lines: str, bad_lines: list[int] | None) -> None:
    if on_bad_lines == "error":
        raise BadLinesError(
            f"{path}: malformed record at line {line} ({why}). Fix the file, or pass --on-bad-lines skip "
            "(Python: on_bad_lines='skip') to skip such records and list them in a report"
        )
    if bad_lines is not None:
        bad_lines.append(line)


def pick_text_column(columns: list[str], wanted: str | None) -> str:
    """``wanted`` if given (must exist), else the first of :data:`TEXT_COLUMN_CANDIDATES` present."""
    from .errors import missing_column_error

    cols = [str(c) for c in columns]
    if wanted is not None:
        if wanted not in cols:
            raise missing_column_error("text", wanted, cols, "Pass the column that holds the posting text with --text-column.")
        return wanted
    lower = {c.lower(): c for c in reversed(cols)}
    for cand in TEXT_COLUMN_CANDIDATES:
        if cand in lower:
            return lower[cand]
    shown = ", ".join(repr(c) for c in cols) or "(none)"
    raise InputError(
        f"no text column found: looked for {', '.join(TEXT_COLUMN_CANDIDATES)} (any case); columns present: {shown}. "
        "Name the column that holds the posting text with --text-column."
    )
