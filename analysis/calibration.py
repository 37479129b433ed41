"""Legal calibration from the workshop vignettes.

Each vignette carries its keyed lawful position. A decision not to share where sharing is
lawful is over-caution; a decision to share where it is not lawful is over-sharing. Fear of
the law shows as over-caution far more often than as over-sharing."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np
import pandas as pd
from scipy.stats import norm

LAWFUL = frozenset({"share_required", "share_permitted"})

COLUMNS = [
    "lawful_n",
    "over_caution",
    "over_caution_low",
    "over_caution_high",
    "unlawful_n",
    "over_sharing",
    "over_sharing_low",
    "over_sharing_high",
    "participants",
]


def wilson_interval(
    successes: np.ndarray | int, n: np.ndarray | int, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion.

    Notes
    -----
    With p = x/n and z the normal quantile,
    centre = (p + z²/2n) / (1 + z²/n), half = z √(p(1−p)/n + z²/4n²) / (1 + z²/n).
    NaN where n = 0.

    Examples
    --------
    In R: ``prop.test(x, n, correct = FALSE)$conf.int``.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = _z(level)
    with np.errstate(all="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


@cache
def _z(level: float) -> float:
    return float(norm.ppf(0.5 + level / 2))


def _flags(
    decisions: pd.DataFrame, positions: Mapping[str, str], unsure_is_caution: bool
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The decisions on keyed vignettes and, per decision, whether sharing was lawful,
    whether it was refused where lawful and whether it was made where not lawful."""
    d = decisions[decisions["vignette"].isin(list(positions))]
    lawful_of = {v: p in LAWFUL for v, p in positions.items()}
    lawful = np.fromiter(
        (lawful_of[v] for v in d["vignette"].to_numpy(dtype=object)), dtype=bool, count=len(d)
    )
    decision = d["decision"].to_numpy(dtype=object)
    refused = decision == "dont_share"
    if unsure_is_caution:
        refused |= decision == "unsure"
    return d, lawful, lawful & refused, ~lawful & (decision == "share")


def classify(
    decisions: pd.DataFrame, positions: Mapping[str, str], *, unsure_is_caution: bool = True
) -> pd.DataFrame:
    """Mark each decision: ``lawful`` (sharing was lawful), ``caution`` (did not share
    where lawful) and ``oversharing`` (shared where not lawful). Vignettes without a keyed
    position are dropped."""
    d, lawful, caution, oversharing = _flags(decisions, positions, unsure_is_caution)
    return d.assign(lawful=lawful, caution=caution, oversharing=oversharing)


def calibration(
    decisions: pd.DataFrame,
    positions: Mapping[str, str],
    *,
    by: list[str] | None = None,
    unsure_is_caution: bool = True,
    level: float = 0.95,
) -> pd.DataFrame:
    """Over-caution and over-sharing rates with n and a Wilson interval.

    Parameters
    ----------
    decisions : one row per participant and vignette: ``vignette``, ``decision``
        (share / dont_share / unsure), ``response_id`` and any ``by`` columns.
    positions : vignette id → lawful position.
    by : group columns (e.g. ``["area", "sector"]``); none gives one overall row.

    Notes
    -----
    over-caution = (dont_share [+ unsure]) / decisions on lawful vignettes;
    over-sharing = share / decisions on unlawful vignettes. Decisions are treated as
    independent for the interval, so it is somewhat narrow when the same participants
    answer several vignettes.
    """
    d, lawful, caution, oversharing = _flags(decisions, positions, unsure_is_caution)
    keys = list(by or [])
    # Group codes and bincounts: named aggregation costs milliseconds per call, and a
    # national run makes two calls per area and wave.
    if keys:
        grouped = d.groupby(keys, observed=True, sort=True)
        participants = grouped["response_id"].nunique()
        index = participants.index
        codes = grouped.ngroup().to_numpy(dtype=float, na_value=-1).astype(int)
        participants = participants.to_numpy(dtype=int)
    elif len(d):
        index = pd.RangeIndex(1)
        codes = np.zeros(len(d), dtype=int)
        participants = np.array([d["response_id"].nunique()])
    else:
        index = pd.RangeIndex(0)
        codes = np.zeros(0, dtype=int)
        participants = np.zeros(0, dtype=int)
    grouped_rows = codes >= 0
    codes = codes[grouped_rows]

    def total(flag: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=flag[grouped_rows], minlength=len(index))

    lawful_n, unlawful_n = total(lawful), total(~lawful)
    cautious, sharing = total(caution), total(oversharing)
    with np.errstate(all="ignore"):
        caution_low, caution_high = wilson_interval(cautious, lawful_n, level)
        sharing_low, sharing_high = wilson_interval(sharing, unlawful_n, level)
        columns = {
            "lawful_n": lawful_n.astype(int),
            "over_caution": np.where(lawful_n > 0, cautious / lawful_n, np.nan),
            "over_caution_low": caution_low,
            "over_caution_high": caution_high,
            "unlawful_n": unlawful_n.astype(int),
            "over_sharing": np.where(unlawful_n > 0, sharing / unlawful_n, np.nan),
            "over_sharing_low": sharing_low,
            "over_sharing_high": sharing_high,
            "participants": participants,
        }
    return pd.DataFrame(columns, index=index)[COLUMNS]
