"""Print the datasheet's statistics: counts per label, industry, seniority, style, and lengths.

    python datasets/stats.py
"""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
df = pd.read_csv(HERE / "postings.csv", dtype=str, keep_default_na=False).merge(
    pd.read_csv(HERE / "metadata.csv", dtype=str, keep_default_na=False), on="id"
)
df["chars"] = df["description"].str.len()
print(f"postings: {len(df)}")
print("\nper label:\n" + df["label"].value_counts().to_string())
print("\nlength (characters): " + ", ".join(f"{k} {v:,.0f}" for k, v in df["chars"].describe(percentiles=[0.1, 0.5, 0.9])[["min", "10%", "50%", "90%", "max"]].items()))
print("\nmedian length per label:\n" + df.groupby("label")["chars"].median().round().astype(int).to_string())
print("\nper seniority:\n" + df["seniority"].value_counts().to_string())
print("\nper style:\n" + df["style"].value_counts().to_string())
print(f"\nindustries: {df['industry'].nunique()}")
print(df["industry"].value_counts().to_string())
