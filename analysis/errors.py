"""Named errors raised by the analysis functions, and the input checks that raise them.

Every error is a subclass of :class:`AnalysisError` (itself a :class:`ValueError`), and every
message says what is wrong *and* what to do about it, so that a panel member working in a
notebook can fix the input without reading the source.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from instruments.errors import ReadinessError

__all__ = [
    "AnalysisError",
    "ConstantGroupError",
    "ConstantItemError",
    "HeywoodCaseWarning",
    "InvalidArgumentError",
    "NegativeICCWarning",
    "NonNumericError",
    "NotIdentifiedError",
    "ReverseKeyingWarning",
    "SingletonGroupError",
    "StatisticWarning",
    "TooFewGroupsError",
    "TooFewItemsError",
    "TooFewObservationsError",
    "UndefinedStatisticError",
    "ZeroVarianceError",
    "group_labels",
    "grouped_values",
    "numeric_items",
    "numeric_values",
    "require_no_singletons",
    "require_variation",
]


class AnalysisError(ReadinessError, ValueError):
    """Base class: the input cannot be analysed as given; the message says what to fix."""


class InvalidArgumentError(AnalysisError):
    """An option has a value outside its documented set or range."""


class NonNumericError(AnalysisError):
    """A column or series that must hold numbers holds text, categories or infinities."""


class TooFewItemsError(AnalysisError):
    """A scale statistic needs more items (columns) than were given."""


class TooFewObservationsError(AnalysisError):
    """There are too few usable rows (after removing missing values) for the statistic."""


class ZeroVarianceError(AnalysisError):
    """A variance that the statistic divides by is zero."""


class ConstantItemError(ZeroVarianceError):
    """An item has the same answer in every usable row."""


class ConstantGroupError(ZeroVarianceError):
    """A group's values are all identical, so its variance is zero."""


class TooFewGroupsError(AnalysisError):
    """A between-group statistic needs at least two groups."""


class SingletonGroupError(AnalysisError):
    """A group has a single member where a within-group variance is needed."""


class UndefinedStatisticError(AnalysisError):
    """The statistic is mathematically undefined for these data (e.g. a 0/0 ratio)."""


class NotIdentifiedError(AnalysisError):
    """A model has more free parameters than the data can fix (negative df, a factor with
    too few items)."""


class StatisticWarning(UserWarning):
    """A statistic was computed but should not be read as it stands; the message says why
    and what to check."""


class HeywoodCaseWarning(StatisticWarning):
    """A factor solution has a negative (or near-zero) variance: the model does not fit."""


class ReverseKeyingWarning(StatisticWarning):
    """A scale's items are negatively related (negative alpha, loadings of both signs):
    most often a reverse-keyed item that was not reversed."""


class NegativeICCWarning(StatisticWarning):
    """An ICC is negative: groups differ less than chance would make them (no group-level
    signal), so the figure cannot be read as a reliability."""


# --- input checks ---------------------------------------------------------------------------


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)


def numeric_items(items: pd.DataFrame, *, min_items: int = 2) -> np.ndarray:
    """Return ``items`` as a float64 array (NaN = missing) after checking it can be analysed.

    Raises
    ------
    InvalidArgumentError
        ``items`` is not a DataFrame.
    TooFewItemsError
        Fewer than ``min_items`` columns.
    NonNumericError
        A column is not numeric or holds an infinite value.
    """
    if not isinstance(items, pd.DataFrame):
        raise InvalidArgumentError(
            f"items must be a pandas DataFrame with one column per item, got "
            f"{type(items).__name__}."
        )
    if items.shape[1] < min_items:
        raise TooFewItemsError(
            f"At least {min_items} items (columns) are needed, got {items.shape[1]}. "
            "Pass every item of the scale, one column each."
        )
    bad = [str(c) for c in items.columns if not _is_numeric(items[c])]
    if bad:
        raise NonNumericError(
            f"Items must be numeric; these columns are not: {', '.join(bad)}. "
            "Convert answers to numbers (e.g. 1-5) and use NaN for a missing answer."
        )
    x = items.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(x).any():
        cols = [
            str(c) for c, flag in zip(items.columns, np.isinf(x).any(axis=0), strict=True) if flag
        ]
        raise NonNumericError(
            f"Items hold infinite values in: {', '.join(cols)}. Replace them with NaN "
            "(missing) or a valid answer."
        )
    return x


def numeric_values(values: pd.Series | Sequence[float], *, name: str = "values") -> np.ndarray:
    """Return a one-dimensional float64 array (NaN = missing) after checking it is numeric."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if len(series) == 0:
        raise TooFewObservationsError(f"{name} is empty; pass one value per respondent.")
    if not _is_numeric(series):
        raise NonNumericError(
            f"{name} must be numeric, got dtype {series.dtype}. Convert answers to numbers "
            "and use NaN for a missing answer."
        )
    x = series.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(x).any():
        raise NonNumericError(f"{name} holds infinite values; replace them with NaN or a number.")
    return x


def group_labels(groups: pd.Series | Sequence[Hashable], n: int) -> pd.Series:
    """Return ``groups`` as a Series of length ``n`` (NaN = unknown group)."""
    series = groups if isinstance(groups, pd.Series) else pd.Series(groups)
    if len(series) != n:
        raise InvalidArgumentError(
            f"groups has {len(series)} entries but the values have {n}; pass one group label "
            "per row, in the same order."
        )
    return series.reset_index(drop=True)


def require_variation(variances: np.ndarray, labels: Sequence[Hashable]) -> None:
    """Raise :class:`ConstantItemError` naming every item whose variance is zero."""
    flat = [str(lab) for lab, v in zip(labels, variances, strict=True) if not v > 0]
    if flat:
        raise ConstantItemError(
            f"These items have no variance (everyone gave the same answer, or there is at "
            f"most one answer): {', '.join(flat)}. Drop them from the scale before analysing it."
        )


def grouped_values(
    values: pd.Series | Sequence[float],
    groups: pd.Series | Sequence[Hashable],
    *,
    name: str = "values",
    min_groups: int = 1,
) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Check and align a numeric outcome with its group labels.

    Rows where the value or the group is missing are dropped. Returns the values, integer
    group codes (0..g-1, in sorted label order, as R's ``factor``) and the group labels.
    """
    x = numeric_values(values, name=name)
    labels = group_labels(groups, len(x))
    codes, uniques = pd.factorize(labels, sort=True, use_na_sentinel=True)
    keep = ~np.isnan(x) & (codes >= 0)
    x, codes = x[keep], codes[keep]
    present = np.bincount(codes, minlength=len(uniques)) > 0
    if not present.all():
        codes = np.cumsum(present)[codes] - 1
        uniques = uniques[present]
    if x.size == 0:
        raise TooFewObservationsError(f"No row has both a value in {name} and a group label.")
    if len(uniques) < min_groups:
        raise TooFewGroupsError(
            f"At least {min_groups} groups with data are needed, got {len(uniques)}. Check the "
            "group column, or pool the data if there is really only one group."
        )
    return x, codes, pd.Index(uniques)


def require_no_singletons(counts: np.ndarray, labels: pd.Index, *, statistic: str) -> None:
    """Raise :class:`SingletonGroupError` naming every group with a single member."""
    single = [str(lab) for lab, c in zip(labels, counts, strict=True) if c < 2]
    if single:
        raise SingletonGroupError(
            f"{statistic} needs at least 2 members in every group; these groups have one: "
            f"{', '.join(single)}. Drop them or merge them with a similar group."
        )
