"""National-scale timings for the psychometrics in analysis/.

Run from the repository root:

    python benchmarks/bench_psychometrics.py

(a) Cronbach's alpha, pairwise deletion, on 1,000,000 respondents × 12 Likert items with 5 %
    of answers missing, against pingouin.cronbach_alpha on the same data: ours must be
    faster (and agree).
(b) compare_groups (Welch, Kruskal–Wallis, effect sizes, Games–Howell) on 150,000 rows in
    12 sectors: must take under 1 second.

Prints a table and exits with status 1 if a target is missed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.comparison import compare_groups
from analysis.reliability import cronbach_alpha

SEED = 20240601


def best_time(func: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Fastest wall-clock time of ``repeats`` calls, and the last result."""
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def likert_items(n: int, k: int, missing: float, rng: np.random.Generator) -> pd.DataFrame:
    """Correlated 1–5 answers (one common factor) with answers missing completely at random."""
    latent = rng.standard_normal((n, 1))
    raw = 0.7 * latent + 0.7 * rng.standard_normal((n, k))
    answers = np.clip(np.round(3 + 1.1 * raw), 1, 5)
    answers[rng.random((n, k)) < missing] = np.nan
    return pd.DataFrame(answers, columns=[f"q{i + 1:02d}" for i in range(k)])


def sector_scores(n: int, groups: int, rng: np.random.Generator) -> pd.DataFrame:
    """A 1–5 scale score per respondent in unequal sectors with different means and spreads."""
    share = rng.dirichlet(np.full(groups, 5.0))
    sector = rng.choice(groups, size=n, p=share)
    mean = 3 + 0.1 * np.arange(groups)
    spread = 0.5 + 0.05 * np.arange(groups)
    score = np.clip(mean[sector] + spread[sector] * rng.standard_normal(n), 1, 5)
    names = np.array([f"sector {i + 1:02d}" for i in range(groups)])
    return pd.DataFrame({"score": score, "sector": names[sector]})


def main() -> int:
    import pingouin as pg

    rng = np.random.default_rng(SEED)
    rows = []

    items = likert_items(1_000_000, 12, 0.05, rng)
    ours_s, ours = best_time(lambda: cronbach_alpha(items, missing="pairwise"), repeats=3)
    ping_s, (ping_alpha, _) = best_time(lambda: pg.cronbach_alpha(items), repeats=3)
    agree = abs(ours.alpha - ping_alpha) < 1e-10
    rows.append(
        (
            "cronbach_alpha 1,000,000 x 12, 5% missing",
            ours_s,
            f"< pingouin {ping_s:.3f} s",
            ours_s < ping_s and agree,
            f"alpha {ours.alpha:.6f} (pingouin {ping_alpha:.6f}); {ping_s / ours_s:.1f}x faster",
        )
    )

    scores = sector_scores(150_000, 12, rng)
    compare_groups(scores.iloc[:1000], dv="score", between="sector")  # warm-up (imports)
    cmp_s, result = best_time(
        lambda: compare_groups(scores, dv="score", between="sector"), repeats=3
    )
    rows.append(
        (
            "compare_groups 150,000 rows, 12 groups",
            cmp_s,
            "< 1.000 s",
            cmp_s < 1.0,
            f"Welch F {result.welch.F:.2f}, H {result.kruskal.H:.1f}, "
            f"{len(result.pairwise)} Games-Howell pairs",
        )
    )

    print(f"{'benchmark':<44} {'seconds':>8}  {'target':<22} {'ok':<4} detail")
    for name, seconds, target, ok, detail in rows:
        print(f"{name:<44} {seconds:>8.3f}  {target:<22} {'yes' if ok else 'NO':<4} {detail}")
    return 0 if all(row[3] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
