"""Batch labeling: formats, order, empty rows, bad lines, atomic output, processes, Dask."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jobclass
from jobclass import InputError, label_file, label_frame
from jobclass.errors import BadLinesError

from .conftest import DL_POSTING, ML_POSTING, OOS_POSTING, RESEARCH_POSTING

ADDED = ["jobclass_label", "jobclass_confidence", "jobclass_p_dl_engineer", "jobclass_p_dl_researcher", "jobclass_p_ml_engineer", "jobclass_p_out_of_scope", "jobclass_status"]


@pytest.fixture()
def frame() -> pd.DataFrame:
    texts = [ML_POSTING, "", DL_POSTING, None, RESEARCH_POSTING, "  ", OOS_POSTING, "x" * 70_000]
    return pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "Description": texts, "extra": list(range(len(texts)))})


def _read(path: Path) -> pd.DataFrame:
    name = str(path)
    if ".parquet" in name:
        return pd.read_parquet(path)
    if ".jsonl" in name:
        return pd.read_json(path, lines=True, dtype=False)
    return pd.read_csv(path, sep="\t" if ".tsv" in name else ",", dtype={"id": str})


def test_label_frame_adds_columns_and_keeps_rows(frame) -> None:
    out = label_frame(frame)
    assert list(out.columns) == ["id", "Description", "extra", *ADDED]
    assert out["id"].tolist() == frame["id"].tolist() and out.index.equals(frame.index)
    assert out["jobclass_label"].tolist()[:7] == ["ml_engineer", None, "dl_engineer", None, "dl_researcher", None, "out_of_scope"] or \
        out["jobclass_label"].isna().tolist()[:7] == [False, True, False, True, False, True, False]
    assert out["jobclass_status"].tolist() == ["ok", "empty_text", "ok", "empty_text", "ok", "empty_text", "ok", "truncated"]
    probs = out[[c for c in out.columns if c.startswith("jobclass_p_")]].to_numpy()
    ok = out["jobclass_status"] != "empty_text"
    np.testing.assert_allclose(probs[ok.to_numpy()].sum(axis=1), 1.0, atol=1e-5)


def test_label_frame_matches_classify_many(frame) -> None:
    out = label_frame(frame, text_column="Description")
    preds = jobclass.classify_many(frame["Description"])
    assert out["jobclass_label"].fillna("<none>").tolist() == [p.label or "<none>" for p in preds]


def test_label_frame_skills_column(frame) -> None:
    out = label_frame(frame, skills=True)
    assert "pytorch" in out.loc[2, "jobclass_skills"].split("; ")


def test_label_frame_keeps_a_custom_index() -> None:
    df = pd.DataFrame({"text": [ML_POSTING, DL_POSTING]}, index=[10, 3])
    assert label_frame(df).index.tolist() == [10, 3]


def test_label_frame_missing_text_column_lists_columns() -> None:
    with pytest.raises(InputError, match=r"no text column found: looked for description, .*; columns present: 'a', 'b'\. Name the column"):
        label_frame(pd.DataFrame({"a": ["x"], "b": ["y"]}))


def test_label_frame_named_column_missing() -> None:
    with pytest.raises(InputError, match=r"text column 'body' not found; columns present: 'text'\. Pass the column"):
        label_frame(pd.DataFrame({"text": ["x"]}), text_column="body")


def test_label_frame_refuses_to_overwrite_its_own_columns(frame) -> None:
    with pytest.raises(InputError, match="already has jobclass output columns"):
        label_frame(label_frame(frame))


def test_label_frame_rejects_non_frames() -> None:
    with pytest.raises(TypeError, match="label_frame expects a pandas DataFrame; got list"):
        label_frame(["text"])


@pytest.mark.parametrize("name", ["out.csv", "out.tsv", "out.jsonl", "out.parquet", "out.csv.gz", "out.jsonl.gz"])
def test_label_file_every_format(frame, tmp_path, name) -> None:
    src = tmp_path / ("in" + name[3:])
    if ".parquet" in name:
        frame.to_parquet(src)
    elif ".jsonl" in name:
        frame.to_json(src, orient="records", lines=True, compression="gzip" if name.endswith(".gz") else None)
    else:
        frame.to_csv(src, sep="\t" if ".tsv" in name else ",", index=False, compression="gzip" if name.endswith(".gz") else None)
    s = label_file(src, tmp_path / name, jobs=1, chunksize=3)
    out = _read(tmp_path / name)
    assert s.rows == len(frame) == len(out)
    assert out["id"].tolist() == frame["id"].tolist()
    assert out["jobclass_status"].tolist() == ["ok", "empty_text", "ok", "empty_text", "ok", "empty_text", "ok", "truncated"]
    assert s.empty_text == 3 and s.truncated == 1 and sum(s.labels.values()) == 5


def test_label_file_with_processes_keeps_order(corpus, tmp_path) -> None:
    df = corpus[["id", "description"]].head(400)
    df.to_csv(tmp_path / "in.csv", index=False)
    label_file(tmp_path / "in.csv", tmp_path / "one.csv", jobs=1, chunksize=37)
    label_file(tmp_path / "in.csv", tmp_path / "two.csv", jobs=2, chunksize=37)
    a, b = pd.read_csv(tmp_path / "one.csv"), pd.read_csv(tmp_path / "two.csv")
    assert a["id"].tolist() == df["id"].tolist()
    pd.testing.assert_frame_equal(a, b)


def test_label_file_refusals(frame, tmp_path) -> None:
    src = tmp_path / "in.csv"
    frame.to_csv(src, index=False)
    with pytest.raises(InputError, match="refusing to overwrite the input file"):
        label_file(src, src, force=True)
    (tmp_path / "out.csv").write_text("keep me")
    with pytest.raises(InputError, match=r"output .*out\.csv already exists; pass --force \(Python: force=True\) to replace it"):
        label_file(src, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text() == "keep me"
    label_file(src, tmp_path / "out.csv", force=True, jobs=1)
    assert len(pd.read_csv(tmp_path / "out.csv")) == len(frame)
    with pytest.raises(InputError, match="no such file"):
        label_file(tmp_path / "missing.csv", tmp_path / "o.csv")
    with pytest.raises(InputError, match=r"cannot tell the format of .*in\.txt"):
        label_file(tmp_path / "in.txt", tmp_path / "o.csv")


def test_bad_lines_stop_by_default_naming_the_line(tmp_path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('id,text\n1,"Train PyTorch models"\n2,"oops",extra,fields\n3,"Build Spark pipelines"\n')
    with pytest.raises(BadLinesError, match=r"malformed record at line 3 \(expected 2 fields, saw 4\)\. Fix the file, or pass --on-bad-lines skip"):
        label_file(src, tmp_path / "out.csv", jobs=1)
    assert not (tmp_path / "out.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".jobclass-tmp")]


def test_bad_lines_skipped_are_reported(tmp_path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('id,text\n1,"Train PyTorch models"\n2,"oops",extra,fields\n3,"Build Spark pipelines"\n4,a,b\n')
    s = label_file(src, tmp_path / "out.csv", jobs=1, on_bad_lines="skip")
    assert pd.read_csv(tmp_path / "out.csv")["id"].tolist() == [1, 3]
    assert s.skipped_bad_lines == 2
    report = Path(s.bad_lines_report).read_text().splitlines()
    assert report[1:] == ["3", "5"]


def test_quoted_newlines_are_one_record(tmp_path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('id,text\n1,"line one\nline two with PyTorch"\n2,"Data analyst, dashboards"\n')
    label_file(src, tmp_path / "out.csv", jobs=1)
    assert pd.read_csv(tmp_path / "out.csv")["id"].tolist() == [1, 2]


def test_encoding_error_suggests_encoding(tmp_path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes("id,text\n1,Ingénieur en apprentissage profond, PyTorch\n".replace(", PyTorch", " PyTorch").encode("latin-1"))
    with pytest.raises(InputError, match=r"cannot decode the file as utf-8 .*Pass the file's encoding, for example --encoding latin-1"):
        label_file(src, tmp_path / "out.csv", jobs=1)
    s = label_file(src, tmp_path / "out.csv", jobs=1, encoding="latin-1")
    assert s.rows == 1 and "Ingénieur" in pd.read_csv(tmp_path / "out.csv")["text"][0]


def test_header_only_file_gives_header_only_output(tmp_path) -> None:
    (tmp_path / "in.csv").write_text("id,text\n")
    s = label_file(tmp_path / "in.csv", tmp_path / "out.csv", jobs=1)
    assert s.rows == 0
    assert pd.read_csv(tmp_path / "out.csv").columns.tolist()[:2] == ["id", "text"]


def _write_big_csv(path: Path, rows: int) -> None:
    df = pd.DataFrame({"id": range(rows), "text": [ML_POSTING, DL_POSTING, OOS_POSTING, RESEARCH_POSTING] * (rows // 4)})
    df.to_csv(path, index=False)


def test_killed_run_leaves_no_output(tmp_path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_big_csv(src, 40_000)
    proc = subprocess.Popen([sys.executable, "-m", "jobclass", "label", str(src), "-o", str(dst), "--jobs", "1", "--chunksize", "500", "--quiet"])
    deadline = time.time() + 60
    while time.time() < deadline and not [p for p in tmp_path.iterdir() if p.name.endswith(".jobclass-tmp") and p.stat().st_size > 0]:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not dst.exists()


def test_interrupted_run_removes_its_temporary_file(tmp_path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_big_csv(src, 40_000)
    proc = subprocess.Popen([sys.executable, "-m", "jobclass", "label", str(src), "-o", str(dst), "--jobs", "1", "--chunksize", "500", "--quiet"], stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not [p for p in tmp_path.iterdir() if p.name.endswith(".jobclass-tmp") and p.stat().st_size > 0]:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted; no output was written" in err
    assert not dst.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".jobclass-tmp")]


def test_stdin_to_stdout(frame, tmp_path) -> None:
    src = tmp_path / "in.csv"
    frame.head(4).to_csv(src, index=False)
    res = subprocess.run([sys.executable, "-m", "jobclass", "label", "-", "-o", "-", "--quiet", "--jobs", "1"], stdin=src.open("rb"), capture_output=True, text=True, check=True)
    lines = res.stdout.splitlines()
    assert lines[0] == "id,Description,extra," + ",".join(ADDED)
    assert res.stderr == ""
    out = pd.read_csv(__import__("io").StringIO(res.stdout))
    assert out["jobclass_status"].tolist() == ["ok", "empty_text", "ok", "empty_text"]


def test_label_dask_on_a_local_cluster(corpus, tmp_path) -> None:
    dd = pytest.importorskip("dask.dataframe", reason="the test extra installs dask")  # installed by .[test]
    from distributed import Client, LocalCluster

    pdf = corpus[["id", "description"]].head(120).reset_index(drop=True)
    pdf.loc[7, "description"] = None
    ddf = dd.from_pandas(pdf, npartitions=4)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
        out = jobclass.label_dask(ddf, text_column="description").compute()
    expected = label_frame(pdf, text_column="description")
    # Dask may hand back Arrow-backed strings; the values must be the same.
    pd.testing.assert_frame_equal(out.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)
    assert out.loc[7, "jobclass_status"] == "empty_text"


def test_label_frame_hands_dask_frames_to_label_dask(corpus) -> None:
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(corpus[["description"]].head(10), npartitions=2)
    out = label_frame(ddf)
    assert type(out).__module__.startswith("dask")
    assert len(out.compute()) == 10


def test_cli_dask_engine_on_parquet_files(corpus, tmp_path) -> None:
    pytest.importorskip("distributed")
    d = tmp_path / "data"
    d.mkdir()
    for i in range(2):
        corpus[["id", "description"]].iloc[i * 30 : (i + 1) * 30].to_parquet(d / f"part{i}.parquet")
    res = subprocess.run([sys.executable, "-m", "jobclass", "label", str(d / "*.parquet"), "-o", str(tmp_path / "out"), "--engine", "dask", "--jobs", "2"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    out = pd.read_parquet(tmp_path / "out")
    assert len(out) == 60 and set(out["id"]) == set(corpus["id"].iloc[:60])
    assert out["jobclass_label"].notna().all()


def test_gzip_csv_input_is_streamed(tmp_path) -> None:
    with gzip.open(tmp_path / "in.csv.gz", "wt") as fh:
        fh.write("id,description\n1,Train PyTorch detection models\n2,\n")
    s = label_file(tmp_path / "in.csv.gz", tmp_path / "out.csv", jobs=1)
    assert s.rows == 2 and s.empty_text == 1


def test_csv_records_path_matches_the_dataframe_path(corpus, tmp_path) -> None:
    """CSV -> CSV streams records without pandas; CSV -> Parquet goes through DataFrames. Same answers."""
    df = corpus[["id", "title", "description"]].head(120).copy()
    df.loc[5, "description"] = ""
    df.to_csv(tmp_path / "in.csv", index=False)
    label_file(tmp_path / "in.csv", tmp_path / "out.csv", jobs=1, chunksize=50, title_column="title", skills=True)
    label_file(tmp_path / "in.csv", tmp_path / "out.parquet", jobs=1, chunksize=50, title_column="title", skills=True)
    a = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    b = pd.read_parquet(tmp_path / "out.parquet")
    assert a.columns.tolist() == b.columns.tolist()
    for col in ["id", "title", "description", "jobclass_label", "jobclass_status", "jobclass_skills"]:
        assert a[col].tolist() == b[col].fillna("").astype(str).tolist(), col
    for col in [c for c in a.columns if c.startswith("jobclass_p_")] + ["jobclass_confidence"]:
        np.testing.assert_allclose(pd.to_numeric(a[col]).to_numpy(), b[col].to_numpy(dtype=float), atol=1e-6, equal_nan=True)
    assert a.loc[5, "jobclass_status"] == "empty_text" and a.loc[5, "jobclass_confidence"] == ""


def test_csv_fields_are_copied_exactly(tmp_path) -> None:
    raw = 'id,description,note\n007,"Train PyTorch models, ship them","a ""quoted"" note"\n008,,\n'
    (tmp_path / "in.csv").write_text(raw, encoding="utf-8")
    label_file(tmp_path / "in.csv", tmp_path / "out.csv", jobs=1)
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,description,note,jobclass_label,jobclass_confidence,")
    assert lines[1].startswith('007,"Train PyTorch models, ship them","a ""quoted"" note",')
    assert lines[2].startswith("008,,,,,") and lines[2].endswith(",empty_text")


def test_csv_labeling_does_not_import_pandas(tmp_path) -> None:
    """The CSV path keeps pandas and pyarrow out of the process (they were ~70 MB of its memory)."""
    pd.DataFrame({"id": [1], "description": [ML_POSTING]}).to_csv(tmp_path / "in.csv", index=False)
    code = (
        "import sys, jobclass; "
        f"jobclass.label_file({str(tmp_path / 'in.csv')!r}, {str(tmp_path / 'out.csv')!r}, jobs=1); "
        "print(sorted(m for m in ('pandas', 'pyarrow', 'sklearn', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
