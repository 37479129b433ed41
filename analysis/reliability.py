"""Internal consistency of a scale: Cronbach's alpha, McDonald's omega, item analysis.

Items passed here are already reverse-keyed. Results agree with R's ``psych::alpha`` and
``psych::fa`` (see each function's Examples).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import f as f_dist

from analysis.errors import (
    InvalidArgumentError,
    ReverseKeyingWarning,
    TooFewObservationsError,
    UndefinedStatisticError,
    numeric_items,
    require_variation,
)
from analysis.factors import one_factor_loadings

__all__ = [
    "Reliability",
    "cronbach_alpha",
    "feldt_interval",
    "item_analysis",
    "mcdonald_omega",
    "pairwise_harmonic_n",
]

Missing = Literal["pairwise", "listwise"]


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha with its confidence interval.

    Attributes
    ----------
    alpha : float
    ci_low, ci_high : float
        Feldt confidence interval at the requested level.
    n : int
        Rows used (see :func:`cronbach_alpha`).
    k : int
        Number of items.
    n_interval : float
        The n the Feldt interval is computed with: ``n`` for listwise; for pairwise, the
        harmonic mean over item pairs of the rows answering both.
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    n_interval: float = float("nan")


def _usable_rows(x: np.ndarray, missing: str) -> np.ndarray:
    if missing not in ("pairwise", "listwise"):
        raise InvalidArgumentError(f"missing must be 'pairwise' or 'listwise', got {missing!r}.")
    nan = np.isnan(x)
    keep = ~nan.any(axis=1) if missing == "listwise" else ~nan.all(axis=1)
    return x if keep.all() else x[keep]


def _covariance(x: np.ndarray, labels: list) -> np.ndarray:
    """Pairwise-complete covariance matrix (R: ``cov(x, use = "pairwise")``).

    With X₀ the items × rows matrix of centred answers (NaN→0) and M its 0/1 answered mask,
    the pair counts are MM', the sums of item i over rows where j is answered are X₀M', and
    the cross-products X₀X₀': three matrix products replace a loop over item pairs.
    """
    xt = np.ascontiguousarray(x.T)  # items × rows; a view for a DataFrame's float block
    mask = ~np.isnan(xt)
    sparse = [str(lab) for lab, c in zip(labels, mask.sum(axis=1), strict=True) if c < 2]
    if sparse:
        raise TooFewObservationsError(
            f"These items have fewer than 2 answers: {', '.join(sparse)}. Drop them from the "
            "scale or collect more responses."
        )
    if mask.all():
        cov = np.cov(xt, ddof=1)
    else:
        m = mask.astype(np.float64)
        x0 = np.where(mask, xt, 0.0)
        x0 -= (x0.sum(axis=1) / m.sum(axis=1))[:, None]
        x0 *= m
        counts = m @ m.T
        sums = x0 @ m.T
        with np.errstate(divide="ignore", invalid="ignore"):
            cov = (x0 @ x0.T - sums * sums.T / counts) / (counts - 1)
        cov[counts < 2] = np.nan
    require_variation(np.nan_to_num(np.diag(cov)), labels)
    if np.isnan(cov).any():
        i, j = np.argwhere(np.isnan(cov))[0]
        raise TooFewObservationsError(
            f"Items {labels[i]!s} and {labels[j]!s} are answered together in fewer than 2 rows, "
            "so their covariance is unknown. Drop one of them or use more responses."
        )
    return cov


def _alpha_from_cov(cov: np.ndarray) -> float:
    k = cov.shape[0]
    total = cov.sum()
    if not total > 0:
        raise UndefinedStatisticError(
            "The variance of the total score is not positive (the items are negatively "
            "related). Check that reverse-keyed items have been reversed."
        )
    return k / (k - 1) * (1.0 - np.trace(cov) / total)


def cronbach_alpha(
    items: pd.DataFrame, *, missing: Missing = "pairwise", ci: float = 0.95
) -> Reliability:
    """Cronbach's coefficient alpha with a Feldt confidence interval.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item (already reverse-keyed), one row per respondent;
        NaN = missing answer.
    missing : {"pairwise", "listwise"}
        ``"pairwise"`` (psych's default) builds each covariance from the rows answering both
        items; ``"listwise"`` keeps only rows answering every item.
    ci : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    Reliability
        ``n`` is the number of complete rows (listwise) or of rows answering at least one item
        (pairwise). Rows with no answer at all carry no information and are not counted;
        ``pingouin.cronbach_alpha`` counts every row, so its interval differs from this one
        only when some rows are entirely empty.

    Raises
    ------
    TooFewItemsError, NonNumericError, ConstantItemError, TooFewObservationsError,
    UndefinedStatisticError, InvalidArgumentError

    Notes
    -----
    With C the k × k item covariance matrix,

    .. math::
        \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\operatorname{tr} C}{\\sum_{ij} C_{ij}}\\right)

    The interval is Feldt's: with :math:`F_q` the upper-q quantile of an F distribution with
    n − 1 and (n − 1)(k − 1) degrees of freedom and γ = 1 − ci,
    :math:`[1 - (1-\\alpha) F_{\\gamma/2},\\; 1 - (1-\\alpha) F_{1-\\gamma/2}]`
    (as ``pingouin.cronbach_alpha``, without its rounding). For listwise data n is the
    number of complete rows. For pairwise data the covariances rest on fewer rows than
    answer any item, so n is the harmonic mean, over the k(k − 1)/2 item pairs, of the rows
    answering both items (``n_interval``): counting every row with any answer (as
    ``psych::alpha``'s ``$feldt`` and pingouin do) makes the interval too narrow, covering
    0.86–0.92 of the time with 20 % of answers missing (``benchmarks/sim_coverage.py``).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16, 297–334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. Applied Psychological Measurement, 11, 93–103.

    Examples
    --------
    In R: ``psych::alpha(x)$total$raw_alpha`` (``use = "pairwise"``) or
    ``psych::alpha(x, use = "complete.obs")`` for listwise.

    >>> cronbach_alpha(items).alpha  # doctest: +SKIP
    """
    x = numeric_items(items)
    if not 0.0 < ci < 1.0:
        raise InvalidArgumentError(f"ci must lie strictly between 0 and 1, got {ci}.")
    x = _usable_rows(x, missing)
    n, k = x.shape
    if n < 2:
        raise TooFewObservationsError(
            f"Cronbach's alpha needs at least 2 usable rows, got {n}"
            + (" complete rows; try missing='pairwise'." if missing == "listwise" else ".")
        )
    alpha = _alpha_from_cov(_covariance(x, list(items.columns)))
    n_interval = float(n) if missing == "listwise" else pairwise_harmonic_n(x)
    if alpha < 0:
        warnings.warn(
            f"Cronbach's alpha is negative ({alpha:.2f}): the items are negatively related on "
            "average, so it is not a reliability. Check that reverse-keyed items have been "
            "reversed.",
            ReverseKeyingWarning,
            stacklevel=2,
        )
    low, high = feldt_interval(alpha, n_interval, k, ci)
    return Reliability(
        alpha=float(alpha),
        ci_low=low,
        ci_high=high,
        n=n,
        k=k,
        n_interval=n_interval,
    )


def feldt_interval(alpha: float, n: float, k: int, ci: float = 0.95) -> tuple[float, float]:
    """Feldt's interval for coefficient alpha from n respondents and k items.

    Notes
    -----
    :math:`[1 - (1-\\alpha) F_{\\gamma/2},\\; 1 - (1-\\alpha) F_{1-\\gamma/2}]`, F the
    upper quantiles of F(n − 1, (n − 1)(k − 1)), γ = 1 − ci; n may be fractional.
    In R: ``psych::alpha.ci(alpha, n.obs = n, n.var = k, p.val = 1 - ci)``.
    """
    gamma = 1.0 - ci
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * f_dist.isf(gamma / 2, df1, df2)
    high = 1.0 - (1.0 - alpha) * f_dist.isf(1.0 - gamma / 2, df1, df2)
    return float(low), float(high)


def pairwise_harmonic_n(x: np.ndarray) -> float:
    """The harmonic mean, over item pairs i < j, of the rows answering both items.

    In R: ``m <- crossprod(!is.na(x)); 1 / mean(1 / m[upper.tri(m)])``
    (``psych::pairwiseCount`` gives the same counts)."""
    mask = (~np.isnan(x)).astype(np.float64)
    k = mask.shape[1]
    if k < 2:
        return float(mask.sum())
    counts = (mask.T @ mask)[np.triu_indices(k, 1)]
    return float(len(counts) / np.sum(1.0 / counts))


def mcdonald_omega(items: pd.DataFrame) -> float:
    """McDonald's omega total from a one-factor minres model on the complete cases.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item (already reverse-keyed); rows with any missing answer
        are dropped.

    Returns
    -------
    float

    Raises
    ------
    TooFewItemsError, NonNumericError, ConstantItemError, TooFewObservationsError

    Notes
    -----
    With standardised loadings λ of a one-factor minres model fitted to the correlation
    matrix and uniquenesses ψ = 1 − λ²,

    .. math:: \\omega_t = \\frac{(\\sum \\lambda_i)^2}{(\\sum \\lambda_i)^2 + \\sum \\psi_i}

    This is the model-implied omega. ``psych::omega(x, nfactors = 1)$omega.tot`` instead
    divides by the *observed* total variance, 1 − Σψ / ΣR; the two differ by the one-factor
    model's residual correlations (usually in the third or fourth decimal).

    References
    ----------
    McDonald, R. P. (1999). Test theory: A unified treatment. Mahwah, NJ: Erlbaum.

    Examples
    --------
    In R: ``f <- psych::fa(na.omit(x), nfactors = 1, fm = "minres");
    sum(f$loadings)^2 / (sum(f$loadings)^2 + sum(f$uniquenesses))``

    >>> mcdonald_omega(items)  # doctest: +SKIP
    """
    loadings, _ = one_factor_loadings(items)
    common = loadings.sum() ** 2
    negative = [str(c) for c, v in zip(items.columns, loadings, strict=True) if v < 0]
    if negative:
        warnings.warn(
            f"Items {', '.join(negative)} load negatively on the scale's factor, so omega "
            "is not a reliability. Check that reverse-keyed items have been reversed.",
            ReverseKeyingWarning,
            stacklevel=2,
        )
    return float(common / (common + np.sum(1.0 - loadings**2)))


def item_analysis(items: pd.DataFrame, *, missing: Missing = "pairwise") -> pd.DataFrame:
    """Item statistics: corrected item–total correlation and alpha if the item is deleted.

    Parameters
    ----------
    items : DataFrame
        At least three numeric item columns (already reverse-keyed); NaN = missing.
    missing : {"pairwise", "listwise"}
        As in :func:`cronbach_alpha`.

    Returns
    -------
    DataFrame
        Index = item; columns ``n`` (answers used), ``mean``, ``sd``, ``r_drop`` (correlation
        of the item with the sum of the other items), ``alpha_if_deleted``.

    Raises
    ------
    TooFewItemsError, NonNumericError, ConstantItemError, TooFewObservationsError

    Notes
    -----
    Both statistics come from the item covariance matrix C, as in ``psych::alpha``. With
    :math:`S = \\sum C`, :math:`c_i = \\sum_j C_{ij}` and
    :math:`V_{-i} = S - 2c_i + C_{ii}` (variance of the total without item i):

    .. math:: r_{drop,i} = \\frac{c_i - C_{ii}}{\\sqrt{C_{ii} V_{-i}}}, \\qquad
              \\alpha_{-i} = \\frac{k-1}{k-2}\\left(1 - \\frac{\\operatorname{tr} C - C_{ii}}
              {V_{-i}}\\right)

    References
    ----------
    Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality
    Research. R package, function ``alpha``.

    Examples
    --------
    In R: ``a <- psych::alpha(x); a$item.stats[, c("n", "mean", "sd", "r.drop")];
    a$alpha.drop$raw_alpha``

    >>> item_analysis(items).round(3)  # doctest: +SKIP
    """
    x = _usable_rows(numeric_items(items, min_items=3), missing)
    k = x.shape[1]
    if x.shape[0] < 2:
        raise TooFewObservationsError(
            f"Item analysis needs at least 2 usable rows, got {x.shape[0]}."
        )
    cov = _covariance(x, list(items.columns))
    diag = np.diag(cov)
    col = cov.sum(axis=0)
    rest_var = cov.sum() - 2.0 * col + diag
    if not np.all(rest_var > 0):
        raise UndefinedStatisticError(
            "The total of the remaining items has no positive variance for some item; check "
            "that reverse-keyed items have been reversed."
        )
    answered = ~np.isnan(x)
    return pd.DataFrame(
        {
            "n": answered.sum(axis=0),
            "mean": np.nanmean(x, axis=0),
            "sd": np.sqrt(diag),
            "r_drop": (col - diag) / np.sqrt(diag * rest_var),
            "alpha_if_deleted": (k - 1) / (k - 2) * (1.0 - (np.trace(cov) - diag) / rest_var),
        },
        index=pd.Index(items.columns, name="item"),
    )
