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
from scipy.stats import t as t_dist

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


def clustered_wilson_interval(
    successes: np.ndarray, trials: np.ndarray, clusters: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wilson interval for a proportion whose trials come in clusters (one participant's
    decisions on several vignettes), on the effective sample size.

    Parameters
    ----------
    successes, trials : per cluster, the successes and the trials (1-D, same length).
    clusters : per cluster, the code of the group it belongs to (0 … g − 1).

    Returns
    -------
    low, high, n_eff : one value per group (length ``clusters.max() + 1``).

    Notes
    -----
    With J clusters in a group, y_j successes of m_j trials, n = Σ m_j and p = Σ y_j / n,
    the ratio estimator's linearised variance is
    v = J / (J − 1) · Σ (y_j − p m_j)² / n², the design effect d = v / (p(1 − p)/n), and
    the effective sample size, with Korn and Graubard's degrees-of-freedom correction,

    .. math:: n^* = \\min\\left(n,\\; \\frac{n}{d} \\left(\\frac{z_{1-\\alpha/2}}
              {t_{1-\\alpha/2,\\,J-1}}\\right)^2\\right)

    (d taken as 1 when p is 0 or 1). The interval is Wilson's with p and n*. A group of
    one participant has n* = 1 (its decisions are not independent evidence). In R:
    ``survey::svyciprop(~y, svydesign(ids = ~participant, data = d), method = "beta")``
    uses the same n* with Clopper–Pearson in place of Wilson.

    References
    ----------
    Korn, E. L., & Graubard, B. I. (1998). Confidence intervals for proportions with small
    expected number of positive counts estimated from survey data. Survey Methodology,
    24(2), 193–201.
    """
    y = np.asarray(successes, dtype=float)
    m = np.asarray(trials, dtype=float)
    codes = np.asarray(clusters, dtype=int)
    groups = int(codes.max()) + 1 if len(codes) else 0
    used = m > 0
    n = np.bincount(codes, weights=m, minlength=groups)
    x = np.bincount(codes, weights=y, minlength=groups)
    j = np.bincount(codes[used], minlength=groups).astype(float)
    with np.errstate(all="ignore"):
        p = x / n
        resid = np.bincount(codes, weights=(y - p[codes] * m) ** 2, minlength=groups)
        v = j / (j - 1) * resid / n**2
        deff = v / (p * (1 - p) / n)
        deff = np.where((p > 0) & (p < 1) & np.isfinite(deff), deff, 1.0)
        df_ratio = (_z(level) / t_dist.ppf(0.5 + level / 2, j - 1)) ** 2
        n_eff = np.minimum(n, n / deff * df_ratio)
        n_eff = np.where(j >= 2, n_eff, np.minimum(n, j))
    low, high = wilson_interval(p * n_eff, n_eff, level)
    return low, high, n_eff


def _fit(values: np.ndarray, length: int) -> np.ndarray:
    """``values`` padded with NaN (groups with no cluster) or cut to ``length``."""
    out = np.full(length, np.nan)
    out[: min(length, len(values))] = values[:length]
    return out


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
    over-sharing = share / decisions on unlawful vignettes. Each participant answers
    several vignettes, so the decisions are clustered by participant: the interval is
    :func:`clustered_wilson_interval` (Wilson on Korn and Graubard's effective sample
    size), which covers where a Wilson interval over decisions as if independent does not.
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
    # One cluster per group and participant: its decisions' sums.
    person = pd.factorize(d["response_id"].to_numpy(dtype=object)[grouped_rows])[0]
    cluster, first = np.unique(codes * (person.max(initial=0) + 1) + person, return_inverse=True)
    cluster_group = np.zeros(len(cluster), dtype=int)
    cluster_group[first] = codes

    def clustered(flag: np.ndarray, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        y = np.bincount(first, weights=(flag & among)[grouped_rows], minlength=len(cluster))
        m = np.bincount(first, weights=among[grouped_rows], minlength=len(cluster))
        low, high, _ = clustered_wilson_interval(y, m, cluster_group, level)
        return _fit(low, len(index)), _fit(high, len(index))

    with np.errstate(all="ignore"):
        caution_low, caution_high = clustered(caution, lawful)
        sharing_low, sharing_high = clustered(oversharing, ~lawful)
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
