"""Legal calibration from the workshop vignettes.

Each vignette carries its keyed lawful position. A decision not to share where sharing is
lawful is over-caution; a decision to share where it is not lawful is over-sharing. Fear of
the law shows as over-caution far more often than as over-sharing."""

from __future__ import annotations

from collections.abc import Mapping

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
    z = norm.ppf(0.5 + level / 2)
    with np.errstate(all="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def classify(
    decisions: pd.DataFrame, positions: Mapping[str, str], *, unsure_is_caution: bool = True
) -> pd.DataFrame:
    """Mark each decision: ``lawful`` (sharing was lawful), ``caution`` (did not share
    where lawful) and ``oversharing`` (shared where not lawful). Vignettes without a keyed
    position are dropped."""
    d = decisions[decisions["vignette"].isin(list(positions))].copy()
    lawful = d["vignette"].map(lambda v: positions[v] in LAWFUL).astype(bool)
    refused = d["decision"].eq("dont_share")
    if unsure_is_caution:
        refused |= d["decision"].eq("unsure")
    d["lawful"] = lawful
    d["caution"] = lawful & refused
    d["oversharing"] = ~lawful & d["decision"].eq("share")
    return d


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
    d = classify(decisions, positions, unsure_is_caution=unsure_is_caution)
    d["unlawful"] = ~d["lawful"]
    keys = list(by or [])
    grouped = (
        d.groupby(keys, observed=True, sort=True) if keys else d.assign(_all=0).groupby("_all")
    )
    agg = grouped.agg(
        lawful_n=("lawful", "sum"),
        caution=("caution", "sum"),
        unlawful_n=("unlawful", "sum"),
        oversharing=("oversharing", "sum"),
        participants=("response_id", "nunique"),
    )
    out = pd.DataFrame(index=agg.index)
    out["lawful_n"] = agg["lawful_n"].astype(int)
    with np.errstate(all="ignore"):
        out["over_caution"] = np.where(
            agg["lawful_n"] > 0, agg["caution"] / agg["lawful_n"], np.nan
        )
        out["over_caution_low"], out["over_caution_high"] = wilson_interval(
            agg["caution"].to_numpy(), agg["lawful_n"].to_numpy(), level
        )
        out["unlawful_n"] = agg["unlawful_n"].astype(int)
        out["over_sharing"] = np.where(
            agg["unlawful_n"] > 0, agg["oversharing"] / agg["unlawful_n"], np.nan
        )
        out["over_sharing_low"], out["over_sharing_high"] = wilson_interval(
            agg["oversharing"].to_numpy(), agg["unlawful_n"].to_numpy(), level
        )
    out["participants"] = agg["participants"].astype(int)
    if not keys:
        out = out.reset_index(drop=True)
    return out[COLUMNS]
