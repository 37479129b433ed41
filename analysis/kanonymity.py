"""k-anonymity of microdata by local suppression: no combination of the quasi-identifiers
(sector, role, co-location, team, within an area and wave) describes fewer than k people
in a downloadable file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Suppressed first: the least useful to the panel's analyses (sector comes last: every
# comparison of the Patterns page is by sector).
QUASI_IDENTIFIERS = ("multi_agency_team", "co_located", "role_level", "sector")
FIXED = ("area", "wave")


@dataclass(frozen=True)
class Suppressed:
    """The k-anonymous frame and how many values of each column were suppressed."""

    frame: pd.DataFrame
    counts: dict[str, int]


def class_sizes(frame: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """For each row, how many rows share its values of ``keys`` (missing counts as a value
    of its own)."""
    if not keys:
        return np.full(len(frame), len(frame))
    codes = (
        frame[list(keys)]
        .astype(object)
        .fillna("\x00missing")
        .groupby(list(keys), sort=False, dropna=False)
        .ngroup()
    )
    counts = np.bincount(codes.to_numpy())
    return counts[codes.to_numpy()]


def k_anonymise(
    frame: pd.DataFrame,
    k: int,
    *,
    quasi: Sequence[str] = QUASI_IDENTIFIERS,
    fixed: Sequence[str] = FIXED,
) -> Suppressed:
    """Suppress quasi-identifier values until every row shares its combination with at
    least ``k - 1`` others.

    Parameters
    ----------
    frame : microdata, one row per person.
    k : the smallest group a combination may describe (the disclosure rules' minimum group).
    quasi : the columns that could identify a person in combination, least useful first:
        those are suppressed first.
    fixed : columns kept as they are that still split the rows into classes (area, wave).

    Returns
    -------
    Suppressed
        The frame with some values of ``quasi`` set to missing, and how many per column.

    Notes
    -----
    Local suppression in a fixed order, as sdcMicro's ``localSuppression`` with an
    importance vector does (in R: ``sdcMicro::localSuppression(sdc, k = 5,
    importance = c(4, 3, 2, 1))``): the equivalence classes are the rows' combinations of
    ``fixed`` and ``quasi``; each row of a class smaller than ``k`` loses its value of the
    next column in order, and classes are formed again. A suppressed value is counted here
    as a category of its own, which is stricter than sdcMicro's (there a missing value
    matches any value). Once every quasi-identifier of a row is suppressed it is one of
    everyone in its area and wave; that is as far as suppression goes.
    """
    out = frame.copy()
    present = [c for c in quasi if c in out.columns]
    keys = [c for c in fixed if c in out.columns] + present
    counts = dict.fromkeys(present, 0)
    for column in present:
        small = class_sizes(out, keys) < k
        if not small.any():
            break
        had = out[column].notna().to_numpy() & small
        counts[column] = int(had.sum())
        out[column] = out[column].astype(object).where(~small, None)
    return Suppressed(out, counts)
