#!/usr/bin/env python
"""Profile warm ``jobclass.classify`` calls: cProfile over 2,000 calls, top 15 functions by tottime.

The posting is the one the latency benchmark uses (the corpus posting closest to 3,000 characters,
title + blank line + description). The model is loaded and one call made before profiling starts.

    python benchmarks/profile_classify.py [--calls 2000] [--top 15] [--sort tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import load_corpus, pick_posting  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=2000)
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative, ...)")
    a = p.parse_args()

    import jobclass

    _, texts, _ = load_corpus()
    post = pick_posting(texts)
    jobclass.classify(post)  # load the bundled model; warm caches
    t0 = time.perf_counter()
    for _ in range(200):
        jobclass.classify(post)
    per_call = (time.perf_counter() - t0) / 200
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(a.calls):
        jobclass.classify(post)
    prof.disable()
    out = io.StringIO()
    st = pstats.Stats(prof, stream=out)
    st.sort_stats(a.sort).print_stats(a.top)
    print(f"classify() on a {len(post):,}-character posting: {per_call * 1000:.3f} ms per call without the profiler; "
          f"{a.calls} calls profiled, top {a.top} by {a.sort}")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
