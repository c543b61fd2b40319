"""The "plain loop" that `jobclass label` is compared with (benchmarks/run.py, label benchmark).

What a user would write without jobclass: pandas reads the CSV in chunks of 2,000 rows, a fitted
scikit-learn ``Pipeline([TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression()])`` scores each
chunk with ``predict_proba``, and the chunk is appended to the output CSV with the predicted label
and one probability column per class. One process, one core.

    python benchmarks/plain_loop.py PIPELINE.joblib IN.csv OUT.csv
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    import joblib
    import pandas as pd

    pipe_path, src, dst = argv
    pipe = joblib.load(pipe_path)
    classes = list(pipe.classes_)
    first = True
    rows = 0
    with open(dst, "w", encoding="utf-8", newline="") as out:
        for chunk in pd.read_csv(src, chunksize=2000, dtype=str, keep_default_na=False):
            titles = chunk["title"].str.strip()
            texts = [f"{t}\n\n{d}" if t else d for t, d in zip(titles.tolist(), chunk["description"].tolist())]
            p = pipe.predict_proba(texts)
            chunk["label_pred"] = [classes[k] for k in p.argmax(axis=1)]
            chunk["confidence"] = p.max(axis=1).round(6)
            for j, c in enumerate(classes):
                chunk[f"p_{c}"] = p[:, j].round(6)
            chunk.to_csv(out, header=first, index=False, lineterminator="\n")
            first = False
            rows += len(chunk)
    print(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
