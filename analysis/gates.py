"""Critical gates: concerns that cap the verdict instead of being averaged away.

Each gate of ``readiness_rules.yaml`` reads one metric of the profile; a tripped gate
carries the reason that names the scale or sector pair, the value, its interval and n.
Each metric only finds its figure and says what it is; whether it trips, and how the
reason ends, is decided in one place for all of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.context import Context
from analysis.verdict import GateResult, Reason, figure
from instruments.schema import Gate


@dataclass(frozen=True)
class Finding:
    """A gate's figure, and ``describe(limit)``: the sentence that says what it is and how it
    stands against the gate's limit."""

    subject: str
    value: float
    low: float | None
    high: float | None
    n: int
    describe: Callable[[str], str]
    percent: bool = False
    about: str = ""  # what the figure measures, in a few words
    bound: float | None = None  # for a gate over many pairs: the interval end it trips on
    cells: tuple[tuple[str, str], ...] = ()  # the trust cells the figure comes from
    group: str | None = None  # the group of people it describes
    plain: str | None = None  # what it is, in words without figures


def evaluate_gate(
    gate: Gate, ctx: Context, scales: pd.DataFrame, pairs: pd.DataFrame, calib: pd.DataFrame
) -> GateResult:
    """Evaluate one critical gate; a tripped gate carries the reason that names it."""
    find = _METRICS[gate.metric]
    found = find(gate, ctx, scales, pairs, calib)
    if found is None or not _beyond(gate, found.value if found.bound is None else found.bound):
        return GateResult(gate, False, None)
    cap_label = next((v.label for v in ctx.rules.verdicts if v.id == gate.cap), gate.cap)
    fmt = "{:.0%}" if found.percent else "{:.2f}"
    limit = (
        f"below {fmt.format(gate.below)}"
        if gate.below is not None
        else f"above {fmt.format(gate.above)}"
    )
    text = f"{found.describe(limit)}: the verdict can be no better than {cap_label}."
    reason = Reason(
        text,
        "gate",
        found.subject,
        found.value,
        found.low,
        found.high,
        found.n,
        gate.cap,
        cells=found.cells,
        group=found.group,
        plain=found.plain,
        about=found.about,
    )
    return GateResult(gate, True, reason)


def _beyond(gate: Gate, value: float) -> bool:
    if value is None or np.isnan(value):
        return False
    return (gate.below is not None and value < gate.below) or (
        gate.above is not None and value > gate.above
    )


def _key_pair(gate: Gate, ctx: Context, _s, pairs: pd.DataFrame, _c) -> Finding | None:
    """The weakest mutual trust between two key sectors rated by enough staff each way.

    Of many pairs, one will be low by chance alone, so the gate goes by the pair whose
    interval at the rules' ``certainty.gate_level`` reaches least high (``mutual_bound``):
    it trips only when that whole interval lies below the line."""
    # Plain arrays: this runs for two gates in every area and wave.
    keys = set(ctx.key_sectors)
    both_key = np.fromiter(
        (a in keys and b in keys for a, b in zip(pairs["a"], pairs["b"], strict=True)),
        dtype=bool,
        count=len(pairs),
    )
    enough = (pairs["n_ab"].to_numpy() >= gate.min_n) & (pairs["n_ba"].to_numpy() >= gate.min_n)
    candidates = np.flatnonzero(both_key & enough)
    if not len(candidates):
        return None
    bound = pairs["mutual_bound"].to_numpy(dtype=float)[candidates]
    row = pairs.iloc[candidates[np.nanargmin(bound)]] if np.isfinite(bound).any() else None
    if row is None:
        return None
    name = ctx.sector_names
    a, b = name.get(row["a"], row["a"]), name.get(row["b"], row["b"])
    quoted = figure(
        row["mutual"],
        row["mutual_low"],
        row["mutual_high"],
        f"{row['n_ab']} and {row['n_ba']} raters",
    )
    return Finding(
        f"{row['a']}~{row['b']}",
        row["mutual"],
        row["mutual_low"],
        row["mutual_high"],
        int(min(row["n_ab"], row["n_ba"])),
        lambda limit: f"Mutual trust between {a} and {b} is {quoted}, {limit}",
        about=f"Mutual trust between {a} and {b}",
        bound=float(row["mutual_bound"]),
        cells=((row["a"], row["b"]), (row["b"], row["a"])),
        plain=f"Mutual trust between {a} and {b} is at a critical level; {_HIDDEN}",
    )


def _asymmetry(_g, ctx: Context, _s, pairs: pd.DataFrame, _c) -> Finding | None:
    """The most one-sided pair, told from the side that trusts more: the pair whose
    interval at the rules' ``certainty.gate_level`` stays furthest from even
    (``asymmetry_bound``, the end of that interval nearest zero, as a size)."""
    if pairs.empty or not np.isfinite(pairs["asymmetry_bound"].to_numpy(dtype=float)).any():
        return None
    row = pairs.loc[pairs["asymmetry_bound"].idxmax()]
    a, b, t_ab, t_ba, n_ab, n_ba = (row[k] for k in ("a", "b", "t_ab", "t_ba", "n_ab", "n_ba"))
    low, high = row["asymmetry_low"], row["asymmetry_high"]
    if row["asymmetry"] < 0:
        a, b, t_ab, t_ba, n_ab, n_ba = b, a, t_ba, t_ab, n_ba, n_ab
        low, high = -high, -low
    value = abs(row["asymmetry"])
    name = ctx.sector_names
    one, other = name.get(a, a), name.get(b, b)
    quoted = figure(value, low, high, None)
    return Finding(
        f"{a}>{b}",
        value,
        low,
        high,
        int(min(n_ab, n_ba)),
        lambda limit: (
            f"Trust is one-sided: {one} trust {other} at {t_ab:.2f} (n = {n_ab}) but {other} "
            f"trust {one} at only {t_ba:.2f} (n = {n_ba}); the asymmetry {quoted} is {limit}"
        ),
        about=f"One-sided trust between {one} and {other}",
        bound=float(row["asymmetry_bound"]),
        cells=((a, b), (b, a)),
        plain=f"Trust between two sectors is one-sided to a critical degree; {_HIDDEN}",
    )


def _scale(gate: Gate, _x, scales: pd.DataFrame, _p, _c) -> Finding | None:
    """An area scale score, for a scale critical enough to cap the verdict on its own."""
    if gate.scale not in scales.index:
        return None
    row = scales.loc[gate.scale]
    if row["n"] < gate.min_n:
        return None
    quoted = figure(row["estimate"], row["low"], row["high"], int(row["n"]))
    return Finding(
        gate.scale,
        row["estimate"],
        row["low"],
        row["high"],
        int(row["n"]),
        lambda limit: f"{row['title']} scores {quoted}, {limit}, a critical concern",
        about=str(row["title"]),
    )


def _workshop_rate(gate: Gate, _x, _s, _p, calib: pd.DataFrame) -> Finding | None:
    """The over-caution or over-sharing rate over the workshop's decisions."""
    column = "over_caution" if gate.metric == "over_caution_rate" else "over_sharing"
    n_col = "lawful_n" if column == "over_caution" else "unlawful_n"
    if calib.empty or calib[n_col].iloc[0] < gate.min_n:
        return None
    row = calib.iloc[0]
    what = (
        "refused sharing that the law allows"
        if column == "over_caution"
        else "would share where the law does not allow it"
    )
    briefly = "held back" if column == "over_caution" else "over-shared"
    low, high, n = row[f"{column}_low"], row[f"{column}_high"], int(row[n_col])
    quoted = figure(row[column], low, high, n, True)
    return Finding(
        column,
        row[column],
        low,
        high,
        n,
        lambda limit: (
            f"In the workshop scenarios, participants {what} in {quoted} of decisions, {limit}"
        ),
        percent=True,
        about=(
            "Workshop over-caution (lawful sharing refused)"
            if column == "over_caution"
            else "Workshop over-sharing (sharing where the law does not allow it)"
        ),
        group="workshop",
        plain=(
            f"In the workshop scenarios, participants {briefly} often enough to cap the "
            "verdict; the figures are hidden because fewer than the minimum number of people "
            "took part."
        ),
    )


_HIDDEN = "the figures are hidden because a group is too small to show. This caps the verdict."

_METRICS = {
    "key_pair_mutual_trust": _key_pair,
    "max_asymmetry": _asymmetry,
    "scale": _scale,
    "over_caution_rate": _workshop_rate,
    "over_sharing_rate": _workshop_rate,
}
