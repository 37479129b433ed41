"""A vectorised, seeded bootstrap of respondents.

A resample is a row of counts (how often each respondent was drawn), and every weighted
mean of every column is then one matrix product. Respondents are drawn with replacement
within strata: one stratum for an area's scores (who answers from which sector is itself
random), one per sector for the trust cells (a cell is one sector's view of another).

The percentile interval of a bootstrapped mean is too narrow in small samples (it
behaves like a z-interval with the divisor n). :func:`expand` widens each column's
draws about its estimate by Hesterberg's (2015) factor, so that the percentile interval
of the expanded draws is the *expanded percentile interval*, as wide as a t-interval at
the column's n; everything computed from the draws (P(verdict), change between waves,
the gates' bounds) uses the same expanded draws."""

from __future__ import annotations

import numpy as np
from scipy import stats


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


def expansion_factor(n: np.ndarray, level: float) -> np.ndarray:
    """Hesterberg's widening of a bootstrap percentile interval of a mean at sample size n.

    Notes
    -----
    .. math:: c = \\sqrt{n / (n - 1)} \\; t_{1-\\alpha/2,\\,n-1} / z_{1-\\alpha/2}

    with α = 1 − level: the ratio of a t-interval (divisor n − 1, t quantile) to the
    z-interval with divisor n that the percentile bootstrap approximates. 1 where n < 2
    (no interval is given there). In R: ``sqrt(n/(n-1)) * qt(1-a/2, n-1) / qnorm(1-a/2)``.

    References
    ----------
    Hesterberg, T. C. (2015). What teachers should know about the bootstrap: resampling
    in the undergraduate statistics curriculum. The American Statistician, 69(4), 371–386
    (section 3.3, "expanded percentile interval").
    """
    n = np.asarray(n, dtype=float)
    q = 1 - (1 - level) / 2
    with np.errstate(all="ignore"):
        c = np.sqrt(n / (n - 1)) * stats.t.ppf(q, n - 1) / stats.norm.ppf(q)
    return np.where(n >= 2, c, 1.0)


def expand(draws: np.ndarray, estimate: np.ndarray, n: np.ndarray, level: float) -> np.ndarray:
    """Each column's draws moved away from its estimate by :func:`expansion_factor`."""
    return estimate + expansion_factor(n, level) * (draws - estimate)


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
