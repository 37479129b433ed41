"""Seeded coverage simulation: how often each reported 95 % interval holds the true value.

Designs (as in issue 14):

- **area scores**: an area's respondents come from eight sectors at random (the sector mix
  of who answered is itself random), sectors differ in level, people differ in level
  across every scale, answers are whole numbers 1–5. The profile (``build_profile``, as
  shipped) gives each scale and pillar an interval and each sector pair an interval for
  its mutual trust; the true values are the same estimators on 200,000 respondents.
  Beside it, the interval the profile gave before (a stratified percentile bootstrap,
  not expanded) on the same samples.
- **calibration**: participants answer six vignettes each and differ in how cautious they
  are (a random participant effect), so decisions cluster by participant. The interval is
  :func:`analysis.calibration.calibration`'s; beside it, Wilson over decisions as if
  independent.
- **Feldt alpha**: six items of one factor (loadings 0.7), normal answers, 20 % of answers
  missing at random; the pairwise interval with the harmonic mean of the pairwise n, and
  beside it the same interval counting every row with any answer.

Run ``python tests/simulation/coverage.py [--replications 400]`` for the table the README
shows; ``tests/test_coverage.py`` runs a small seeded version."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit
from scipy.stats import f as f_dist

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.bootstrap import percentile_interval, resample_counts, weighted_means  # noqa: E402
from analysis.calibration import calibration, wilson_interval  # noqa: E402
from analysis.readiness import Context, build_profile, context_from_catalogue  # noqa: E402
from analysis.reliability import cronbach_alpha  # noqa: E402
from analysis.scoring import score  # noqa: E402
from analysis.trust import trust_matrix  # noqa: E402
from instruments.catalogue import default_catalogue  # noqa: E402

SIZES = (20, 50, 200)
LEVEL = 0.95


def fast_context(resamples: int = 1000) -> Context:
    ctx = context_from_catalogue(default_catalogue())
    interval = ctx.rules.interval.model_copy(update={"resamples": resamples})
    return dataclasses.replace(ctx, rules=ctx.rules.model_copy(update={"interval": interval}))


# --- area scores ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AreaDesign:
    """Eight sectors drawn at random; fixed sector levels and trust cells (seeded)."""

    sectors: tuple[str, ...]
    sector_shift: tuple[float, ...]
    cells: dict[tuple[str, str], float]
    person_sd: float = 0.5
    noise_sd: float = 0.8
    level: float = 3.6

    @classmethod
    def make(cls, ctx: Context, seed: int = 7) -> AreaDesign:
        rng = np.random.default_rng(seed)
        sectors = tuple(ctx.sectors[:8])
        shift = tuple(float(x) for x in rng.normal(0.0, 0.3, len(sectors)))
        targets = ctx.model.trust.sectors
        cells = {(s, t): float(rng.uniform(2.8, 4.3)) for s in sectors for t in targets}
        return cls(sectors, shift, cells)

    def frame(self, ctx: Context, n: int, rng: np.random.Generator) -> pd.DataFrame:
        codes = rng.integers(0, len(self.sectors), n)
        sector = np.array(self.sectors)[codes]
        centre = self.level + np.array(self.sector_shift)[codes] + rng.normal(0, self.person_sd, n)

        def answers(c: np.ndarray) -> np.ndarray:
            c = c + rng.normal(0.0, self.noise_sd, c.shape)
            whole = np.floor(c)
            return np.clip(whole + (rng.random(c.shape) < c - whole), 1, 5)

        out: dict[str, np.ndarray] = {}
        for spec in ctx.model.scales:
            for item, reverse, keyed in zip(spec.items, spec.reverse, spec.keyed, strict=True):
                if spec.kind == "knowledge":
                    right = rng.random(n) < expit(centre - 2.6)
                    out[item] = np.where(right, float(keyed), float(not keyed))
                    continue
                value = answers(centre)
                out[item] = 6.0 - value if reverse else value
        trust = ctx.model.trust
        for target in trust.sectors:
            cell = np.array([self.cells[(s, target)] for s in sector])
            for facet in trust.facets:
                out[trust.item(target, facet)] = answers(cell + (centre - self.level) / 2)
        frame = pd.DataFrame(out)
        frame.insert(0, "sector", sector)
        frame.insert(0, "response_id", np.arange(1, n + 1))
        return frame


def area_truth(ctx: Context, design: AreaDesign, n: int = 200_000) -> dict[str, pd.Series]:
    """The estimators' values on a very large area: the true scale and pillar means and
    the true mutual trust of each sector pair."""
    frame = design.frame(ctx, n, np.random.default_rng(99))
    scores = score(frame, ctx.model)
    matrix = trust_matrix(scores.trust, frame["sector"], ctx.sectors, min_n=1)
    pairs = matrix.weakest_links().set_index(["a", "b"])["mutual"]
    return {
        "scale": scores.scales.mean(),
        "pillar": scores.pillars.mean(),
        "pair": pairs,
    }


def area_coverage(ctx: Context, n: int, replications: int, seed: int = 1) -> dict[str, float]:
    """Share of (replication × measure) intervals that hold the true value, per family;
    ``*_before`` is the stratified percentile interval the profile gave before."""
    design = AreaDesign.make(ctx)
    truth = area_truth(ctx, design)
    hits: dict[str, list[bool]] = {
        k: [] for k in ("scale", "pillar", "pair", "scale_before", "pillar_before")
    }
    for r in range(replications):
        rng = np.random.default_rng([seed, n, r])
        frame = design.frame(ctx, n, rng)
        p = build_profile(frame, ctx, area=f"S{r}", wave="2026-1")
        for family, table in (("scale", p.scales), ("pillar", p.pillars)):
            t = truth[family].reindex(table.index)
            ok = table["low"].notna()
            hits[family] += list(
                ((table["low"] <= t) & (t <= table["high"]))[ok & t.notna()].to_numpy()
            )
        pairs = p.pairs.set_index(["a", "b"])
        t = truth["pair"].reindex(pairs.index)
        ok = pairs["mutual_low"].notna() & t.notna()
        hits["pair"] += list(((pairs["mutual_low"] <= t) & (t <= pairs["mutual_high"]))[ok])
        # before: a stratified percentile bootstrap of the same scores, not expanded
        scores = score(frame.sort_values("sector", kind="stable"), ctx.model)
        values = np.column_stack([scores.scales.to_numpy(float), scores.pillars.to_numpy(float)])
        counts = resample_counts(
            np.sort(frame["sector"].to_numpy()), 1000, np.random.default_rng([seed, r])
        )
        low, high = percentile_interval(weighted_means(counts, values), LEVEL)
        k = scores.scales.shape[1]
        t_all = np.concatenate(
            [
                truth["scale"].reindex(scores.scales.columns).to_numpy(),
                truth["pillar"].reindex(scores.pillars.columns).to_numpy(),
            ]
        )
        inside = (low <= t_all) & (t_all <= high)
        known = ~np.isnan(t_all) & ~np.isnan(low)
        hits["scale_before"] += list(inside[:k][known[:k]])
        hits["pillar_before"] += list(inside[k:][known[k:]])
    return {k: float(np.mean(v)) if v else float("nan") for k, v in hits.items()}


# --- calibration ----------------------------------------------------------------------------


def calibration_coverage(
    ctx: Context, participants: int, replications: int, seed: int = 2
) -> dict[str, float]:
    """Over-caution and over-sharing intervals with decisions clustered by participant."""
    positions = dict(ctx.positions)
    vignettes = list(positions)[:6]
    lawful = np.array([positions[v] in {"share_required", "share_permitted"} for v in vignettes])
    base = np.where(lawful, -0.9, -2.0)  # logits: over-caution ~0.3, over-sharing ~0.15
    sd = 1.2
    # true rates: the population mean of expit(base + u), u ~ N(0, sd)
    u = np.random.default_rng(0).normal(0, sd, 2_000_000)
    true_caution = float(np.mean(expit(base[lawful][0] + u)))
    true_sharing = float(np.mean(expit(base[~lawful][0] + u)))
    hits: dict[str, list[bool]] = {
        k: [] for k in ("caution", "sharing", "caution_before", "sharing_before")
    }
    for r in range(replications):
        rng = np.random.default_rng([seed, participants, r])
        effect = rng.normal(0, sd, participants)
        p = expit(base[None, :] + effect[:, None])
        acted = rng.random(p.shape) < p  # refused where lawful, shared where not
        decision = np.where(
            lawful[None, :],
            np.where(acted, "dont_share", "share"),
            np.where(acted, "share", "dont_share"),
        )
        d = pd.DataFrame(
            {
                "response_id": np.repeat(np.arange(participants), len(vignettes)),
                "vignette": np.tile(vignettes, participants),
                "decision": decision.ravel(),
                "sector": "x",
            }
        )
        row = calibration(d, positions, level=LEVEL).iloc[0]
        for name, col, truth in (
            ("caution", "over_caution", true_caution),
            ("sharing", "over_sharing", true_sharing),
        ):
            hits[name].append(bool(row[f"{col}_low"] <= truth <= row[f"{col}_high"]))
        lo, hi = wilson_interval(acted[:, lawful].sum(), acted[:, lawful].size, LEVEL)
        hits["caution_before"].append(bool(lo <= true_caution <= hi))
        lo, hi = wilson_interval(acted[:, ~lawful].sum(), acted[:, ~lawful].size, LEVEL)
        hits["sharing_before"].append(bool(lo <= true_sharing <= hi))
    return {k: float(np.mean(v)) for k, v in hits.items()}


# --- Feldt ----------------------------------------------------------------------------------


def feldt_coverage(
    n: int, replications: int, *, k: int = 6, loading: float = 0.7, missing: float = 0.2, seed=3
) -> dict[str, float]:
    """Pairwise Feldt interval with the harmonic-mean n, and counting every row (before)."""
    cov = np.full((k, k), loading**2)
    np.fill_diagonal(cov, 1.0)
    true_alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    chol = np.linalg.cholesky(cov)
    hits: dict[str, list[bool]] = {"alpha": [], "alpha_before": []}
    for r in range(replications):
        rng = np.random.default_rng([seed, n, r])
        x = rng.standard_normal((n, k)) @ chol.T
        x[rng.random(x.shape) < missing] = np.nan
        rel = cronbach_alpha(pd.DataFrame(x), missing="pairwise", ci=LEVEL)
        hits["alpha"].append(rel.ci_low <= true_alpha <= rel.ci_high)
        g = 1 - LEVEL
        low = 1 - (1 - rel.alpha) * f_dist.isf(g / 2, rel.n - 1, (rel.n - 1) * (k - 1))
        high = 1 - (1 - rel.alpha) * f_dist.isf(1 - g / 2, rel.n - 1, (rel.n - 1) * (k - 1))
        hits["alpha_before"].append(low <= true_alpha <= high)
    return {key: float(np.mean(v)) for key, v in hits.items()}


# --- the table ------------------------------------------------------------------------------


def coverage_table(replications: int, sizes=SIZES, resamples: int = 1000) -> pd.DataFrame:
    """One row per interval family and n: coverage now and before."""
    ctx = fast_context(resamples)
    rows = []
    for n in sizes:
        area = area_coverage(ctx, n, replications)
        calib = calibration_coverage(ctx, n, replications)
        feldt = feldt_coverage(n, replications)
        rows += [
            ("area scale means", n, area["scale"], area["scale_before"]),
            ("area pillar means", n, area["pillar"], area["pillar_before"]),
            ("mutual trust of a sector pair", n, area["pair"], float("nan")),
            ("over-caution (participants)", n, calib["caution"], calib["caution_before"]),
            ("over-sharing (participants)", n, calib["sharing"], calib["sharing_before"]),
            ("alpha, pairwise Feldt, 20% missing", n, feldt["alpha"], feldt["alpha_before"]),
        ]
    return pd.DataFrame(rows, columns=["interval", "n", "coverage", "before"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=400)
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args(argv)
    table = coverage_table(args.replications, resamples=args.resamples)
    print(f"Coverage of nominal 95% intervals, {args.replications} seeded replications per n")
    print(table.to_markdown(index=False, floatfmt=".3f"))
    low = table["coverage"].min()
    print(f"lowest coverage: {low:.3f} (target >= 0.93)")
    return 0 if low >= 0.93 else 1


if __name__ == "__main__":
    raise SystemExit(main())
