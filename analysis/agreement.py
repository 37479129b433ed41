"""Inter-rater agreement: Cohen's kappa, unweighted and weighted (e.g. two interview coders).

Agrees with R's ``psych::cohen.kappa``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.errors import (
    InvalidArgumentError,
    NonNumericError,
    TooFewObservationsError,
    UndefinedStatisticError,
)

__all__ = ["cohen_kappa"]

Weights = Literal["linear", "quadratic"] | None


def _as_series(ratings: pd.Series | Sequence[Hashable], name: str) -> pd.Series:
    series = ratings if isinstance(ratings, pd.Series) else pd.Series(list(ratings))
    return series.reset_index(drop=True).rename(name)


def cohen_kappa(
    rater_a: pd.Series | Sequence[Hashable],
    rater_b: pd.Series | Sequence[Hashable],
    *,
    weights: Weights = None,
    categories: Sequence[Hashable] | None = None,
) -> float:
    """Cohen's kappa for two raters rating the same cases, optionally weighted.

    Parameters
    ----------
    rater_a, rater_b : Series or sequence
        The two raters' categories for the same cases, in the same order. A case missing from
        either rater is dropped. Unweighted kappa accepts any labels; weighted kappa needs
        numeric (ordinal) ratings.
    weights : {None, "linear", "quadratic"}
        None for unweighted kappa; otherwise partial credit for near-misses.
    categories : sequence, optional
        Every category of the rating scale, in order (for a 1–5 rubric ``[1, 2, 3, 4, 5]``).
        The weights then follow the rubric's own distances, whichever categories were used;
        a rating outside them is an error. Without it, the categories are those either
        rater used.

    Returns
    -------
    float

    Raises
    ------
    InvalidArgumentError
        Lengths differ, or an unknown ``weights``.
    NonNumericError
        Weighted kappa asked for non-numeric ratings.
    TooFewObservationsError
        No case rated by both raters.
    UndefinedStatisticError
        Chance agreement is perfect (e.g. both raters used one and the same category), so
        kappa is 0/0.

    Notes
    -----
    The categories are ``categories`` when given, else the union of the values either
    rater used, in sorted order. Unweighted kappa does not depend on unused categories;
    weighted kappa does: with the used categories only, raters who used 1, 2 and 5 of a
    1–5 rubric have 2 and 5 one step apart. Pass the rubric's points. With p_ij the
    observed proportions, e_ij = p_i· p_·j the chance proportions and weights w_ij,

    .. math:: \\kappa_w = \\frac{\\sum w_{ij} p_{ij} - \\sum w_{ij} e_{ij}}
              {1 - \\sum w_{ij} e_{ij}}

    Unweighted: w_ij = 1 if i = j else 0. Weights use the categories' *positions* i, j in the
    list of c categories (as psych and scikit-learn do), not their numeric distances:
    linear w_ij = 1 − |i − j|/(c − 1), quadratic w_ij = 1 − (i − j)²/(c − 1)².

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    Psychological Measurement, 20, 37–46.
    Cohen, J. (1968). Weighted kappa. Psychological Bulletin, 70, 213–220.

    Examples
    --------
    In R: ``psych::cohen.kappa(cbind(a, b))$kappa`` (unweighted),
    ``psych::cohen.kappa(cbind(a, b))$weighted.kappa`` (quadratic, psych's default weights),
    ``psych::cohen.kappa(cbind(a, b), w = 1 - abs(outer(1:c, 1:c, "-")) / (c - 1))``
    (linear); with the rubric's categories, ``irr::kappa2`` or
    ``sklearn.metrics.cohen_kappa_score(a, b, labels=[1, 2, 3, 4, 5], weights="linear")``.

    >>> cohen_kappa([1, 2, 3, 3], [1, 2, 3, 2])
    0.6363636363636364
    """
    if weights not in (None, "linear", "quadratic"):
        raise InvalidArgumentError(
            f"weights must be None, 'linear' or 'quadratic', got {weights!r}."
        )
    a, b = _as_series(rater_a, "a"), _as_series(rater_b, "b")
    if len(a) != len(b):
        raise InvalidArgumentError(
            f"The raters rated different numbers of cases ({len(a)} and {len(b)}); pass one "
            "rating per case from each rater, in the same order."
        )
    pairs = pd.concat([a, b], axis=1).dropna()
    if pairs.empty:
        raise TooFewObservationsError("No case was rated by both raters.")
    if weights is not None and not all(
        pd.api.types.is_numeric_dtype(pairs[c]) and not pd.api.types.is_bool_dtype(pairs[c])
        for c in pairs
    ):
        raise NonNumericError(
            "Weighted kappa needs numeric ordinal ratings (e.g. 1-5); convert the labels to "
            "numbers in their natural order, or use weights=None."
        )
    used = pd.unique(pd.concat([pairs["a"], pairs["b"]]))
    if categories is not None:
        scale = list(categories)
        if len(set(scale)) != len(scale) or len(scale) < 2:
            raise InvalidArgumentError(
                "categories must list every category of the rating scale once, in order "
                f"(at least 2), got {scale!r}."
            )
        outside = [v for v in used if v not in set(scale)]
        if outside:
            raise InvalidArgumentError(
                f"Ratings {sorted(map(str, outside))} are not categories of the scale "
                f"{scale!r}; correct them or pass the full list of categories."
            )
        position = {v: k for k, v in enumerate(scale)}
        ia = np.array([position[v] for v in pairs["a"]], dtype=int)
        ib = np.array([position[v] for v in pairs["b"]], dtype=int)
        c = len(scale)
    else:
        try:
            order = np.sort(used)
        except TypeError as err:
            raise InvalidArgumentError(
                "The ratings mix labels that cannot be ordered (e.g. numbers and text); use "
                "one type of label."
            ) from err
        c = len(order)
        ia = np.searchsorted(order, pairs["a"].to_numpy())
        ib = np.searchsorted(order, pairs["b"].to_numpy())
    observed = np.bincount(ia * c + ib, minlength=c * c).reshape(c, c) / len(pairs)
    chance = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    i, j = np.indices((c, c))
    if weights is None or c == 1:
        w = (i == j).astype(np.float64)
    elif weights == "linear":
        w = 1.0 - np.abs(i - j) / (c - 1)
    else:
        w = 1.0 - (i - j) ** 2 / (c - 1) ** 2
    expected = float(np.sum(w * chance))
    if np.isclose(expected, 1.0, rtol=0.0, atol=1e-12):
        raise UndefinedStatisticError(
            "Kappa is undefined: chance agreement is perfect (both raters used a single, "
            "identical category for every case). Report the raw agreement instead."
        )
    return float((np.sum(w * observed) - expected) / (1.0 - expected))
