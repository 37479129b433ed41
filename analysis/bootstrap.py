"""A vectorised, seeded, stratified bootstrap of respondents.

Each resample draws respondents with replacement within their sector, so every sector
keeps its size; a resample is a row of counts (how often each respondent was drawn), and
every weighted mean of every column is then one matrix product."""

from __future__ import annotations

import numpy as np


def resample_counts(strata: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """A (resamples × n) matrix: how often each respondent is drawn in each resample.

    Respondents are drawn with replacement within their stratum (``strata`` holds one
    label per respondent)."""
    n = len(strata)
    counts = np.zeros((resamples, n))
    offsets = np.arange(resamples)[:, None]
    for label in np.unique(strata):
        members = np.flatnonzero(strata == label)
        m = len(members)
        draws = rng.integers(0, m, size=(resamples, m))
        local = np.bincount((draws + offsets * m).ravel(), minlength=resamples * m)
        if members[-1] - members[0] + 1 == m:  # rows grouped by stratum: a cheap slice
            counts[:, members[0] : members[-1] + 1] = local.reshape(resamples, m)
        else:
            counts[:, members] = local.reshape(resamples, m)
    return counts


def weighted_means(counts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per resample and column, the mean of the answered values: (resamples × k).

    Missing values (NaN) are left out; a column with nothing drawn is NaN."""
    answered = ~np.isnan(values)
    total = counts @ np.where(answered, values, 0.0)
    number = counts @ answered.astype(float)
    with np.errstate(all="ignore"):
        return np.where(number > 0, total / number, np.nan)


def percentile_interval(draws: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the first axis, ignoring resamples where a value is NaN."""
    alpha = (1 - level) / 2
    low, high = quantiles(draws, [alpha, 1 - alpha])
    return low, high


def quantiles(draws: np.ndarray, qs: list[float]) -> list[np.ndarray]:
    """Quantiles over the first axis (resamples), all in one pass, ignoring NaN."""
    if draws.size == 0:
        return [np.full(draws.shape[1:], np.nan) for _ in qs]
    if not np.isnan(draws).any():
        return list(np.quantile(draws, qs, axis=0))
    return nan_quantiles(draws, qs)


def nan_quantiles(values: np.ndarray, quantiles: list[float]) -> list[np.ndarray]:
    """Quantiles of each column of a 2-D array, leaving NaN out; NaN for an all-NaN column.

    Gives exactly ``np.nanquantile(values, quantiles, axis=0)`` (the default "linear"
    method: virtual index (n - 1) q over the n answered values, numpy's interpolation), but
    with one partition of the whole array instead of one quantile call per column, which
    is what ``np.nanquantile`` does along an axis and is several times slower."""
    missing = np.isnan(values)
    valid = (~missing).sum(axis=0)
    last = np.maximum(valid - 1, 0)
    plans = []
    for q in quantiles:
        virtual = (valid - 1) * q
        below = np.floor(virtual)
        gamma = virtual - below
        top = virtual >= valid - 1
        bottom = virtual < 0
        lo = np.where(top, last, np.where(bottom, 0, below)).astype(np.intp)
        hi = np.where(top, last, np.where(bottom, 0, below + 1)).astype(np.intp)
        plans.append((lo, hi, gamma))
    kth = np.unique(np.concatenate([np.concatenate([lo, hi]) for lo, hi, _ in plans]))
    # NaN as +inf sorts after every answered value, so position k < n is the k-th answered.
    ordered = np.partition(np.where(missing, np.inf, values), kth, axis=0)
    columns = np.arange(values.shape[1])
    out = []
    for lo, hi, gamma in plans:
        a, b = ordered[lo, columns], ordered[hi, columns]
        with np.errstate(invalid="ignore"):
            diff = b - a
            value = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
        out.append(np.where(valid > 0, value, np.nan))
    return out
