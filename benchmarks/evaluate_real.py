"""Train on datasets/ alone and score on real postings: jobclass vs plain scikit-learn vs fastText.

    python benchmarks/evaluate_real.py [--real ../shared/data/real_dev.csv] [--json out.json]

Prints macro-F1, per-class precision/recall/F1 and the confusion matrix for each model over the
four classes. The real postings are never written anywhere; only figures are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.pipeline import make_pipeline

import jobclass

ROOT = Path(__file__).resolve().parent.parent
LABELS = list(jobclass.LABELS)


def texts(df: pd.DataFrame) -> list[str]:
    return (df["title"].fillna("") + "\n\n" + df["description"].fillna("")).tolist()


def report(name: str, y: list[str], pred: list[str], seconds: float) -> dict:
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=LABELS, zero_division=0)
    out = {
        "model": name,
        "macro_f1": round(float(f1_score(y, pred, labels=LABELS, average="macro", zero_division=0)), 4),
        "accuracy": round(float(np.mean(np.asarray(y) == np.asarray(pred))), 4),
        "per_class": {lab: {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3), "f1": round(float(f[i]), 3), "support": int(s[i])} for i, lab in enumerate(LABELS)},
        "confusion": confusion_matrix(y, pred, labels=LABELS).tolist(),
        "train_seconds": round(seconds, 1),
    }
    print(f"\n== {name}: macro-F1 {out['macro_f1']:.3f}  accuracy {out['accuracy']:.3f}  (trained in {seconds:.1f}s)")
    print(f"{'class':<15}{'precision':>10}{'recall':>9}{'f1':>8}{'support':>9}")
    for lab in LABELS:
        m = out["per_class"][lab]
        print(f"{lab:<15}{m['precision']:>10.3f}{m['recall']:>9.3f}{m['f1']:>8.3f}{m['support']:>9}")
    print("confusion (rows true, cols predicted: " + ", ".join(LABELS) + ")")
    for lab, row in zip(LABELS, out["confusion"]):
        print(f"  {lab:<15}" + "".join(f"{v:>6}" for v in row))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", default=str(ROOT.parent / "shared" / "data" / "real_dev.csv"))
    ap.add_argument("--json", help="also write the figures as JSON here")
    a = ap.parse_args()
    if not Path(a.real).exists():
        print(f"{a.real} not found: the real-posting evaluation is skipped (it needs ../shared/data beside the checkout)")
        return 0
    train = jobclass.load_postings()
    real = pd.read_csv(a.real, dtype=str, keep_default_na=False)
    X, y, R, yr = texts(train), train["label"].tolist(), texts(real), real["label"].tolist()
    print(f"train: {len(train)} written postings from datasets/; test: {len(real)} real postings ({a.real})")
    results = []

    t = time.perf_counter()
    model = jobclass.JobClassifier(random_state=0).fit(X, y)
    secs = time.perf_counter() - t
    pred = [p.label for p in jobclass.classify_many(R, model=model)]
    results.append(report("jobclass (TF-IDF + lexicon group shares + calibrated LR)", yr, pred, secs))

    t = time.perf_counter()
    plain = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=1000)).fit(X, y)
    results.append(report("plain scikit-learn TfidfVectorizer(1,2) + LogisticRegression", yr, list(plain.predict(R)), time.perf_counter() - t))

    try:
        import fasttext
    except ImportError:
        print("\nfastText is not installed (pip install fasttext-numpy2-wheel): its column is skipped")
    else:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "train.txt")
            with open(path, "w", encoding="utf-8") as fh:
                for text, lab in zip(X, y):
                    fh.write(f"__label__{lab} " + " ".join(text.lower().split()) + "\n")
            t = time.perf_counter()
            ft = fasttext.train_supervised(input=path, wordNgrams=2, epoch=25, verbose=0, seed=0, thread=1)
            secs = time.perf_counter() - t
        labels, _ = ft.predict([" ".join(r.lower().split()) for r in R], k=1)
        results.append(report("fastText supervised (wordNgrams=2, epoch=25)", yr, [lab[0].replace("__label__", "") for lab in labels], secs))
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
