"""Readiness benchmark: a synthetic national wave, scored and profiled in memory.

300 areas x 500 respondents (150,000 staff) answer every staff-survey item, including the
trust block for every sector, with realistic gaps; each area has 8-12 sectors. The frame
is built with numpy (not through the database). Targets:

  (a) scoring every respondent (``analysis.scoring.score``)        <= 1 s
  (b) every area profile, 1,000 bootstrap resamples
      (``analysis.profiles.area_profiles``)                          <= 10 s
  (c) peak memory of the process (resident set size)               < 2 GB

    python benchmarks/bench_readiness.py [--areas 300 --per-area 500] [--resamples 1000]

Prints a table and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.profiles import area_profiles  # noqa: E402
from analysis.readiness import Context, context_from_catalogue  # noqa: E402
from analysis.scoring import score  # noqa: E402
from instruments.catalogue import default_catalogue  # noqa: E402

SCORING_TARGET = 1.0  # seconds
PROFILES_TARGET = 10.0  # seconds
MEMORY_TARGET = 2 * 1024**3  # bytes
ROLES = np.array(["frontline", "manager", "senior_leader", "ig_specialist"])
ROLE_WEIGHTS = [0.62, 0.24, 0.08, 0.06]
ITEM_MISSING = 0.03  # share of Likert and knowledge answers left blank
TARGET_SKIPPED = 0.25  # share of trust targets a respondent does not rate at all
FACET_MISSING = 0.05  # share of the remaining trust facets left blank


def national_wave(ctx: Context, areas: int, per_area: int, seed: int = 2026) -> pd.DataFrame:
    """One wave of the staff survey in ``areas`` areas, ``per_area`` respondents each.

    Areas differ in level (N(3.6, 0.35) per pillar); respondents lean around their area;
    answers are whole numbers 1-5 written as the respondent gave them (reverse-keyed items
    reversed back). Knowledge statements are right with a chance around 0.7."""
    rng = np.random.default_rng(seed)
    model = ctx.model
    n = areas * per_area
    area_index = np.repeat(np.arange(areas), per_area)
    codes = np.array(ctx.sectors)

    # 8-12 sectors per area, always including at least three key sectors.
    sector = np.empty(n, dtype=object)
    key = np.array(ctx.key_sectors)
    others = np.array([s for s in ctx.sectors if s not in ctx.key_sectors])
    for a in range(areas):
        k = int(rng.integers(8, 13))
        n_key = min(len(key), max(3, k - len(others)))
        chosen = np.concatenate(
            [
                rng.choice(key, size=n_key, replace=False),
                rng.choice(others, size=k - n_key, replace=False),
            ]
        )
        weights = rng.dirichlet(np.full(k, 4.0))
        sector[a * per_area : (a + 1) * per_area] = rng.choice(chosen, size=per_area, p=weights)

    columns: dict[str, np.ndarray] = {}
    pillars = sorted({s.pillar for s in model.scales})
    area_level = {p: rng.normal(3.6, 0.35, size=areas) for p in pillars}
    person = rng.normal(0.0, 0.45, size=n)

    def likert(centre: np.ndarray) -> np.ndarray:
        return np.clip(np.rint(centre + rng.normal(0.0, 0.8, size=n)), 1, 5)

    for spec in model.scales:
        centre = area_level[spec.pillar][area_index] + person
        for item, reverse, keyed in zip(spec.items, spec.reverse, spec.keyed, strict=True):
            if spec.kind == "knowledge":
                right = rng.random(n) < 0.7
                value = np.where(right, float(bool(keyed)), float(not keyed))
            else:
                value = likert(centre)
                if reverse:
                    value = 6.0 - value
            value[rng.random(n) < ITEM_MISSING] = np.nan
            columns[item] = value

    trust = model.trust
    if trust is not None:
        area_trust = rng.normal(3.7, 0.3, size=(areas, len(codes)))
        for t, target in enumerate(codes):
            skipped = rng.random(n) < TARGET_SKIPPED
            centre = area_trust[area_index, t] + person + np.where(sector == target, 0.4, 0.0)
            for facet in trust.facets:
                value = likert(centre)
                value[skipped | (rng.random(n) < FACET_MISSING)] = np.nan
                columns[trust.item(target, facet)] = value

    frame = pd.DataFrame(columns)
    frame.insert(0, "role_level", rng.choice(ROLES, size=n, p=ROLE_WEIGHTS))
    frame.insert(0, "sector", sector.astype(str))
    frame.insert(0, "wave", "2026-1")
    frame.insert(0, "area", np.char.add("A", np.char.zfill(area_index.astype(str), 3)))
    frame.insert(0, "response_id", np.arange(1, n + 1))
    return frame


def peak_rss_bytes() -> int:
    """The process's peak resident set size (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--areas", type=int, default=300)
    parser.add_argument("--per-area", type=int, default=500)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="scoring runs (best is kept)")
    args = parser.parse_args()

    ctx = context_from_catalogue(default_catalogue())
    interval = ctx.rules.interval.model_copy(update={"resamples": args.resamples})
    ctx = dataclasses.replace(ctx, rules=ctx.rules.model_copy(update={"interval": interval}))

    start = time.perf_counter()
    frame = national_wave(ctx, args.areas, args.per_area)
    build = time.perf_counter() - start
    items = len(ctx.model.items)
    print(
        f"synthetic wave: {len(frame):,} respondents x {items} items in "
        f"{frame['area'].nunique()} areas, built in {build:.1f} s"
    )

    scoring = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        scores = score(frame, ctx.model)
        scoring.append(time.perf_counter() - start)
    scoring_s = min(scoring)

    start = time.perf_counter()
    profiles = area_profiles(ctx, frame)
    profiles_s = time.perf_counter() - start
    peak = peak_rss_bytes()

    verdicts = pd.Series([p.verdict.id for p in profiles]).value_counts()
    rows = [
        (
            f"(a) score {len(frame):,} respondents",
            f"{scoring_s:.2f} s",
            f"<= {SCORING_TARGET:.0f} s",
            scoring_s <= SCORING_TARGET,
        ),
        (
            f"(b) {len(profiles)} profiles, {args.resamples} resamples",
            f"{profiles_s:.2f} s",
            f"<= {PROFILES_TARGET:.0f} s",
            profiles_s <= PROFILES_TARGET,
        ),
        (
            "(c) peak memory (RSS)",
            f"{peak / 1024**2:,.0f} MB",
            f"< {MEMORY_TARGET / 1024**3:.0f} GB",
            peak < MEMORY_TARGET,
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'measured':>10}  {'target':>8}  result")
    for name, value, target, ok in rows:
        print(f"{name:<{width}}  {value:>10}  {target:>8}  {'OK' if ok else 'MISSED'}")
    print(
        f"\nscoring runs: {', '.join(f'{s:.2f}' for s in scoring)} s; "
        f"{scores.scales.shape[1]} scales, {scores.trust.shape[1]} trust targets"
    )
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in verdicts.items()))
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
