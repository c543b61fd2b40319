#!/usr/bin/env python
"""One command that measures jobclass against scikit-learn and fastText on the same data and machine.

    python benchmarks/run.py                      # everything, label sizes 10k, 100k, 1M (long: see README)
    python benchmarks/run.py --sizes 10000,100000 # the "full run" of RESULTS.md
    python benchmarks/run.py --quick              # small sizes, for debugging (writes benchmarks/_work/RESULTS_quick.md)
    python benchmarks/run.py --only label --sizes 1000000   # the 1M labeling run on its own

Compared, all trained on the bundled corpus (``jobclass.load_postings()``, read as title + blank line
+ description):

- jobclass: ``JobClassifier(random_state=0)`` for training; the bundled model (``classify``,
  ``classify_many``, the CLI) for speed, because that is what users run;
- scikit-learn: ``Pipeline([TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=1000)])``;
- fastText: ``fasttext.train_supervised(input=FILE, wordNgrams=2, epoch=25, verbose=0)`` on
  ``__label__X text`` lines (newlines -> spaces, lowercased).

Sections (``--only`` picks some): train, batch, latency, cold, f1, label. Every generated file goes
to ``benchmarks/_work/`` (gitignored); big ones are deleted at the end. Results are printed and written
to ``benchmarks/RESULTS.md`` in a section keyed by the command line, so separate runs (e.g. the 1M
labeling run) sit side by side, each with the command that produced it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import os
import platform
import re
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
PY = sys.executable
SECTIONS = ("train", "batch", "latency", "cold", "f1", "label")
REAL_DEV = Path("/work/shared/data/real_dev.csv")
LABELS = ("ml_engineer", "dl_engineer", "dl_researcher", "out_of_scope")
SEED = 20251121
BIG_FILE = 50 * 1024 * 1024  # generated files at least this big are deleted at the end

# Targets from the issue.
T_LATENCY = 5.0  # classify p50 at least 5x faster than sklearn predict_proba([text])
T_BATCH_FT = 2.0  # classify_many at least 2x fastText
T_BATCH_SK = 3.0  # classify_many at least 3x sklearn
T_COLD = 1.0  # seconds
T_CLI = 2.0  # CLI at least 2x the plain loop
T_RSS_MB = 300.0


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------


def join(title: Any, desc: Any) -> str:
    """The model's input: title + blank line + description (as `jobclass train --title-column` does)."""
    t = title.strip() if isinstance(title, str) else ""
    d = desc if isinstance(desc, str) else ""
    return f"{t}\n\n{d}" if t and d.strip() else d


def load_corpus() -> tuple[Any, list[str], list[str]]:
    import jobclass

    df = jobclass.load_postings()
    texts = [join(t, d) for t, d in zip(df["title"].tolist(), df["description"].tolist())]
    return df, texts, df["label"].tolist()


def repeated(n_corpus: int, n: int, seed: int) -> np.ndarray:
    """Indices of the corpus repeated to ``n`` rows and shuffled with a fixed seed."""
    idx = np.resize(np.arange(n_corpus), n)
    np.random.default_rng(seed).shuffle(idx)
    return idx


def pick_posting(texts: list[str], target: int = 3000) -> str:
    """The corpus posting whose length is closest to ``target`` characters (lowest index on ties)."""
    i = min(range(len(texts)), key=lambda j: (abs(len(texts[j]) - target), j))
    return texts[i]


def ft_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ").lower()


# ---------------------------------------------------------------------------------------------
# models
# ---------------------------------------------------------------------------------------------


def fit_jobclass(texts: list[str], labels: list[str], *, calibrate: bool = True) -> Any:
    import jobclass

    return jobclass.JobClassifier(random_state=0, calibrate=calibrate).fit(texts, labels)


def fit_sklearn(texts: list[str], labels: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2))), ("lr", LogisticRegression(max_iter=1000))]).fit(texts, labels)


def fit_fasttext(texts: list[str], labels: list[str], *, tag: str = "corpus", **extra: Any) -> Any:
    """Writes the training file (timed as part of training: fastText needs it) and trains."""
    import fasttext

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"fasttext_train_{tag}_{os.getpid()}.txt"
    try:
        with open(path, "w", encoding="utf-8") as fh:
            for t, y in zip(texts, labels):
                fh.write(f"__label__{y} {ft_line(t)}\n")
        return fasttext.train_supervised(input=str(path), wordNgrams=2, epoch=25, verbose=0, **extra)
    finally:
        path.unlink(missing_ok=True)


def ft_labels(model: Any, texts: list[str]) -> list[str]:
    labs, _ = model.predict([ft_line(t) for t in texts], k=1)
    return [x[0].removeprefix("__label__") if x else "none" for x in labs]


# ---------------------------------------------------------------------------------------------
# measuring processes
# ---------------------------------------------------------------------------------------------


class TreeSampler:
    """Samples every ``interval`` s the summed RSS (and PSS) of a process and all its children."""

    def __init__(self, pid: int, interval: float = 0.1):
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        ps = self.psutil
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except ps.Error:
                break
            rss = pss = 0
            for p in procs:
                try:
                    rss += p.memory_info().rss
                    pss += p.memory_full_info().pss
                except ps.Error:
                    pass
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, len(procs))
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._t.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._t.join()


class CpuMonitor:
    """CPU used by processes *outside* this benchmark's process tree, sampled every second: on a
    shared machine another job competing for the 2 cores makes every figure here wrong.

    Each second every process on the machine is read; those that are, or ever were, this process
    or one of its descendants are ours, the rest are others. Summing the others' own CPU time (not
    their reaped children's, which are read as processes themselves) avoids the pitfall of counting
    "machine busy minus our tree": a worker reaped by a process outside the tree (e.g. a forkserver
    that outlives its parent and is reaped by init) would otherwise show up as someone else's load.
    Processes that start and end between two samples are missed."""

    def __init__(self, interval: float = 1.0):
        import psutil

        self.ps = psutil
        self.me = psutil.Process()
        self.interval = interval
        self.samples: list[tuple[float, float]] = []  # (time, cumulative CPU s of other processes)
        self._ours: set[tuple[int, float]] = set()
        self._others: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _snap(self) -> tuple[float, float]:
        ps = self.ps
        try:
            for p in [self.me, *self.me.children(recursive=True)]:
                try:
                    key = (p.pid, p.create_time())
                except ps.Error:
                    continue
                self._ours.add(key)
                self._others.pop(key, None)
        except ps.Error:
            pass
        for p in ps.process_iter(["create_time", "cpu_times"]):
            ct, ctimes = p.info.get("create_time"), p.info.get("cpu_times")
            if ct is None or ctimes is None:
                continue
            key = (p.pid, ct)
            if key not in self._ours:
                self._others[key] = ctimes.user + ctimes.system
        return (time.perf_counter(), sum(self._others.values()))

    def _run(self) -> None:
        self.samples.append(self._snap())
        while not self._stop.wait(self.interval):
            self.samples.append(self._snap())

    def start(self) -> CpuMonitor:
        self._t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._t.join()

    def between(self, t0: float, t1: float, window: float = 5.0) -> tuple[float, float]:
        """Mean and max (over ``window``-second spans) cores used by others between t0 and t1.

        Computed from cumulative counters, so it does not depend on when a sample fell."""
        xs = [s for s in self.samples if t0 <= s[0] <= t1]
        if len(xs) < 2:
            return (0.0, 0.0)
        cores = os.cpu_count() or 1

        def load(a: tuple[float, float], b: tuple[float, float]) -> float:
            return min(float(cores), max(0.0, (b[1] - a[1]) / (b[0] - a[0])))

        mean = load(xs[0], xs[-1])
        peak, j = 0.0, 0
        for i in range(len(xs)):
            while j < len(xs) and xs[j][0] - xs[i][0] < window:
                j += 1
            if j < len(xs):
                peak = max(peak, load(xs[i], xs[j]))
        return (mean, max(peak, mean))


def others_busy(seconds: float = 3.0) -> float:
    """Cores used by other processes over the next ``seconds`` (this process is idle meanwhile)."""
    import psutil

    t0, b0 = time.perf_counter(), psutil.cpu_times()
    time.sleep(seconds)
    t1, b1 = time.perf_counter(), psutil.cpu_times()

    def busy(t: Any) -> float:
        return t.user + t.nice + t.system + t.irq + t.softirq + getattr(t, "steal", 0.0)

    return max(0.0, busy(b1) - busy(b0)) / (t1 - t0)


def wait_idle(max_wait: float) -> float:
    """Wait (at most ``max_wait`` s) until other processes use under 0.2 cores; return the last reading."""
    deadline = time.perf_counter() + max_wait
    load = others_busy()
    while load >= 0.2 and time.perf_counter() < deadline:
        log(f"machine busy: other processes use {load:.1f} cores; waiting (up to {deadline - time.perf_counter():.0f} s more)")
        time.sleep(10)
        load = others_busy()
    return load


def run_measured(cmd: list[str], *, timeout: float | None = None, cwd: Path | None = None, sample: bool = True) -> dict[str, Any]:
    """Run ``cmd`` as a fresh process: wall time, exit code, output, peak RSS/PSS of its process tree."""
    WORK.mkdir(parents=True, exist_ok=True)
    out_p, err_p = WORK / f"_out_{os.getpid()}.txt", WORK / f"_err_{os.getpid()}.txt"
    with open(out_p, "wb") as out, open(err_p, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=str(cwd or WORK), start_new_session=True)
        sampler = TreeSampler(proc.pid) if sample else None
        timed_out = False
        if sampler:
            sampler.__enter__()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)  # our own session only
            proc.wait()
        wall = time.perf_counter() - t0
        if sampler:
            sampler.__exit__()
    res = {
        "wall": wall,
        "rc": proc.returncode,
        "timed_out": timed_out,
        "stdout": out_p.read_text(errors="replace"),
        "stderr": err_p.read_text(errors="replace"),
        "peak_rss_mb": sampler.peak_rss / 2**20 if sampler else None,
        "peak_pss_mb": sampler.peak_pss / 2**20 if sampler else None,
        "procs": sampler.peak_procs if sampler else None,
    }
    out_p.unlink(missing_ok=True)
    err_p.unlink(missing_ok=True)
    return res


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    r = fn()
    return time.perf_counter() - t0, r


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------------------------


class Ctx:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.quick = args.quick
        self.df, self.texts, self.labels = load_corpus()
        self.fp_start = fingerprint()
        self.models: dict[str, Any] = {}
        self.r: dict[str, Any] = {"notes": []}

    def note(self, s: str) -> None:
        self.r["notes"].append(s)

    # the corpus models are needed by several sections: fit once if "train" did not
    def model(self, name: str) -> Any:
        if name not in self.models:
            log(f"fitting {name} on the corpus (needed by a later section)")
            fn = {"jobclass": fit_jobclass, "sklearn": fit_sklearn, "fasttext": fit_fasttext}[name]
            self.models[name] = fn(self.texts, self.labels)
        return self.models[name]


def sec_train(ctx: Ctx) -> None:
    a = ctx.args
    reps = 1 if ctx.quick else 3
    n = len(ctx.texts)
    out: dict[str, Any] = {"corpus_rows": n, "reps": reps}
    fits = {
        "jobclass": lambda: fit_jobclass(ctx.texts, ctx.labels),
        "jobclass_nocal": lambda: fit_jobclass(ctx.texts, ctx.labels, calibrate=False),
        "sklearn": lambda: fit_sklearn(ctx.texts, ctx.labels),
        "fasttext": lambda: fit_fasttext(ctx.texts, ctx.labels),
    }
    for name, fn in fits.items():
        times = []
        for _ in range(reps):
            ctx.models.pop(name, None)
            gc.collect()
            t, m = timed(fn)
            times.append(t)
            if name != "jobclass_nocal":
                ctx.models[name] = m
            del m
        out[f"corpus_{name}"] = statistics.median(times)
        log(f"train on corpus ({n} rows) {name}: median {statistics.median(times):.2f} s over {reps} ({', '.join(f'{x:.2f}' for x in times)})")

    big = a.train_rows
    out["big_rows"] = big
    out["timeout"] = a.train_timeout
    for name in ("jobclass_nocal", "sklearn", "fasttext"):
        cmd = [PY, str(Path(__file__).resolve()), "--_train-worker", name, "--_rows", str(big)]
        # fastText has its own, shorter limit: on 100k postings it ran past 180 s on 2 cores, and
        # waiting for it would push the whole run past 10 minutes.
        limit = min(a.train_timeout, a.fasttext_timeout) if name == "fasttext" else a.train_timeout
        log(f"train on {big:,} rows {name} (fresh process, stopped after ~{limit:.0f} s) ...")
        res = run_measured(cmd, timeout=limit + 30)
        rec: dict[str, Any] = {"peak_rss_mb": res["peak_rss_mb"], "timed_out": res["timed_out"], "rc": res["rc"], "limit": limit}
        if res["rc"] == 0 and not res["timed_out"]:
            info = json.loads(res["stdout"].strip().splitlines()[-1])
            rec.update(info)
            if info["fit_seconds"] > limit:
                ctx.note(f"training {name} on {big:,} rows took {info['fit_seconds']:.0f} s")
        elif res["timed_out"]:
            rec["fit_seconds"] = None
            ctx.note(f"training {name} on {big:,} rows did not finish within {limit:.0f} s and was stopped "
                     f"({'--fasttext-timeout' if name == 'fasttext' else '--train-timeout'})")
        else:
            rec["fit_seconds"] = None
            ctx.note(f"training {name} on {big:,} rows failed (exit {res['rc']}): {res['stderr'].strip().splitlines()[-1:] }")
        out[f"big_{name}"] = rec
        log(f"  -> {rec}")
        for left in WORK.glob("fasttext_train_*.txt"):  # a stopped fastText run cannot clean up after itself
            left.unlink(missing_ok=True)
    ctx.r["train"] = out


def train_worker(name: str, rows: int) -> None:
    _, texts, labels = load_corpus()
    idx = repeated(len(texts), rows, SEED + 1)
    X = [texts[i] for i in idx]
    y = [labels[i] for i in idx]
    fn = {
        "jobclass_nocal": lambda: fit_jobclass(X, y, calibrate=False),
        "sklearn": lambda: fit_sklearn(X, y),
        "fasttext": lambda: fit_fasttext(X, y, tag=f"big{rows}"),
    }[name]
    t, _ = timed(fn)
    print(json.dumps({"fit_seconds": t, "rows": rows}), flush=True)


def sec_batch(ctx: Ctx) -> None:
    import jobclass

    n = 2000 if ctx.quick else 20000
    reps = 3
    idx = repeated(len(ctx.texts), n, SEED + 2)
    X = [ctx.texts[i] for i in idx]
    jobclass.classify(X[0])  # loads the bundled model: not part of the timing
    pipe, ft = ctx.model("sklearn"), ctx.model("fasttext")
    pipe.predict_proba(X[:10])
    ft.predict([ft_line(x) for x in X[:10]], k=-1)
    runs: dict[str, list[float]] = {"jobclass": [], "sklearn": [], "fasttext": []}
    for r in range(reps):
        runs["jobclass"].append(n / timed(lambda: jobclass.classify_many(X))[0])
        runs["sklearn"].append(n / timed(lambda: pipe.predict_proba(X))[0])
        runs["fasttext"].append(n / timed(lambda: ft.predict([ft_line(x) for x in X], k=-1))[0])
        log(f"batch run {r + 1}/{reps}: " + ", ".join(f"{k} {v[-1]:,.0f}/s" for k, v in runs.items()))
    ctx.r["batch"] = {"n": n, "reps": reps, **{k: statistics.median(v) for k, v in runs.items()}, "runs": runs}


def sec_latency(ctx: Ctx) -> None:
    import jobclass

    calls = 300 if ctx.quick else 500
    post = pick_posting(ctx.texts)
    line = ft_line(post)
    pipe, ft = ctx.model("sklearn"), ctx.model("fasttext")
    compiled = jobclass.load_compiled()
    fns = {
        "jobclass": lambda: jobclass.classify(post),
        "sklearn": lambda: pipe.predict_proba([post]),
        "fasttext": lambda: ft.predict(line, k=-1),
        "jobclass_compiled": lambda: compiled.predict_proba([post]),
    }
    out: dict[str, Any] = {"calls": calls, "chars": len(post)}
    for name, fn in fns.items():
        for _ in range(20):
            fn()
        ts = np.empty(calls)
        pc = time.perf_counter
        for i in range(calls):
            t0 = pc()
            fn()
            ts[i] = pc() - t0
        ts *= 1000
        out[name] = {"p50": float(np.percentile(ts, 50)), "p99": float(np.percentile(ts, 99)), "mean": float(ts.mean())}
        log(f"latency {name}: p50 {out[name]['p50']:.3f} ms, p99 {out[name]['p99']:.3f} ms")
    ctx.r["latency"] = out


def sec_cold(ctx: Ctx) -> None:
    reps = 3 if ctx.quick else 5
    post = pick_posting(ctx.texts)
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "posting.txt"
    path.write_text(post, encoding="utf-8")
    cmds = {"python -m jobclass classify --file posting.txt": [PY, "-m", "jobclass", "classify", "--file", str(path)]}
    script = Path(PY).parent / "jobclass"
    if script.exists():
        cmds["jobclass classify --file posting.txt (console script)"] = [str(script), "classify", "--file", str(path)]
    cmds["python -c pass (interpreter floor)"] = [PY, "-c", "pass"]
    cmds["python -c 'import numpy' (floor with numpy)"] = [PY, "-c", "import numpy"]
    out: dict[str, Any] = {"reps": reps, "cmds": {}}
    for label, cmd in cmds.items():
        run_measured(cmd, sample=False)  # warm the page cache
        walls = []
        for _ in range(reps):
            res = run_measured(cmd, sample=False)
            if res["rc"] != 0:
                raise RuntimeError(f"{label} failed: {res['stderr']}")
            walls.append(res["wall"])
        out["cmds"][label] = {"median": statistics.median(walls), "runs": walls}
        log(f"cold start {label}: median {statistics.median(walls):.3f} s")
    # where the time goes: one run with -X importtime, the biggest top-level imports
    res = run_measured([PY, "-X", "importtime", "-m", "jobclass", "classify", "--file", str(path)], sample=False)
    tops = []
    for ln in res["stderr"].splitlines():
        m = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S+)", ln)
        if m and len(m.group(3)) <= 1:
            tops.append((int(m.group(2)) / 1000, m.group(4)))
    out["imports_ms"] = sorted(tops, reverse=True)[:8]
    # and the rest: model load + one classify inside a warm interpreter is measured by latency
    prog = (
        "import time; t=time.perf_counter(); import jobclass; t1=time.perf_counter(); "
        "m=jobclass.load_compiled(); t2=time.perf_counter(); "
        f"jobclass.classify(open({str(path)!r}).read(), model=m); t3=time.perf_counter(); "
        "print(t1-t, t2-t1, t3-t2)"
    )
    res = run_measured([PY, "-c", prog], sample=False)
    a, b, c = (float(x) for x in res["stdout"].split())
    out["phases"] = {"import jobclass": a, "load_compiled()": b, "first classify()": c}
    log(f"cold start phases: import {a:.3f} s, load model {b:.3f} s, first classify {c:.3f} s; top imports {out['imports_ms'][:4]}")
    ctx.r["cold"] = out


def sec_f1(ctx: Ctx) -> None:
    if not REAL_DEV.exists():
        ctx.r["f1"] = {"skipped": f"{REAL_DEV} does not exist on this machine (real postings are not part of the project)"}
        log(f"macro-F1: skipped, {REAL_DEV} not found")
        return
    import pandas as pd
    from sklearn.metrics import f1_score

    import jobclass

    dev = pd.read_csv(REAL_DEV, dtype=str, keep_default_na=False)
    X = [join(t, d) for t, d in zip(dev["title"].tolist(), dev["description"].tolist())]
    y = dev["label"].tolist()
    est = ctx.model("jobclass")
    comp = jobclass.compile_model(est)
    preds = {
        "jobclass": [comp.classes[k] for k in comp.predict_proba(X).argmax(axis=1)],
        "jobclass_bundled": [p.label or "none" for p in jobclass.classify_many(X)],
        "sklearn": list(ctx.model("sklearn").predict(X)),
        "fasttext": ft_labels(ctx.model("fasttext"), X),
    }
    # A reference only (not a target): fastText with a learning rate that suits 670 long documents.
    ft_ref = fit_fasttext(ctx.texts, ctx.labels, tag="lr1", lr=1.0)
    preds["fasttext_lr1"] = ft_labels(ft_ref, X)
    del ft_ref
    out: dict[str, Any] = {"rows": len(y)}
    for k, p in preds.items():
        out[k] = float(f1_score(y, p, average="macro", labels=list(LABELS), zero_division=0))
        log(f"macro-F1 {k}: {out[k]:.3f}")
    _, probs = ctx.model("fasttext").predict([ft_line(x) for x in X[:50]], k=1)
    out["fasttext_mean_top_prob"] = float(np.mean([p[0] for p in probs]))
    ctx.r["f1"] = out


def write_postings_csv(path: Path, n: int, ctx: Ctx) -> dict[str, Any]:
    """Stream ``n`` rows (corpus repeated and shuffled, fixed seed) to ``path`` as id,title,description."""
    idx = repeated(len(ctx.texts), n, SEED + 3)
    titles, descs = ctx.df["title"].tolist(), ctx.df["description"].tolist()
    lens = np.array([len(t) for t in ctx.texts])
    tmp = path.with_suffix(".partial")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "title", "description"])
        block = 20000
        for s in range(0, n, block):
            w.writerows([(s + j, titles[i], descs[i]) for j, i in enumerate(idx[s : s + block])])
    os.replace(tmp, path)
    return {"median_chars": float(np.median(lens[idx])), "mb": path.stat().st_size / 2**20}


def sec_label(ctx: Ctx) -> None:
    import joblib

    sizes = ctx.args.size_list
    pipe_path = WORK / "sklearn_pipeline.joblib"
    joblib.dump(ctx.model("sklearn"), pipe_path)
    out: dict[str, Any] = {"sizes": {}}
    for n in sizes:
        src = WORK / f"postings_{n}.csv"
        log(f"label: writing {n:,} postings to {src.name} ...")
        t, info = timed(lambda: write_postings_csv(src, n, ctx))
        log(f"  {info['mb']:,.0f} MB, median {info['median_chars']:.0f} chars, written in {t:.1f} s")
        reps = 1 if (ctx.quick or n > 20000) else 3
        rec: dict[str, Any] = {**info, "reps": reps}
        # cli_jobs1 is a reference (how much the second worker process adds), only up to 10k rows
        for name in ("cli", "plain", "cli_jobs1") if n <= 10_000 else ("cli", "plain"):
            dst = WORK / f"labeled_{name}_{n}.csv"
            if name.startswith("cli"):
                cmd = [PY, "-m", "jobclass", "label", str(src), "-o", str(dst), "--quiet", "--jobs", "1" if name == "cli_jobs1" else "2",
                       "--text-column", "description", "--title-column", "title", "--force"]
            else:
                cmd = [PY, str(HERE / "plain_loop.py"), str(pipe_path), str(src), str(dst)]
            runs = []
            for _ in range(1 if name == "cli_jobs1" else reps):  # the --jobs 1 reference runs once
                res = run_measured(cmd)
                if res["rc"] != 0:
                    raise RuntimeError(f"{name} labeling of {n} rows failed: {res['stderr'][-2000:]}")
                runs.append(res)
                log(f"  {name}: {res['wall']:.1f} s, {n / res['wall']:,.0f} postings/s, peak RSS {res['peak_rss_mb']:.0f} MB "
                    f"(PSS {res['peak_pss_mb']:.0f} MB, {res['procs']} processes)")
            if n <= 20000:
                import pandas as pd

                got = len(pd.read_csv(dst, dtype=str, keep_default_na=False))
                if got != n:
                    raise RuntimeError(f"{name} wrote {got} rows for {n} input rows")
            dst.unlink(missing_ok=True)
            walls = [r["wall"] for r in runs]
            rec[name] = {
                "wall": statistics.median(walls),
                "rate": n / statistics.median(walls),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                "peak_pss_mb": max(r["peak_pss_mb"] for r in runs),
                "procs": max(r["procs"] for r in runs),
            }
        out["sizes"][n] = rec
        if src.stat().st_size >= BIG_FILE and not ctx.args.keep_files:
            src.unlink()
    ctx.r["label"] = out


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------


def f(x: Any, fmt: str = "{:,.2f}") -> str:
    return "—" if x is None else fmt.format(x)


def ratio(a: Any, b: Any) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def machine_info() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    cpu = "unknown"
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        import psutil

        mem = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:
        pass
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": v("numpy"),
        "scikit-learn": v("scikit-learn"),
        "pandas": v("pandas"),
        "scipy": v("scipy"),
        "fasttext": f"fasttext-numpy2-wheel {v('fasttext-numpy2-wheel')}",
        "psutil": v("psutil"),
        "jobclass": v("jobclass"),
    }


def fingerprint() -> dict[str, Any]:
    """What was measured: a hash of the installed jobclass package (code, lexicon, bundled model),
    the corpus, and the bundled model's card, so figures can be tied to a state of the code."""
    import hashlib

    import jobclass
    from jobclass.datasets import postings_path

    pkg = Path(jobclass.__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".json", ".npz", ".joblib"):
            h.update(p.relative_to(pkg).as_posix().encode())
            h.update(p.read_bytes())
    out: dict[str, Any] = {"package": str(pkg), "package_sha256": h.hexdigest()[:12]}
    cp = postings_path()
    out["corpus_sha256"] = hashlib.sha256(cp.read_bytes()).hexdigest()[:12]
    try:
        card = jobclass.read_card(None)
        out["bundled_rows"] = card.get("rows_used")
        out["bundled_created"] = card.get("created")
    except Exception as exc:  # a card problem is itself worth reporting, not a reason to stop
        out["bundled_error"] = str(exc)
    return out


def render(ctx: Ctx, command: str, started: dt.datetime, seconds: float) -> str:
    r = ctx.r
    L: list[str] = []
    mi = machine_info()
    fp0, fp1 = ctx.fp_start, fingerprint()
    L.append(f"Command: `{command}`  ")
    L.append(f"Date: {started.strftime('%Y-%m-%d %H:%M UTC')}, took {seconds / 60:.1f} min  ")
    L.append(f"Machine: {mi['cores']} cores, {mi['cpu']}, {mi['memory']}; {mi['os']}  ")
    L.append(
        f"Software: Python {mi['python']}, numpy {mi['numpy']}, scikit-learn {mi['scikit-learn']}, pandas {mi['pandas']}, "
        f"scipy {mi['scipy']}, {mi['fasttext']}, psutil {mi['psutil']}, jobclass {mi['jobclass']}  "
    )
    L.append(
        f"Measured: jobclass package sha256 {fp0['package_sha256']} (code + lexicon + bundled model), corpus {len(ctx.texts):,} rows "
        f"sha256 {fp0['corpus_sha256']}; bundled model trained on {fp0.get('bundled_rows', '?')} rows ({fp0.get('bundled_created', fp0.get('bundled_error'))})"
    )
    con = r.get("contention") or {}
    if con:
        L.append("Other processes on the machine (CPU outside this benchmark's process tree), mean / max cores per section: "
                 + ", ".join(f"{k} {m:.2f} / {x:.2f}" for k, (m, x) in con.items()) + "  ")
        busy = [k for k, (m, _) in con.items() if m > 0.15]
        if busy:
            L.append("")
            L.append(f"**Warning: the machine was not idle during {', '.join(busy)}** (another job used CPU): those figures are pessimistic; run again on an idle machine.")
    if (fp1["package_sha256"], fp1["corpus_sha256"]) != (fp0["package_sha256"], fp0["corpus_sha256"]):
        L.append("")
        L.append(f"**Warning: the package or corpus changed during this run** (package {fp0['package_sha256']} -> {fp1['package_sha256']}, "
                 f"corpus {fp0['corpus_sha256']} -> {fp1['corpus_sha256']}): figures may mix versions; run again.")
    L.append("")
    tr, ba, la, co, fi = (r.get(k) for k in ("train", "batch", "latency", "cold", "f1"))
    targets: list[tuple[str, str, str]] = []
    if any(x is not None for x in (tr, ba, la, co, fi)):
        L.append("| measure | jobclass | scikit-learn | fastText | jobclass / sklearn | jobclass / fastText |")
        L.append("|---|---:|---:|---:|---:|---:|")
        if tr:
            n = tr["corpus_rows"]
            a, b, c = tr["corpus_jobclass"], tr["corpus_sklearn"], tr["corpus_fasttext"]
            L.append(f"| train on corpus ({n} rows), s, median of {tr['reps']} (lower is better) | {a:.2f} | {b:.2f} | {c:.2f} | {ratio(a, b)} | {ratio(a, c)} |")
            a2 = tr["corpus_jobclass_nocal"]
            L.append(f"| … jobclass with `calibrate=False`, s | {a2:.2f} | {b:.2f} | {c:.2f} | {ratio(a2, b)} | {ratio(a2, c)} |")

            def big(name: str) -> tuple[str, float | None]:
                rec = tr[f"big_{name}"]
                if rec.get("fit_seconds") is None:
                    return (f"> {rec.get('limit', tr['timeout']):.0f} (stopped)" if rec["timed_out"] else "failed"), None
                return f"{rec['fit_seconds']:.1f}", rec["fit_seconds"]

            (sa, va), (sb, vb), (sc, vc) = big("jobclass_nocal"), big("sklearn"), big("fasttext")
            L.append(f"| train on {tr['big_rows']:,} rows (corpus repeated+shuffled), s, 1 run; jobclass `calibrate=False` | {sa} | {sb} | {sc} | {ratio(va, vb)} | {ratio(va, vc)} |")
            pk = [tr[f"big_{k}"]["peak_rss_mb"] for k in ("jobclass_nocal", "sklearn", "fasttext")]
            L.append(f"| … peak RSS of that training process, MB | {f(pk[0], '{:,.0f}')} | {f(pk[1], '{:,.0f}')} | {f(pk[2], '{:,.0f}')} | {ratio(pk[0], pk[1])} | {ratio(pk[0], pk[2])} |")
        if ba:
            a, b, c = ba["jobclass"], ba["sklearn"], ba["fasttext"]
            L.append(f"| batch throughput, {ba['n']:,} postings, postings/s, median of {ba['reps']} (higher is better): `classify_many` / `predict_proba` / `predict(k=-1)` | {a:,.0f} | {b:,.0f} | {c:,.0f} | {ratio(a, b)} | {ratio(a, c)} |")
            targets.append((f"`classify_many` ≥ {T_BATCH_FT:g}× fastText throughput", f"{a / c:.2f}×", verdict(a / c >= T_BATCH_FT)))
            targets.append((f"`classify_many` ≥ {T_BATCH_SK:g}× sklearn `predict_proba` throughput", f"{a / b:.2f}×", verdict(a / b >= T_BATCH_SK)))
        if la:
            for q in ("p50", "p99"):
                a, b, c = la["jobclass"][q], la["sklearn"][q], la["fasttext"][q]
                L.append(f"| single-posting latency warm ({la['chars']:,} chars), {q}, ms, {la['calls']} calls (lower is better) | {a:.3f} | {b:.3f} | {c:.3f} | {ratio(a, b)} | {ratio(a, c)} |")
            a, b = la["jobclass"]["p50"], la["sklearn"]["p50"]
            targets.append((f"`classify` p50 ≥ {T_LATENCY:g}× faster than sklearn `predict_proba([text])`", f"{b / a:.2f}× (jobclass/sklearn = {a / b:.2f})", verdict(b / a >= T_LATENCY)))
        if co:
            k = "python -m jobclass classify --file posting.txt"
            a = co["cmds"][k]["median"]
            L.append(f"| cold start `{k}`, s, median of {co['reps']} | {a:.3f} | — | — | — | — |")
            targets.append((f"cold start ≤ {T_COLD:g} s", f"{a:.3f} s", verdict(a <= T_COLD)))
        if fi:
            if "skipped" in fi:
                L.append(f"| macro-F1 on real_dev.csv | skipped: {fi['skipped']} | | | | |")
                targets.append(("macro-F1 ≥ both", "skipped (no real_dev.csv)", "—"))
            else:
                a, b, c = fi["jobclass"], fi["sklearn"], fi["fasttext"]
                L.append(f"| macro-F1 on real_dev.csv ({fi['rows']} rows), `JobClassifier(random_state=0)` fitted in this run (higher is better) | {a:.3f} | {b:.3f} | {c:.3f} | {ratio(a, b)} | {ratio(a, c)} |")
                a2 = fi["jobclass_bundled"]
                L.append(f"| … jobclass bundled model (`classify_many`) | {a2:.3f} | {b:.3f} | {c:.3f} | {ratio(a2, b)} | {ratio(a2, c)} |")
                targets.append(("macro-F1 ≥ both (model fitted in this run)", f"{a:.3f} vs {b:.3f} / {c:.3f}", verdict(a >= b and a >= c)))
                targets.append(("macro-F1 ≥ both (bundled model)", f"{a2:.3f} vs {b:.3f} / {c:.3f}", verdict(a2 >= b and a2 >= c)))
        L.append("")
    lb = r.get("label")
    if lb:
        L.append("Batch CLI (`python -m jobclass label IN.csv -o OUT.csv --quiet --jobs 2 --text-column description --title-column title`) "
                 "vs the plain loop (`benchmarks/plain_loop.py`: `pd.read_csv(chunksize=2000)` + fitted sklearn TF-IDF + "
                 "`LogisticRegression.predict_proba`, writing CSV, one process). Wall time of the whole process, start-up included; "
                 "peak RSS = max over 0.1 s samples of the summed RSS of the process and its children (PSS, which counts "
                 "pages shared by the forked workers once, in brackets).")
        L.append("")
        L.append("| postings | file MB | median chars | runs | CLI s | CLI postings/s | CLI peak RSS MB (PSS) | plain s | plain postings/s | plain peak RSS MB (PSS) | CLI / plain throughput | CLI ≥ 2× plain | CLI RSS < 300 MB |")
        L.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|")
        for n, rec in lb["sizes"].items():
            c, p = rec["cli"], rec["plain"]
            rt = c["rate"] / p["rate"]
            L.append(
                f"| {int(n):,} | {rec['mb']:,.0f} | {rec['median_chars']:,.0f} | {rec['reps']} | {c['wall']:.1f} | {c['rate']:,.0f} | "
                f"{c['peak_rss_mb']:,.0f} ({c['peak_pss_mb']:,.0f}) | {p['wall']:.1f} | {p['rate']:,.0f} | {p['peak_rss_mb']:,.0f} ({p['peak_pss_mb']:,.0f}) | "
                f"{rt:.2f} | {verdict(rt >= T_CLI)} | {verdict(c['peak_rss_mb'] < T_RSS_MB)} |"
            )
            if "cli_jobs1" in rec:
                j1 = rec["cli_jobs1"]
                ctx.note(f"{int(n):,} postings, CLI with `--jobs 1` (reference): {j1['rate']:,.0f} postings/s, "
                         f"peak RSS {j1['peak_rss_mb']:,.0f} MB (PSS {j1['peak_pss_mb']:,.0f}), {j1['procs']} processes")
            targets.append((f"CLI ≥ {T_CLI:g}× plain loop, {int(n):,} postings", f"{rt:.2f}×", verdict(rt >= T_CLI)))
            targets.append((f"CLI peak RSS < {T_RSS_MB:g} MB, {int(n):,} postings", f"{c['peak_rss_mb']:,.0f} MB", verdict(c["peak_rss_mb"] < T_RSS_MB)))
        L.append("")
    if targets:
        L.append("| target | measured | result |")
        L.append("|---|---|:-:|")
        for t in targets:
            L.append(f"| {t[0]} | {t[1]} | {t[2]} |")
        L.append("")
    # references that explain the figures
    ref: list[str] = []
    if la:
        c = la["jobclass_compiled"]
        ref.append(f"`load_compiled().predict_proba([text])` (no Prediction object): p50 {c['p50']:.3f} ms, p99 {c['p99']:.3f} ms; "
                   "the difference to `classify` is building the Prediction (evidence, skills).")
    if co:
        for k, v in co["cmds"].items():
            if not k.startswith("python -m jobclass"):
                ref.append(f"cold start `{k}`: median {v['median']:.3f} s")
        ph = co["phases"]
        ref.append("cold start phases in one fresh interpreter: " + ", ".join(f"{k} {v:.3f} s" for k, v in ph.items()))
        ref.append("largest top-level imports of `python -m jobclass classify` (-X importtime, cumulative): "
                   + ", ".join(f"{name} {ms:.0f} ms" for ms, name in co["imports_ms"][:6]))
    if fi and "skipped" not in fi:
        ref.append(f"fastText with `lr=1.0` (reference only, same other settings): macro-F1 {fi['fasttext_lr1']:.3f}; "
                   f"with the default lr 0.1 its mean top probability on real_dev is {fi['fasttext_mean_top_prob']:.3f} (near 0.25 = barely trained on {len(ctx.texts):,} rows)")
    if tr:
        ref.append("corpus training times include fastText writing its training file; jobclass (default) fits a 5-fold "
                   "cross-validated temperature, i.e. 6 logistic regressions, which `calibrate=False` skips")
    if ba:
        ref.append("fastText batch timing includes turning each posting into one lowercased line; sklearn and jobclass read the raw text")
    ref.extend(ctx.r["notes"])
    if ref:
        L.append("Notes:")
        L.append("")
        L.extend(f"- {x}" for x in ref)
        L.append("")
    return "\n".join(L)


RESULTS_HEAD = """# Benchmark results

Written by `benchmarks/run.py` (see `benchmarks/README.md`). Each section below was produced by the
command named in it; running the same command again replaces its section, other sections stay.
Profile of one warm `classify` call: `python benchmarks/profile_classify.py`.
"""


def update_results(path: Path, key: str, body: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else RESULTS_HEAD
    start, end = f"<!-- run: {key} -->", f"<!-- /run: {key} -->"
    block = f"{start}\n## `{key}`\n\n{body}\n{end}"
    if start in text and end in text:
        i, j = text.index(start), text.index(end) + len(end)
        text = text[:i] + block + text[j:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes and fewer repeats, for debugging")
    p.add_argument("--sizes", help="label benchmark sizes, comma-separated (default 10000,100000, which keeps the run under 10 minutes; "
                   "add 1000000 for the full sweep; --quick: 2000,10000)")
    p.add_argument("--skip-label", action="store_true", help="skip the batch CLI (label) benchmark")
    p.add_argument("--only", help=f"comma-separated sections to run, from {','.join(SECTIONS)} (default: all)")
    p.add_argument("--train-rows", type=int, default=None, help="rows for the large training run (default 100000; --quick: 5000)")
    p.add_argument("--train-timeout", type=float, default=110.0, help="stop a large training run after this many seconds (default 110)")
    p.add_argument("--fasttext-timeout", type=float, default=60.0, help="stop fastText's large training run after this many seconds (default 60)")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="S",
                   help="before each section wait up to S seconds for other processes to use under 0.2 cores (default 0: do not wait)")
    p.add_argument("--keep-files", action="store_true", help="keep big generated files in benchmarks/_work/")
    p.add_argument("--results", help="Markdown file to write (default benchmarks/RESULTS.md; --quick: benchmarks/_work/RESULTS_quick.md)")
    p.add_argument("--_train-worker", dest="train_worker", help=argparse.SUPPRESS)
    p.add_argument("--_rows", dest="rows", type=int, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    sizes = a.sizes or ("2000,10000" if a.quick else "10000,100000")
    a.size_list = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    if a.train_rows is None:
        a.train_rows = 5000 if a.quick else 100_000
    sel = set(SECTIONS) if not a.only else {s.strip() for s in a.only.split(",") if s.strip()}
    bad = sel - set(SECTIONS)
    if bad:
        p.error(f"unknown section(s) {sorted(bad)}; choose from {', '.join(SECTIONS)}")
    if a.skip_label:
        sel.discard("label")
    a.sections = [s for s in SECTIONS if s in sel]
    return a


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    if a.train_worker:
        train_worker(a.train_worker, a.rows)
        return 0
    try:
        import psutil  # noqa: F401
    except ImportError:
        print("benchmarks/run.py needs psutil: pip install psutil (or pip install -e '.[bench]')", file=sys.stderr)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/run.py" + ("" if not (argv if argv is not None else sys.argv[1:]) else " " + shlex.join(argv if argv is not None else sys.argv[1:]))
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    ctx = Ctx(a)
    log(f"{command}: sections {', '.join(a.sections)}; corpus {len(ctx.texts)} rows")
    mon = CpuMonitor().start()
    ctx.r["contention"] = {}
    for s in a.sections:
        if a.wait_idle > 0:
            wait_idle(a.wait_idle)
        log(f"== {s}")
        s0 = time.perf_counter()
        {"train": sec_train, "batch": sec_batch, "latency": sec_latency, "cold": sec_cold, "f1": sec_f1, "label": sec_label}[s](ctx)
        ctx.r["contention"][s] = mon.between(s0, time.perf_counter())
        log(f"   other processes used {ctx.r['contention'][s][0]:.2f} cores on average during {s} (max {ctx.r['contention'][s][1]:.2f})")
    mon.stop()
    seconds = time.perf_counter() - t0
    body = render(ctx, command, started, seconds)
    print()
    print(body)
    res_path = Path(a.results) if a.results else (WORK / "RESULTS_quick.md" if a.quick else HERE / "RESULTS.md")
    update_results(res_path, command, body)
    (WORK / f"results_{started.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(ctx.r, indent=1, default=str), encoding="utf-8")
    if not a.keep_files:
        for pth in WORK.iterdir():
            if pth.is_file() and pth.stat().st_size >= BIG_FILE:
                pth.unlink()
    log(f"wrote {res_path} ({seconds / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
