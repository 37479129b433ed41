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
    if draws.size == 0:
        shape = draws.shape[1:]
        return np.full(shape, np.nan), np.full(shape, np.nan)
    if not np.isnan(draws).any():
        low, high = np.quantile(draws, [alpha, 1 - alpha], axis=0)
        return low, high
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
            low, high = np.nanquantile(draws, [alpha, 1 - alpha], axis=0)
    return low, high
