"""The ``jobclass`` command: argument parsing and printing only; the work is in the library.

Verbs: ``classify``, ``label``, ``train``, ``evaluate``, ``info``. Errors print one line,
``jobclass: error: ...``, and exit with status 2; the regression gate failing exits with 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .errors import JobclassError

EXIT_ERROR = 2
EXIT_GATE_FAILED = 1


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def _model_arg(value: str | None) -> Any:
    if value is None or value == "bundled":
        return None
    from .persist import load_compiled

    return load_compiled(value)


# -- classify -------------------------------------------------------------------------------------


def cmd_classify(a: argparse.Namespace) -> int:
    from .predict import classify

    if a.file is not None and a.text is not None:
        raise JobclassError("give the posting as TEXT, '-' (stdin) or --file PATH, not both")
    if a.file is not None:
        try:
            text = Path(a.file).read_text(encoding=a.encoding)
        except FileNotFoundError:
            raise JobclassError(f"no such file: {a.file}") from None
        except UnicodeDecodeError as exc:
            raise JobclassError(f"{a.file}: cannot decode as {a.encoding} ({exc.reason}); pass --encoding, e.g. --encoding latin-1") from None
    elif a.text == "-":
        text = sys.stdin.read()
    elif a.text is not None:
        text = a.text
    else:
        raise JobclassError("no posting given: pass TEXT, '-' to read stdin, or --file PATH")
    p = classify(text, model=_model_arg(a.model), min_confidence=a.min_confidence)
    if a.json:
        print(json.dumps(p.to_dict(), indent=2, ensure_ascii=False))
        return 0
    probs = "  ".join(f"{k} {v:.2f}" for k, v in sorted(p.probabilities.items(), key=lambda kv: -kv[1]))
    head = f"{p.name} ({p.label})" if p.label else f"{p.name}: {p.status.replace('_', ' ')}"
    print(f"{head}  confidence {p.confidence:.2f}")
    print(f"probabilities: {probs}")
    if p.evidence:
        print("because: " + ", ".join(t for t, _ in p.evidence[:6]))
    if p.skills:
        found = [s for group in p.skills.values() for s in group]
        print("skills: " + ", ".join(found[:12]) + (" ..." if len(found) > 12 else ""))
    if p.truncated:
        print("note: the posting was longer than the model reads; only its beginning was used")
    return 0


# -- label ----------------------------------------------------------------------------------------


def cmd_label(a: argparse.Namespace) -> int:
    if a.engine == "dask":
        return _label_with_dask(a)
    from .batch import label_file

    summary = label_file(
        a.input,
        a.output,
        text_column=a.text_column,
        title_column=a.title_column,
        model=_model_arg(a.model),
        min_confidence=a.min_confidence,
        chunksize=a.chunksize,
        jobs=a.jobs,
        skills=a.skills,
        force=a.force,
        fmt=a.format,
        output_format=a.output_format,
        encoding=a.encoding,
        on_bad_lines=a.on_bad_lines,
        progress=False if a.quiet else None,
        log=None if a.quiet else _err,
    )
    if not a.quiet:
        _err(summary.to_text())
    return 0


def _label_with_dask(a: argparse.Namespace) -> int:
    import time

    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster
    except ImportError:
        raise JobclassError("--engine dask needs Dask: pip install 'jobclass[dask]'") from None
    from .batch import label_dask
    from .readers import detect_format

    fmt = detect_format(a.input, a.format)
    out = Path(a.output)
    if out.exists() and any(out.iterdir()) and not a.force:
        raise JobclassError(f"output folder {out} exists and is not empty; pass --force to write into it")
    start = time.monotonic()
    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.jobs or None, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        if fmt == "parquet":
            ddf = dd.read_parquet(a.input)
        elif fmt == "jsonl":
            ddf = dd.read_json(a.input, lines=True, blocksize=None)
        else:
            ddf = dd.read_csv(a.input, sep="\t" if fmt == "tsv" else ",", dtype=str, keep_default_na=False, na_values=[""], blocksize="32MB", encoding=a.encoding)
        labeled = label_dask(ddf, text_column=a.text_column, title_column=a.title_column, model=_model_arg(a.model), min_confidence=a.min_confidence, skills=a.skills)
        out.mkdir(parents=True, exist_ok=True)
        out_fmt = a.output_format or ("parquet" if fmt == "parquet" else "csv")
        if out_fmt == "parquet":
            labeled.to_parquet(str(out), write_index=False)
        else:
            labeled.to_csv(str(out / "part-*.csv"), index=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    if not a.quiet:
        _err(f"labeled {a.input} with Dask into {out}/ in {time.monotonic() - start:.1f}s")
    return 0


# -- train / evaluate / info ----------------------------------------------------------------------


def cmd_train(a: argparse.Namespace) -> int:
    from .persist import save_model
    from .training import check_regression, load_labeled, train

    # Read and validate the data once: training uses it, and so does the gate's overlap check.
    data = load_labeled(a.data, text_column=a.text_column, label_column=a.label_column, title_column=a.title_column, labels_from_titles=a.labels_from_titles)
    model = train(data, title_column=a.title_column, include_bundled=a.include_bundled, cv=a.cv, seed=a.seed)
    rep = model.training_report_
    per = ", ".join(f"{k} {v}" for k, v in rep["rows_per_class"].items())
    _err(f"trained on {rep['rows_used']} postings ({per}); skipped {rep['rows_skipped_empty']} empty"
         + (f", {rep['rows_skipped_unclear_title']} with unclear titles" if a.labels_from_titles else ""))
    if "cv_metrics" in rep:
        cvm = rep["cv_metrics"]
        _err(f"{cvm['folds']}-fold cross-validation: macro-F1 {cvm['macro_f1']:.3f}, accuracy {cvm['accuracy']:.3f}")
    if a.holdout is not None:
        if a.baseline is None:
            raise JobclassError("--holdout needs --baseline MODEL (or --baseline bundled) to compare against")
        baseline = "bundled" if a.baseline == "bundled" else a.baseline
        gate = check_regression(model, baseline, a.holdout, max_drop=a.max_drop, text_column=a.text_column, label_column=a.label_column, title_column=a.title_column, training_texts=data.texts)
        if gate.overlap:
            _err(f"warning: {gate.overlap} holdout posting(s) also appear in the training data")
        _err(gate.message)
        if not gate.passed:
            _err(f"not saving {a.output}: the new model is worse than the baseline by more than --max-drop")
            return EXIT_GATE_FAILED
        rep["regression_gate"] = {"baseline": str(a.baseline), "holdout": str(a.holdout), "new_macro_f1": gate.new_macro_f1, "baseline_macro_f1": gate.baseline_macro_f1, "max_drop": gate.max_drop}
    path = save_model(model, a.output, metadata=rep)
    _err(f"saved {path} (+ {path.with_suffix('.npz').name}, card {path.with_suffix('.json').name})")
    if a.report is not None and "cv_metrics" in rep:
        Path(a.report).mkdir(parents=True, exist_ok=True)
        (Path(a.report) / "training.json").write_text(json.dumps(rep, indent=2) + "\n", encoding="utf-8")
    return 0


def cmd_evaluate(a: argparse.Namespace) -> int:
    from .training import evaluate

    model = "bundled" if a.model == "bundled" else a.model
    rep = evaluate(model, a.data, text_column=a.text_column, label_column=a.label_column, title_column=a.title_column)
    if a.json:
        print(rep.to_json())
    else:
        print(rep.to_text())
    if a.report is not None:
        try:
            written = rep.write(a.report, plots=True)
        except ImportError:
            written = rep.write(a.report, plots=False)
            _err("note: matplotlib is not installed, so no plots were written (pip install 'jobclass[plots]')")
        _err("wrote " + ", ".join(str(p) for p in written))
    return 0


def cmd_info(a: argparse.Namespace) -> int:
    from .persist import load_compiled, read_card

    card = read_card(None if a.model in (None, "bundled") else a.model)
    load_compiled(None if a.model in (None, "bundled") else a.model)  # verifies the checksum too
    if a.json:
        print(json.dumps(card, indent=2))
        return 0
    cv = card.get("cv_metrics", {})
    lines = [
        f"model: {a.model or 'bundled'}",
        f"created: {card.get('created')}  jobclass {card.get('jobclass_version')}  scikit-learn {card.get('sklearn_version')}  numpy {card.get('numpy_version')}",
        f"labels: {', '.join(card.get('labels', []))}",
        f"trained on: {card.get('rows_used', '?')} postings ({', '.join(f'{k} {v}' for k, v in card.get('rows_per_class', {}).items())})",
        f"training data sha256: {card.get('training_data_sha256', '?')}",
        f"lexicon: {card.get('lexicon_skills', '?')} skills, sha256 {str(card.get('lexicon_sha256', '?'))[:16]}",
    ]
    if cv:
        lines.append(f"cross-validated ({cv.get('folds')} folds): macro-F1 {cv.get('macro_f1')}, accuracy {cv.get('accuracy')}")
    print("\n".join(lines))
    return 0


# -- parser ---------------------------------------------------------------------------------------


def _add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="PATH", default=None, help="a model saved by `jobclass train` (default: the bundled model)")


def _add_columns(p: argparse.ArgumentParser, *, label: bool) -> None:
    p.add_argument("--text-column", metavar="COL", help="column with the posting text (default: auto-detect description/text/body...)")
    p.add_argument("--title-column", metavar="COL", help="column with the job title; the model then reads title + text")
    if label:
        p.add_argument("--label-column", metavar="COL", default="label", help="column with the label (default: label)")


def _confidence(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value!r}") from None
    if not 0 <= x <= 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value}")
    return x


def _positive(value: str) -> int:
    try:
        x = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}") from None
    if x < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value}")
    return x


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobclass", description="Sort job postings into ML Engineer, DL Engineer, DL Researcher, or out of scope.")
    parser.add_argument("--version", action="version", version=f"jobclass {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("classify", help="classify one posting", description="Classify one posting given as TEXT, '-' (stdin) or --file.")
    p.add_argument("text", nargs="?", metavar="TEXT", help="the posting text, or '-' to read it from stdin")
    p.add_argument("--file", metavar="PATH", help="read the posting from a text file")
    p.add_argument("--encoding", default="utf-8", help="encoding of --file (default: utf-8)")
    p.add_argument("--json", action="store_true", help="print every field of the prediction as JSON")
    p.add_argument("--min-confidence", type=_confidence, metavar="X", help="abstain when the top probability is below X")
    _add_model(p)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("label", help="label a CSV/TSV/JSONL/Parquet file of postings", description="Label every row of a file; output keeps all input columns and adds jobclass_* columns.")
    p.add_argument("input", metavar="INPUT", help="input file (.csv .tsv .jsonl .parquet, optionally .gz), '-' for stdin (CSV), or a glob with --engine dask")
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="output file ('-' for stdout, CSV), or a folder with --engine dask")
    _add_columns(p, label=False)
    _add_model(p)
    p.add_argument("--min-confidence", type=_confidence, metavar="X", help="abstain (empty label, status 'abstained') below X")
    p.add_argument("--chunksize", type=_positive, default=1000, metavar="N", help="rows per chunk (default: 1000)")
    p.add_argument("--jobs", type=_positive, default=None, metavar="N", help="processes (default: all cores)")
    p.add_argument("--skills", action="store_true", help="add a jobclass_skills column with the matched skills")
    p.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    p.add_argument("--format", choices=["csv", "tsv", "jsonl", "parquet"], help="input format (default: from the extension)")
    p.add_argument("--output-format", choices=["csv", "tsv", "jsonl", "parquet"], help="output format (default: from the extension)")
    p.add_argument("--encoding", default="utf-8", help="input text encoding (default: utf-8)")
    p.add_argument("--on-bad-lines", choices=["error", "skip"], default="error", help="malformed CSV lines: stop (default) or skip and report them")
    p.add_argument("--engine", choices=["local", "dask"], default="local", help="local processes (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: an existing scheduler (default: a local cluster)")
    p.set_defaults(func=cmd_label)

    p = sub.add_parser("train", help="train a model on labeled postings", description="Train and save a model (writes MODEL.joblib, MODEL.npz and the card MODEL.json).")
    p.add_argument("data", nargs="+", metavar="DATA", help="CSV, TSV, Parquet or JSONL files with text and label columns")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="where to save the model (e.g. models/mine.joblib)")
    _add_columns(p, label=True)
    p.add_argument("--labels-from-titles", action="store_true", help="derive labels from the title column; unclear titles are left out")
    p.add_argument("--include-bundled", action="store_true", help="train on the bundled corpus plus DATA")
    p.add_argument("--cv", type=int, default=5, metavar="K", help="folds for the cross-validated metrics in the card (0: skip; default 5)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--report", metavar="DIR", help="write the training report (JSON) into DIR")
    p.add_argument("--baseline", metavar="MODEL", help="regression gate: a saved model, or 'bundled'")
    p.add_argument("--holdout", metavar="DATA", help="regression gate: labeled postings to compare the models on")
    p.add_argument("--max-drop", type=float, default=0.02, metavar="X", help="regression gate: largest allowed macro-F1 drop (default 0.02)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="evaluate a model on labeled postings", description="Accuracy, macro-F1, per-class figures, confusion matrix, calibration and coverage.")
    p.add_argument("model", metavar="MODEL", help="a saved model, or 'bundled'")
    p.add_argument("data", nargs="+", metavar="DATA", help="labeled CSV, TSV, Parquet or JSONL files")
    _add_columns(p, label=True)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--report", metavar="DIR", help="write report.json, report.md and PNG plots into DIR")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("info", help="print a model's card", description="Print a model card (checks the card and checksums; runs no model code).")
    p.add_argument("model", nargs="?", metavar="MODEL", help="a saved model (default: the bundled model)")
    p.add_argument("--json", action="store_true", help="print the whole card as JSON")
    p.set_defaults(func=cmd_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    a = parser.parse_args(argv)
    if not getattr(a, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return int(a.func(a))
    except (JobclassError, TypeError, ValueError, FileNotFoundError) as exc:
        _err(f"jobclass: error: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _err("jobclass: interrupted; no output was written")
        return 130
    except BrokenPipeError:  # e.g. `jobclass label in.csv -o - | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
