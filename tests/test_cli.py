"""The command line: exact output, exit codes, and every command documented."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import jobclass
from jobclass.cli import build_parser, main

from .conftest import DL_POSTING, ML_POSTING

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jobclass", *args], input=stdin, capture_output=True, text=True, timeout=300)


def test_classify_text_exact_output(capsys) -> None:
    assert main(["classify", DL_POSTING]) == 0
    out = capsys.readouterr().out.splitlines()
    p = jobclass.classify(DL_POSTING)
    assert out[0] == f"DL Engineer (dl_engineer)  confidence {p.confidence:.2f}"
    assert out[1].startswith("probabilities: dl_engineer ")
    assert out[2] == "because: " + ", ".join(t for t, _ in p.evidence[:6])
    found = [sk for group in p.skills.values() for sk in group]
    assert out[3] == "skills: " + ", ".join(found[:12]) + (" ..." if len(found) > 12 else "")


def test_classify_json_has_every_field(capsys) -> None:
    assert main(["classify", "--json", ML_POSTING]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d == json.loads(json.dumps(jobclass.classify(ML_POSTING).to_dict()))
    assert set(d) == {"label", "name", "confidence", "probabilities", "skills", "evidence", "status", "truncated"}


def test_classify_stdin_and_file(tmp_path) -> None:
    r = run("classify", "-", stdin=DL_POSTING)
    assert r.returncode == 0 and r.stdout.startswith("DL Engineer (dl_engineer)")
    f = tmp_path / "posting.txt"
    f.write_text(ML_POSTING)
    r = run("classify", "--file", str(f))
    assert r.returncode == 0 and r.stdout.startswith("ML Engineer (ml_engineer)")


def test_classify_empty_text(capsys) -> None:
    assert main(["classify", "   "]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "No answer: empty text  confidence " + f"{jobclass.classify('').confidence:.2f}"


def test_classify_min_confidence_abstains(capsys) -> None:
    assert main(["classify", "--min-confidence", "1", ML_POSTING]) == 0
    assert capsys.readouterr().out.startswith("No answer: abstained")


@pytest.mark.parametrize(
    "args, message",
    [
        (["classify"], "jobclass: error: no posting given: pass TEXT, '-' to read stdin, or --file PATH"),
        (["classify", "x", "--file", "f.txt"], "jobclass: error: give the posting as TEXT, '-' (stdin) or --file PATH, not both"),
        (["classify", "--file", "does-not-exist.txt"], "jobclass: error: no such file: does-not-exist.txt"),
        (["label", "missing.csv", "-o", "out.csv"], "jobclass: error: no such file: missing.csv"),
        (["info", "nothing/here.joblib"], "jobclass: error: no model at nothing/here.joblib: neither here.joblib nor its card here.json exists"),
    ],
)
def test_errors_are_one_line_and_exit_2(args, message, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == message + "\n"


def test_bad_option_values_exit_2() -> None:
    r = run("classify", "--min-confidence", "2", "x")
    assert r.returncode == 2 and "argument --min-confidence: expected a number between 0 and 1, got 2" in r.stderr
    r = run("label", "a.csv", "-o", "b.csv", "--jobs", "0")
    assert r.returncode == 2 and "expected a positive whole number, got 0" in r.stderr


def test_label_reports_column_and_summary(tmp_path) -> None:
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": [1, 2, 3], "Job_Description": [ML_POSTING, "", DL_POSTING]}).to_csv(src, index=False)
    r = run("label", str(src), "-o", str(tmp_path / "out.csv"), "--jobs", "1")
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert lines[0] == "jobclass: reading posting text from column 'Job_Description' (set --text-column to choose)"
    assert re.fullmatch(r"labeled 3 rows in [\d.]+s \([\d,]+ rows/s, 1 process\) -> .*out\.csv", lines[1])
    assert lines[2] == "labels: dl_engineer 1, dl_researcher 0, ml_engineer 1, out_of_scope 0"
    assert lines[3] == "abstained: 0   empty text: 1   truncated: 0"
    assert run("label", str(src), "-o", str(tmp_path / "out.csv"), "--quiet").returncode == 2


def test_label_quiet_prints_nothing(tmp_path) -> None:
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": [ML_POSTING]}).to_csv(src, index=False)
    r = run("label", str(src), "-o", str(tmp_path / "out.csv"), "--quiet")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


def test_train_evaluate_info_round_trip(small_corpus, tmp_path) -> None:
    data = tmp_path / "train.csv"
    small_corpus.to_csv(data, index=False)
    model = tmp_path / "m.joblib"
    r = run("train", str(data), "-o", str(model), "--cv", "2")
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines()[0] == "trained on 160 postings (ml_engineer 40, dl_engineer 40, dl_researcher 40, out_of_scope 40); skipped 0 empty"
    assert re.fullmatch(r"2-fold cross-validation: macro-F1 [\d.]+, accuracy [\d.]+", r.stderr.splitlines()[1])
    r = run("info", str(model))
    assert r.returncode == 0
    assert r.stdout.splitlines()[2] == "labels: dl_engineer, dl_researcher, ml_engineer, out_of_scope"
    assert r.stdout.splitlines()[3] == "trained on: 160 postings (ml_engineer 40, dl_engineer 40, dl_researcher 40, out_of_scope 40)"
    r = run("evaluate", str(model), str(data), "--report", str(tmp_path / "rep"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("postings: 160   accuracy: ")
    assert (tmp_path / "rep" / "report.md").exists() and (tmp_path / "rep" / "confusion_matrix.png").exists()
    r = run("evaluate", str(model), str(data), "--json")
    assert json.loads(r.stdout)["n"] == 160


def test_info_refuses_a_tampered_model(small_model, tmp_path) -> None:
    path = jobclass.save_model(small_model, tmp_path / "m.joblib")
    npz = path.with_suffix(".npz")
    npz.write_bytes(npz.read_bytes()[:-10])
    r = run("info", str(path))
    assert r.returncode == 2 and r.stderr.startswith("jobclass: error: checksum mismatch for ")


def test_regression_gate_exit_codes(small_corpus, tmp_path) -> None:
    data, hold = tmp_path / "train.csv", tmp_path / "hold.csv"
    small_corpus.groupby("label").head(6).to_csv(data, index=False)
    small_corpus.groupby("label").tail(20).to_csv(hold, index=False)
    base = tmp_path / "base.joblib"
    assert run("train", str(tmp_path / "full.csv") if False else str(data), "-o", str(base), "--cv", "0").returncode == 0
    r = run("train", str(data), "-o", str(tmp_path / "new.joblib"), "--cv", "0", "--baseline", str(base), "--holdout", str(hold), "--max-drop", "0")
    assert r.returncode == 0, r.stderr
    assert "regression gate passed: new macro-F1" in r.stderr
    # A model trained on almost nothing against the bundled model: the gate must stop it.
    tiny = tmp_path / "tiny.csv"
    small_corpus.groupby("label").head(5).assign(description=lambda d: d["description"].str[:60]).to_csv(tiny, index=False)
    r = run("train", str(tiny), "-o", str(tmp_path / "worse.joblib"), "--cv", "0", "--baseline", "bundled", "--holdout", str(hold), "--max-drop", "0.02")
    assert r.returncode == 1, r.stderr
    assert "regression gate FAILED" in r.stderr and "not saving" in r.stderr
    assert not (tmp_path / "worse.joblib").exists()


def test_python_dash_m_and_version() -> None:
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"jobclass {jobclass.__version__}"


def test_every_command_has_help_and_a_readme_section() -> None:
    readme = (ROOT / "README.md").read_text()
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(commands) == {"classify", "label", "train", "evaluate", "info"}
    for name, sub in commands.items():
        assert sub.format_help().strip()
        assert f"### `jobclass {name}`" in readme, f"README has no section for jobclass {name}"
        for action in sub._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"README does not mention {name} {opt}"
