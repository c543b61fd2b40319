"""Batch labeling: DataFrames, files of any size, and Dask DataFrames.

Every input row comes out, in input order, with every input column unchanged and these added:

- ``jobclass_label`` — the label, or empty for an abstention or empty text;
- ``jobclass_confidence`` — the top probability (empty for empty text);
- ``jobclass_p_<label>`` — one probability column per class;
- ``jobclass_status`` — ``ok``, ``abstained`` (below ``min_confidence``), ``empty_text`` (missing or
  blank text), or ``truncated`` (answered from the first ``max_chars`` characters);
- ``jobclass_skills`` (with ``skills=True``) — matched lexicon skills, ``"; "``-separated.

Files are streamed in chunks (flat memory), labeled by ``jobs`` processes (order kept), and written
to a temporary file beside the output that is renamed only on success.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .compiled import CompiledModel
from .errors import InputError
from .predict import STATUS_ABSTAINED, STATUS_EMPTY, STATUS_OK, resolve_model
from .readers import detect_format, iter_chunks, iter_records, pick_text_column
from .validation import check_min_confidence, with_titles

__all__ = ["label_frame", "label_file", "label_dask", "LabelSummary", "output_columns"]

STATUS_TRUNCATED = "truncated"
PREFIX = "jobclass_"


def output_columns(classes: tuple[str, ...] | list[str], *, skills: bool = False) -> list[str]:
    """The columns labeling adds, in order."""
    cols = [f"{PREFIX}label", f"{PREFIX}confidence", *(f"{PREFIX}p_{c}" for c in classes), f"{PREFIX}status"]
    return cols + [f"{PREFIX}skills"] if skills else cols


def _texts(df: Any, text_column: str, title_column: str | None) -> list[str]:
    texts = [t if isinstance(t, str) else "" for t in df[text_column].tolist()]
    if title_column is None:
        return texts
    return with_titles([t if isinstance(t, str) else "" for t in df[title_column].tolist()], texts)


def _record_texts(rows: list[list[str]], text_index: int, title_index: int | None) -> list[str]:
    """The model's input for CSV records: as :func:`_texts`, on lists of field strings."""
    texts = [r[text_index] for r in rows]
    return texts if title_index is None else with_titles([r[title_index] for r in rows], texts)


def _label_texts(m: CompiledModel, texts: list[str], min_confidence: float | None, skills: bool) -> dict[str, Any]:
    """The added columns for a list of texts, as plain lists/arrays (cheap to send between processes)."""
    rows = [m.row(t) for t in texts]
    probs = m.softmax(m.scores(rows))
    best = probs.argmax(axis=1)
    conf = probs[np.arange(len(rows)), best] if len(rows) else np.empty(0)
    labels: list[str | None] = []
    status: list[str] = []
    for r, k, c in zip(rows, best, conf):
        if r.blank:
            labels.append(None)
            status.append(STATUS_EMPTY)
        elif min_confidence is not None and c < min_confidence:
            labels.append(None)
            status.append(STATUS_ABSTAINED)
        else:
            labels.append(m.classes[int(k)])
            status.append(STATUS_TRUNCATED if r.truncated else STATUS_OK)
    blank = np.array([r.blank for r in rows], dtype=bool)
    out: dict[str, Any] = {"label": labels, "confidence": np.where(blank, np.nan, conf), "probs": np.where(blank[:, None], np.nan, probs), "status": status}
    if skills:
        names = m.lexicon.skills
        out["skills"] = ["; ".join(names[s] for s in sorted(r.skills, key=lambda s: (-r.skills[s], names[s]))) for r in rows]
    return out


def _format_added(cols: dict[str, Any], skills: bool) -> list[list[str]]:
    """The added columns as CSV fields, one list per row: the same text pandas' ``to_csv`` writes
    (floats rounded to 6 places, shortest repr; missing values empty). Runs in the workers."""
    conf = ["" if x != x else repr(x) for x in np.round(cols["confidence"], 6).tolist()]
    probs = [["" if x != x else repr(x) for x in row] for row in np.round(cols["probs"], 6).tolist()]
    out = [[lab or "", c, *p, st] for lab, c, p, st in zip(cols["label"], conf, probs, cols["status"])]
    if skills:
        for row, sk in zip(out, cols["skills"]):
            row.append(sk)
    return out


def _attach(df: Any, cols: dict[str, Any], classes: tuple[str, ...], skills: bool) -> Any:
    import pandas as pd

    out = df.copy()
    n = len(df)
    out[f"{PREFIX}label"] = pd.array(cols["label"], dtype="str") if n else pd.array([], dtype="str")
    out[f"{PREFIX}confidence"] = np.round(cols["confidence"], 6) if n else np.empty(0)
    for j, c in enumerate(classes):
        out[f"{PREFIX}p_{c}"] = np.round(cols["probs"][:, j], 6) if n else np.empty(0)
    out[f"{PREFIX}status"] = pd.array(cols["status"], dtype="str") if n else pd.array([], dtype="str")
    if skills:
        out[f"{PREFIX}skills"] = pd.array(cols["skills"], dtype="str") if n else pd.array([], dtype="str")
    return out


def _check_frame(df: Any, text_column: str | None, title_column: str | None) -> str:
    return _check_columns([str(c) for c in df.columns], text_column, title_column)


def _check_columns(cols: list[str], text_column: str | None, title_column: str | None) -> str:
    tcol = pick_text_column(cols, text_column)
    if title_column is not None and title_column not in cols:
        from .errors import missing_column_error

        raise missing_column_error("title", title_column, cols, "Pass the column that holds job titles with --title-column, or leave it out.")
    clash = [c for c in cols if c.startswith(PREFIX)]
    if clash:
        raise InputError(
            f"the input already has jobclass output columns ({', '.join(clash)}); labeling again would overwrite them. "
            "Drop or rename those columns first."
        )
    return tcol


def label_frame(
    df: Any,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    model: Any = None,
    min_confidence: float | None = None,
    skills: bool = False,
) -> Any:
    """Label a pandas DataFrame: a copy with every input column and the ``jobclass_*`` columns added.

    Same rows, same order, same index; rows with missing or blank text get ``jobclass_status`` =
    ``empty_text``. ``text_column`` is auto-detected when ``None`` (``description``, ``text``, ...).
    A Dask DataFrame is handed to :func:`label_dask`.
    """
    import pandas as pd

    if type(df).__module__.startswith("dask"):
        return label_dask(df, text_column=text_column, title_column=title_column, model=model, min_confidence=min_confidence, skills=skills)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"label_frame expects a pandas DataFrame; got {type(df).__name__}. For a list of texts use classify_many")
    mc = check_min_confidence(min_confidence)
    tcol = _check_frame(df, text_column, title_column)
    m = resolve_model(model)
    cols = _label_texts(m, _texts(df, tcol, title_column), mc, skills)
    return _attach(df, cols, m.classes, skills)


# -- files ----------------------------------------------------------------------------------------


@dataclass
class LabelSummary:
    """What ``label_file`` did: rows in and out, per-label counts, abstentions, time."""

    input: str
    output: str
    text_column: str
    rows: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    abstained: int = 0
    empty_text: int = 0
    truncated: int = 0
    skipped_bad_lines: int = 0
    bad_lines_report: str | None = None
    seconds: float = 0.0
    jobs: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self) -> str:
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        per = ", ".join(f"{k} {v:,}" for k, v in self.labels.items()) or "none"
        lines = [
            f"labeled {self.rows:,} rows in {self.seconds:.1f}s ({rate:,.0f} rows/s, {self.jobs} process{'es' if self.jobs != 1 else ''}) -> {self.output}",
            f"labels: {per}",
            f"abstained: {self.abstained:,}   empty text: {self.empty_text:,}   truncated: {self.truncated:,}",
        ]
        if self.skipped_bad_lines:
            lines.append(f"skipped {self.skipped_bad_lines:,} malformed line(s); line numbers in {self.bad_lines_report}")
        return "\n".join(lines)


class _Progress:
    """A one-line progress bar on stderr: rows, rows/s, and percent + ETA when the total is known."""

    def __init__(self, enabled: bool, total_rows: int | None = None, total_bytes: int | None = None):
        self.enabled = enabled
        self.total_rows, self.total_bytes = total_rows, total_bytes
        self.start = self.last = time.monotonic()
        self.rows = 0

    def update(self, rows: int, bytes_done: int | None = None, *, final: bool = False) -> None:
        self.rows += rows
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and not final):
            return
        self.last = now
        el = max(now - self.start, 1e-9)
        rate = self.rows / el
        frac = None
        if self.total_rows:
            frac = self.rows / self.total_rows
        elif self.total_bytes and bytes_done is not None:
            frac = bytes_done / self.total_bytes
        msg = f"\rjobclass: {self.rows:,} rows | {rate:,.0f} rows/s"
        if frac is not None:
            frac = min(frac, 1.0)
            eta = el * (1 - frac) / frac if frac > 0 else 0
            msg += f" | {frac:6.1%} | ETA {int(eta // 60)}:{int(eta % 60):02d}"
        sys.stderr.write(msg + ("\n" if final else ""))
        sys.stderr.flush()


class _Writer:
    """Appends labeled chunks to one output file in CSV, TSV, JSONL or Parquet (gzip for text formats)."""

    def __init__(self, path: Path | None, fmt: str, *, gzip: bool = False):
        self.path, self.fmt, self.gzip = path, fmt, gzip
        self._fh: Any = None
        self._pq: Any = None
        self._schema: Any = None
        self._csv: Any = None
        self._first = True

    def _open(self) -> Any:
        if self._fh is None:
            if self.path is None:
                self._fh = sys.stdout
            elif self.gzip:
                import gzip

                self._fh = gzip.open(self.path, "wt", encoding="utf-8", newline="")
            else:
                self._fh = open(self.path, "w", encoding="utf-8", newline="")
        return self._fh

    def write_rows(self, rows: list[list[str]]) -> None:
        """Append CSV/TSV records (the first call's first row is the header)."""
        if self._csv is None:
            self._csv = csv.writer(self._open(), delimiter="\t" if self.fmt == "tsv" else ",", lineterminator="\n")
        self._csv.writerows(rows)

    def write(self, df: Any) -> None:
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, preserve_index=False)
            if self._pq is None:
                self._schema = table.schema
                self._pq = pq.ParquetWriter(str(self.path), self._schema)
            else:
                table = table.cast(self._schema)
            self._pq.write_table(table)
            return
        self._open()
        if self.fmt == "jsonl":
            text = df.to_json(orient="records", lines=True, force_ascii=False) if len(df) else ""
            self._fh.write(text if not text or text.endswith("\n") else text + "\n")
        else:
            df.to_csv(self._fh, sep="\t" if self.fmt == "tsv" else ",", header=self._first, index=False, lineterminator="\n")
        self._first = False

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
        elif self._fh is not None and self._fh is not sys.stdout:
            self._fh.close()
        elif self._fh is sys.stdout:
            sys.stdout.flush()


_WORKER_MODEL: CompiledModel | None = None


def _init_worker(model: CompiledModel) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _work(texts: list[str], min_confidence: float | None, skills: bool) -> dict[str, Any]:
    assert _WORKER_MODEL is not None
    return _label_texts(_WORKER_MODEL, texts, min_confidence, skills)


def _work_records(texts: list[str], min_confidence: float | None, skills: bool) -> dict[str, Any]:
    assert _WORKER_MODEL is not None
    return _records_result(_WORKER_MODEL, texts, min_confidence, skills)


def _records_result(m: CompiledModel, texts: list[str], min_confidence: float | None, skills: bool) -> dict[str, Any]:
    cols = _label_texts(m, texts, min_confidence, skills)
    return {"added": _format_added(cols, skills), "status": cols["status"], "label": cols["label"]}


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or (Path(b).exists() and os.path.samefile(a, b))
    except OSError:
        return False


def label_file(
    src: str | Path,
    dst: str | Path,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    model: Any = None,
    min_confidence: float | None = None,
    chunksize: int = 1000,
    jobs: int | None = None,
    skills: bool = False,
    force: bool = False,
    fmt: str | None = None,
    output_format: str | None = None,
    encoding: str = "utf-8",
    on_bad_lines: str = "error",
    progress: bool | None = None,
    log: Any = None,
) -> LabelSummary:
    """Label a CSV/TSV/JSONL/Parquet file (optionally .gz) of any size into ``dst``.

    ``src``/``dst`` may be ``"-"`` for stdin/stdout (CSV). ``jobs`` processes label chunks in
    parallel (default: all cores); output order is input order. ``dst`` is written to a temporary
    file beside it and renamed on success, so a failure or interruption never leaves a partial
    ``dst``. An existing ``dst`` is refused unless ``force``; ``dst`` may never be ``src``.
    ``on_bad_lines="skip"`` skips malformed CSV/TSV records and lists their line numbers in
    ``<dst>.bad_lines.txt``. ``progress`` (default: when stderr is a terminal) shows a progress bar.
    ``log`` is a callable for one-line notes (the CLI passes one that writes to stderr).
    """
    mc = check_min_confidence(min_confidence)
    if not isinstance(chunksize, int) or chunksize < 1:
        raise InputError(f"chunksize must be a positive integer; got {chunksize!r}")
    n_jobs = (os.cpu_count() or 1) if jobs is None else int(jobs)
    if n_jobs < 1:
        raise InputError(f"jobs must be at least 1; got {jobs}")
    src_s, dst_s = str(src), str(dst)
    in_fmt = detect_format(src_s, fmt)
    out_fmt = detect_format(dst_s, output_format) if dst_s != "-" else (output_format or "csv")
    if dst_s == "-" and out_fmt == "parquet":
        raise InputError("Parquet cannot be written to stdout; give an output file name ending in .parquet")
    if src_s != "-" and not Path(src_s).exists():
        raise InputError(f"no such file: {src_s}")
    if dst_s != "-":
        if src_s != "-" and _same_file(src_s, dst_s):
            raise InputError(f"refusing to overwrite the input file {src_s}; choose another output path")
        if Path(dst_s).exists() and not force:
            raise InputError(f"output {dst_s} already exists; pass --force (Python: force=True) to replace it")
        if Path(dst_s).is_dir():
            raise InputError(f"output {dst_s} is a directory; give a file name")
    m = resolve_model(model)
    bad_lines: list[int] = []
    opened: dict[str, Any] = {}
    # CSV/TSV to CSV/TSV (the common case) never builds a DataFrame: records go from csv.reader to
    # the workers and back to csv.writer, which is faster and keeps pandas out of the process tree.
    records = in_fmt in ("csv", "tsv") and out_fmt in ("csv", "tsv")
    read_args = dict(chunksize=chunksize, encoding=encoding, on_bad_lines=on_bad_lines, bad_lines=bad_lines, opened=opened)
    header: list[str] = []
    if records:
        header, chunks = iter_records(src_s, fmt=in_fmt, **read_args)  # type: ignore[arg-type]
    else:
        chunks = iter_chunks(src_s, fmt=in_fmt, **read_args)  # type: ignore[arg-type]
    summary = LabelSummary(input=src_s, output=dst_s, text_column="", jobs=n_jobs)
    total_rows = total_bytes = None
    if in_fmt == "parquet":
        import pyarrow.parquet as pq

        total_rows = pq.ParquetFile(src_s).metadata.num_rows
    elif src_s != "-" and not src_s.lower().endswith(".gz"):
        total_bytes = Path(src_s).stat().st_size
    bar = _Progress(sys.stderr.isatty() if progress is None else progress, total_rows, total_bytes)

    def columns_checked(cols: list[str]) -> None:
        summary.text_column = _check_columns(cols, text_column, title_column)
        if text_column is None and log is not None:
            log(f"jobclass: reading posting text from column {summary.text_column!r} (set --text-column to choose)")

    if records:
        try:
            columns_checked(header)
        except BaseException:
            fh = opened.get("file")
            if fh is not None and src_s != "-":
                fh.close()
            raise
    tmp: Path | None = None
    if dst_s != "-":
        d = Path(dst_s).resolve().parent
        if not d.exists():
            raise InputError(f"output folder {d} does not exist")
        fd, name = tempfile.mkstemp(dir=d, prefix=f".{Path(dst_s).name}.", suffix=".jobclass-tmp")
        os.close(fd)
        tmp = Path(name)
    # The temporary name does not end in .gz, so compression follows the final name.
    writer = _Writer(tmp, out_fmt, gzip=dst_s.lower().endswith(".gz"))
    counts: Counter[str] = Counter()
    start = time.monotonic()
    # forkserver: workers start lean (numpy + the compiled model) instead of inheriting the parent's
    # heap, which keeps the process tree's memory flat and small.
    pool = (
        ProcessPoolExecutor(max_workers=n_jobs, mp_context=multiprocessing.get_context("forkserver"), initializer=_init_worker, initargs=(m,))
        if n_jobs > 1
        else None
    )
    try:
        first = True
        pending: list[tuple[Any, Future | dict[str, Any]]] = []

        def flush(keep: int) -> None:
            while len(pending) > keep:
                chunk, res = pending.pop(0)
                cols = res.result() if isinstance(res, Future) else res
                if records:
                    writer.write_rows([row + added for row, added in zip(chunk, cols["added"])])
                else:
                    writer.write(_attach(chunk, cols, m.classes, skills))
                counts.update(cols["status"])
                counts.update(f"label:{x}" for x in cols["label"] if x is not None)
                summary.rows += len(chunk)
                bar.update(len(chunk), _bytes_read(opened.get("file")))

        if records:
            writer.write_rows([header + output_columns(m.classes, skills=skills)])
            ti = header.index(summary.text_column)
            hi = header.index(title_column) if title_column is not None else None
            work, local = _work_records, _records_result
        else:
            work, local = _work, _label_texts
        for chunk in chunks:
            if records:
                texts = _record_texts(chunk, ti, hi)
            else:
                if first:
                    columns_checked([str(c) for c in chunk.columns])
                texts = _texts(chunk, summary.text_column, title_column)
            first = False
            if pool is not None:
                pending.append((chunk, pool.submit(work, texts, mc, skills)))
                flush(n_jobs)  # at most n_jobs + 1 chunks in flight: bounded memory
            else:
                pending.append((chunk, local(m, texts, mc, skills)))
                flush(0)
        flush(0)
        writer.close()
        if first and not records and tmp is not None:
            raise InputError(f"{src_s} has no rows and no header to copy")
        if tmp is not None:
            os.replace(tmp, dst_s)
            tmp = None
    except BaseException:
        writer.close()
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    bar.update(0, final=True)
    summary.seconds = round(time.monotonic() - start, 3)
    summary.labels = {c: counts[f"label:{c}"] for c in m.classes}
    summary.abstained = counts[STATUS_ABSTAINED]
    summary.empty_text = counts[STATUS_EMPTY]
    summary.truncated = counts[STATUS_TRUNCATED]
    summary.skipped_bad_lines = len(bad_lines)
    if bad_lines:
        report = Path(f"{dst_s}.bad_lines.txt") if dst_s != "-" else Path(f"{src_s}.bad_lines.txt")
        if src_s == "-" and dst_s == "-":
            report = Path("jobclass.bad_lines.txt")
        report.write_text(
            f"# {len(bad_lines)} malformed record(s) skipped while labeling {src_s}; 1-based line numbers (header = line 1)\n"
            + "\n".join(map(str, bad_lines))
            + "\n",
            encoding="utf-8",
        )
        summary.bad_lines_report = str(report)
    return summary


def _bytes_read(fh: Any) -> int | None:
    """Bytes consumed from the input so far (for the progress bar), when the file can tell."""
    try:
        return fh.buffer.tell() if fh is not None and hasattr(fh, "buffer") else None
    except (OSError, ValueError, AttributeError):
        return None


# -- Dask -----------------------------------------------------------------------------------------


def _label_partition(part: Any, model: CompiledModel, text_column: str, title_column: str | None, min_confidence: float | None, skills: bool) -> Any:
    cols = _label_texts(model, _texts(part, text_column, title_column), min_confidence, skills)
    return _attach(part, cols, model.classes, skills)


def label_dask(
    ddf: Any,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    model: Any = None,
    min_confidence: float | None = None,
    skills: bool = False,
) -> Any:
    """Label a Dask DataFrame partition by partition (lazy: call ``.compute()`` or write it out).

    The compiled model enters the task graph once, as a single key, so each worker receives it
    once however many partitions there are. Needs ``pip install 'jobclass[dask]'``.
    """
    try:
        import dask
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError("label_dask needs Dask: pip install 'jobclass[dask]'") from exc
    import pandas as pd

    mc = check_min_confidence(min_confidence)
    tcol = _check_frame(ddf._meta if hasattr(ddf, "_meta") else ddf.head(0), text_column, title_column)
    m = resolve_model(model)
    meta = _attach(ddf._meta, {"label": [], "confidence": np.empty(0), "probs": np.empty((0, len(m.classes))), "status": [], "skills": []}, m.classes, skills)
    if not isinstance(meta, pd.DataFrame):  # pragma: no cover - defensive
        raise TypeError("label_dask expects a Dask DataFrame")
    shipped = dask.delayed(m, pure=True, traverse=False)
    return ddf.map_partitions(_label_partition, shipped, tcol, title_column, mc, skills, meta=meta)
