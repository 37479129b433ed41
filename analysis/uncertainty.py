"""How likely each verdict is: the verdict rules applied to every bootstrap resample.

A verdict near a band edge or a gate's line is not settled: with the same people asked
again, it could come out otherwise. The profile's bootstrap already gives, for each
resample, every scale and pillar mean and every trust cell; applying the verdict rules to
each resample gives the share of resamples that reach each verdict, P(verdict).

Each gate is applied to a resample as it is to the data: a gate on one figure compares the
resample's figure with its line; a gate over many sector pairs goes by the end of each
pair's interval (``certainty.gate_level``), carried to the resample by shifting it with the
pair's estimate. Workshop rates, whose resamples the profile does not hold, keep the
observed decision. Minimum evidence is a fact about who answered, not an estimate: an area
short of it is Insufficient evidence with probability 1."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.verdict import ORDER, GateResult
from instruments.schema import ReadinessRules


def verdict_probability(
    verdict_id: str,
    *,
    rules: ReadinessRules,
    gates: list[GateResult],
    pillars: pd.DataFrame,
    draws: dict[str, np.ndarray],
    pair_draws: dict[str, np.ndarray],
    scale_ids: list[str],
    pillar_ids: list[str],
    pairs: pd.DataFrame,
    key_sectors: list[str],
) -> dict[str, float]:
    """P(verdict) for every verdict id (summing to 1).

    Parameters
    ----------
    verdict_id : the verdict of the data (decides Insufficient evidence).
    gates : the gates as evaluated on the data.
    pillars : the scored pillars (index pillar ids, with ``band``).
    draws : ``draws["scales"]``: resamples × (scales, then pillars) means.
    pair_draws : ``"mutual"`` and ``"asymmetry"``: resamples × pairs, rows as ``pairs``.
    pairs : the weakest-links table (a, b, n_ab, n_ba, mutual, asymmetry and the gate
        bounds ``mutual_bound`` and ``asymmetry_bound``).
    key_sectors : the key sectors (a key-pair gate looks at pairs of them only).
    """
    if verdict_id == "insufficient_evidence":
        return {v: float(v == verdict_id) for v in ORDER}
    means = draws.get("scales")
    if means is None or not len(means):
        return {v: float(v == verdict_id) for v in ORDER}
    resamples = means.shape[0]
    k = len(scale_ids)
    scored = [pillar_ids.index(p) for p in pillars.index]
    level = _pillar_levels(means[:, k:][:, scored], rules)
    shifted = _shifted_pairs(pairs, pair_draws)
    keys = set(key_sectors)
    for result in gates:
        trips = _trips(result, means[:, :k], scale_ids, pairs, shifted, keys)
        if trips is None:
            trips = np.full(resamples, result.tripped)
        cap = ORDER.index(result.gate.cap)
        level = np.where(trips, np.minimum(level, cap), level)
    counts = np.bincount(level, minlength=len(ORDER))
    return {v: float(c / resamples) for v, c in zip(ORDER, counts, strict=True)}


def _pillar_levels(values: np.ndarray, rules: ReadinessRules) -> np.ndarray:
    """For each resample, the index in ``ORDER`` of the verdict its pillar bands give."""
    mins = np.array([b.min for b in rules.bands])
    # band index per pillar (0 = highest band); a missing pillar counts in no band
    band = np.minimum((values[..., None] < mins).sum(axis=-1), len(mins) - 1)
    band = np.where(np.isnan(values), -1, band)
    ids = [b.id for b in rules.bands]
    level = np.full(values.shape[0], ORDER.index("not_yet_ready"))
    decided = np.zeros(values.shape[0], dtype=bool)
    for rule in rules.verdicts:
        ok = np.ones(values.shape[0], dtype=bool)
        for band_id, limit in rule.max_pillars.items():
            ok &= (band == ids.index(band_id)).sum(axis=1) <= limit
        level[ok & ~decided] = ORDER.index(rule.id)
        decided |= ok
    return level


def _shifted_pairs(pairs: pd.DataFrame, pair_draws: dict[str, np.ndarray]) -> dict:
    """Each resample's gate bound of every pair: its draw moved by the distance between the
    pair's estimate and the bound the gate goes by (the interval's width carried over)."""
    if pairs.empty or "mutual" not in pair_draws:
        return {}
    mutual_shift = (pairs["mutual_bound"] - pairs["mutual"]).to_numpy(dtype=float)
    asym_margin = (pairs["asymmetry"].abs() - pairs["asymmetry_bound"]).to_numpy(dtype=float)
    return {
        "mutual": pair_draws["mutual"] + mutual_shift,
        "asymmetry": np.abs(pair_draws["asymmetry"]) - asym_margin,
    }


def _trips(
    result: GateResult,
    scale_means: np.ndarray,
    scale_ids: list[str],
    pairs: pd.DataFrame,
    shifted: dict[str, np.ndarray],
    keys: set[str],
) -> np.ndarray | None:
    """Whether the gate trips in each resample (None where the resamples cannot tell)."""
    gate = result.gate
    line, below = (gate.below, True) if gate.below is not None else (gate.above, False)
    if gate.metric == "scale":
        if gate.scale not in scale_ids:
            return None
        x = scale_means[:, scale_ids.index(gate.scale)]
        return np.where(np.isnan(x), False, x < line if below else x > line)
    if gate.metric == "key_pair_mutual_trust" and shifted:
        eligible = (
            pairs["a"].isin(keys).to_numpy()
            & pairs["b"].isin(keys).to_numpy()
            & (pairs["n_ab"].to_numpy() >= gate.min_n)
            & (pairs["n_ba"].to_numpy() >= gate.min_n)
        )
        return ((shifted["mutual"] < line) & eligible).any(axis=1)
    if gate.metric == "max_asymmetry" and shifted:
        return (shifted["asymmetry"] > line).any(axis=1)
    if gate.metric in {"key_pair_mutual_trust", "max_asymmetry"} and pairs.empty:
        return np.zeros(scale_means.shape[0], dtype=bool)
    return None
