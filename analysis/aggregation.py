"""Is aggregating individual answers to a group (area, team) justified?

Within-group agreement (rwg, rwg(j)) and intraclass correlations ICC(1), ICC(2) from a
one-way ANOVA, agreeing with R's ``multilevel`` package (Bliese).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from analysis.errors import (
    InvalidArgumentError,
    NegativeICCWarning,
    TooFewObservationsError,
    UndefinedStatisticError,
    ZeroVarianceError,
    group_labels,
    grouped_values,
    numeric_items,
    require_no_singletons,
)

__all__ = ["NULLS", "icc1", "icc2", "null_variance", "rwg", "rwg_j"]

SINGLETON_REASON = "group of one: within-group variance undefined"


# Null response distributions of a 5-point item, as tabled by LeBreton and Senter (2008,
# Table 3, after James, Demaree & Wolf 1984): the share of answers 1..5 expected with no
# true agreement but a response bias. Their variances: 1.34, 0.90, 0.44, 1.32.
NULL_DISTRIBUTIONS: dict[str, tuple[float, ...]] = {
    "slight_skew": (0.05, 0.15, 0.20, 0.35, 0.25),
    "moderate_skew": (0.00, 0.10, 0.15, 0.40, 0.35),
    "heavy_skew": (0.00, 0.00, 0.10, 0.40, 0.50),
    "triangular": (0.11, 0.22, 0.34, 0.22, 0.11),
}
NULLS = ("uniform", *NULL_DISTRIBUTIONS)


def null_variance(scale_points: int, null: str = "uniform") -> float:
    """The expected variance σ²_E of an item's answers under a null of no agreement.

    ``"uniform"``: (A² − 1)/12 for A response options. ``"slight_skew"``,
    ``"moderate_skew"``, ``"heavy_skew"``, ``"triangular"``: the variance of LeBreton and
    Senter's (2008) tabled 5-point distributions (1.34, 0.90, 0.44, 1.32); they are
    defined for 5-point items only. In R: ``multilevel::rwg(x, grp, ranvar = 1.34)``."""
    if isinstance(scale_points, bool) or not isinstance(scale_points, (int, np.integer)):
        raise InvalidArgumentError(
            f"scale_points must be the number of response options (e.g. 5), got {scale_points!r}."
        )
    if scale_points < 2:
        raise InvalidArgumentError(f"scale_points must be at least 2, got {scale_points}.")
    if null == "uniform":
        return (scale_points**2 - 1) / 12.0
    if null not in NULL_DISTRIBUTIONS:
        raise InvalidArgumentError(f"null must be one of {', '.join(NULLS)}, got {null!r}.")
    if scale_points != 5:
        raise InvalidArgumentError(
            f"The {null} null is tabled for 5-point items; this item has {scale_points} "
            "points. Use null='uniform' or a 5-point item."
        )
    p = np.array(NULL_DISTRIBUTIONS[null])
    x = np.arange(1, 6)
    return float(p @ x**2 - (p @ x) ** 2)


_uniform_variance = null_variance


def _agreement_frame(
    labels: pd.Index, counts: np.ndarray, values: np.ndarray, column: str
) -> pd.DataFrame:
    single = counts < 2
    return pd.DataFrame(
        {
            "n": counts,
            column: np.where(single, np.nan, values),
            "reason": np.where(single, SINGLETON_REASON, None),
        },
        index=pd.Index(labels, name="group"),
    )


def _group_variances(x: np.ndarray, codes: np.ndarray, n_groups: int) -> tuple[np.ndarray, ...]:
    """Group sizes and unbiased variances of each column of ``x`` (NaN where size < 2)."""
    x2 = x.reshape(len(x), -1)
    counts = np.bincount(codes, minlength=n_groups)
    means = (
        np.stack([np.bincount(codes, col, n_groups) for col in x2.T], axis=1)
        / np.maximum(counts, 1)[:, None]
    )
    dev = x2 - means[codes]
    ss = np.stack([np.bincount(codes, col**2, n_groups) for col in dev.T], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.where(counts[:, None] > 1, ss / (counts[:, None] - 1), np.nan)
    return counts, var


def rwg(
    values: pd.Series | Sequence[float],
    groups: pd.Series | Sequence[Hashable],
    *,
    scale_points: int,
    null: str = "uniform",
) -> pd.DataFrame:
    """Within-group agreement rwg of a single item against a null distribution.

    Parameters
    ----------
    values : Series
        Numeric answers; NaN = missing (dropped, with its group label).
    groups : Series
        Group label of each row (same length and order as ``values``).
    scale_points : int
        Number of response options A of the item (5 for a 1–5 Likert item).
    null : str, default "uniform"
        The null distribution of no agreement (:func:`null_variance`): a skewed null
        allows for a shared response bias (e.g. leniency), so agreement is judged against
        what a biased but non-agreeing group would give (LeBreton & Senter, 2008).

    Returns
    -------
    DataFrame
        Index = group (sorted); columns ``n``, ``rwg`` and ``reason``. A group with one
        member has ``rwg`` NaN and ``reason`` ``"group of one: within-group variance
        undefined"`` (R returns NA); otherwise ``reason`` is missing (NA).

    Raises
    ------
    NonNumericError, InvalidArgumentError, TooFewObservationsError

    Notes
    -----
    .. math:: r_{wg} = 1 - \\frac{s^2}{\\sigma^2_{EU}}, \\qquad \\sigma^2_{EU} = \\frac{A^2-1}{12}

    with s² the unbiased within-group variance. As in ``multilevel::rwg``, a variance larger
    than the uniform-null variance is truncated to it, so rwg is reported as 0, never
    negative.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. Journal of Applied Psychology, 69, 85–98.

    Examples
    --------
    In R: ``multilevel::rwg(x, grpid, ranvar = (A^2 - 1) / 12)``

    >>> rwg(df["q1"], df["area"], scale_points=5)  # doctest: +SKIP
    """
    null_var = null_variance(scale_points, null)
    x, codes, labels = grouped_values(values, groups, name="values")
    counts, var = _group_variances(x, codes, len(labels))
    value = 1.0 - np.minimum(var[:, 0], null_var) / null_var
    return _agreement_frame(labels, counts, value, "rwg")


def rwg_j(
    items: pd.DataFrame,
    groups: pd.Series | Sequence[Hashable],
    *,
    scale_points: int,
    null: str = "uniform",
) -> pd.DataFrame:
    """Within-group agreement rwg(j) of a multi-item scale against a null distribution.

    Parameters
    ----------
    items : DataFrame
        At least two numeric item columns on the same ``scale_points`` response scale. Rows
        with any missing item or group are dropped (as R's ``na.exclude``).
    groups : Series
        Group label of each row.
    scale_points : int
        Number of response options A of each item.
    null : str, default "uniform"
        The null distribution of no agreement (see :func:`rwg`).

    Returns
    -------
    DataFrame
        Index = group (sorted); columns ``n``, ``rwg_j`` and ``reason`` (as :func:`rwg`).

    Raises
    ------
    TooFewItemsError, NonNumericError, InvalidArgumentError, TooFewObservationsError

    Notes
    -----
    With J items, :math:`\\bar s^2` the mean of the J within-group item variances
    (truncated to :math:`\\sigma^2_{EU} = (A^2-1)/12` as ``multilevel::rwg.j`` does) and
    :math:`q = \\bar s^2 / \\sigma^2_{EU}`:

    .. math:: r_{wg(j)} = \\frac{J(1 - q)}{J(1 - q) + q}

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Journal of Applied Psychology, 69,
    85–98.

    Examples
    --------
    In R: ``multilevel::rwg.j(x, grpid, ranvar = (A^2 - 1) / 12)``

    >>> rwg_j(df[["q1", "q2", "q3"]], df["area"], scale_points=5)  # doctest: +SKIP
    """
    null_var = null_variance(scale_points, null)
    x = numeric_items(items)
    labels_all = group_labels(groups, len(x))
    keep = ~np.isnan(x).any(axis=1) & labels_all.notna().to_numpy()
    if not keep.any():
        raise TooFewObservationsError(
            "No row has every item answered and a group label; rwg(j) uses complete rows."
        )
    codes, uniques = pd.factorize(labels_all[keep], sort=True)
    counts, var = _group_variances(x[keep], codes, len(uniques))
    j = x.shape[1]
    q = np.minimum(var.mean(axis=1), null_var) / null_var
    value = j * (1.0 - q) / (j * (1.0 - q) + q)
    return _agreement_frame(pd.Index(uniques), counts, value, "rwg_j")


def _one_way_anova(
    values: pd.Series | Sequence[float], groups: pd.Series | Sequence[Hashable], statistic: str
) -> tuple[float, float, float]:
    """Mean squares between and within groups, and the mean group size N / k."""
    x, codes, labels = grouped_values(values, groups, name="values", min_groups=2)
    k, n = len(labels), len(x)
    counts = np.bincount(codes, minlength=k)
    require_no_singletons(counts, labels, statistic=statistic)
    means = np.bincount(codes, x, k) / counts
    grand = x.mean()
    ss_between = float(np.sum(counts * (means - grand) ** 2))
    ss_within = float(np.sum((x - means[codes]) ** 2))
    if ss_between + ss_within == 0:
        raise ZeroVarianceError(
            f"{statistic} is undefined: every value is identical. Check that the right "
            "column was passed."
        )
    return ss_between / (k - 1), ss_within / (n - k), n / k


def icc1(values: pd.Series | Sequence[float], groups: pd.Series | Sequence[Hashable]) -> float:
    """ICC(1): share of the variance in individual answers explained by group membership.

    Parameters
    ----------
    values : Series
        Numeric answers (NaN = missing, dropped with its group label).
    groups : Series
        Group label of each row; at least two groups, each with at least two members.

    Returns
    -------
    float

    Raises
    ------
    NonNumericError, TooFewGroupsError, SingletonGroupError, ZeroVarianceError

    Notes
    -----
    From the one-way ANOVA of values on groups (unequal sizes allowed), with k groups,
    N rows and mean group size :math:`\\bar n = N / k` (``multilevel`` uses the plain mean,
    not the adjusted n₀):

    .. math:: ICC(1) = \\frac{MS_B - MS_W}{MS_B + (\\bar n - 1) MS_W}

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In
    K. J. Klein & S. W. J. Kozlowski (Eds.), Multilevel theory, research, and methods in
    organizations (pp. 349–381). San Francisco: Jossey-Bass.

    Examples
    --------
    In R: ``multilevel::ICC1(aov(x ~ as.factor(grpid)))``

    >>> icc1(df["wellbeing"], df["area"])  # doctest: +SKIP
    """
    ms_between, ms_within, mean_size = _one_way_anova(values, groups, "ICC(1)")
    return float((ms_between - ms_within) / (ms_between + (mean_size - 1.0) * ms_within))


def icc2(values: pd.Series | Sequence[float], groups: pd.Series | Sequence[Hashable]) -> float:
    """ICC(2): reliability of the group means.

    Parameters
    ----------
    values : Series
        Numeric answers (NaN = missing, dropped with its group label).
    groups : Series
        Group label of each row; at least two groups, each with at least two members.

    Returns
    -------
    float

    Raises
    ------
    NonNumericError, TooFewGroupsError, SingletonGroupError, ZeroVarianceError,
    UndefinedStatisticError

    Notes
    -----
    From the same one-way ANOVA as :func:`icc1`:

    .. math:: ICC(2) = \\frac{MS_B - MS_W}{MS_B}

    References
    ----------
    Bliese, P. D. (2000), as for :func:`icc1`.

    Examples
    --------
    In R: ``multilevel::ICC2(aov(x ~ as.factor(grpid)))``

    >>> icc2(df["wellbeing"], df["area"])  # doctest: +SKIP
    """
    ms_between, ms_within, _ = _one_way_anova(values, groups, "ICC(2)")
    if ms_between == 0:
        raise UndefinedStatisticError(
            "ICC(2) is undefined: every group has exactly the same mean (MS between = 0)."
        )
    value = float((ms_between - ms_within) / ms_between)
    if value < 0:
        warnings.warn(
            f"ICC(2) is negative ({value:.3g}): groups differ less than chance alone would "
            "make them (MS between < MS within), so group means carry no reliable signal. "
            "Do not aggregate this score to groups.",
            NegativeICCWarning,
            stacklevel=2,
        )
    return value
