"""Critical gates: concerns that cap the verdict instead of being averaged away.

Each gate of ``readiness_rules.yaml`` reads one metric of the profile; a tripped gate
carries the reason that names the scale or sector pair, the value, its interval and n."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.context import Context
from analysis.verdict import GateResult, Reason, figure
from survey.schema import Gate


def evaluate_gate(
    gate: Gate, ctx: Context, scales: pd.DataFrame, pairs: pd.DataFrame, calib: pd.DataFrame
) -> GateResult:
    """Evaluate one critical gate; a tripped gate carries the reason that names it."""
    name = ctx.sector_names
    cap = ctx.rules.verdicts
    cap_label = next((v.label for v in cap if v.id == gate.cap), gate.cap)

    def tripped(value: float) -> bool:
        if value is None or np.isnan(value):
            return False
        return (gate.below is not None and value < gate.below) or (
            gate.above is not None and value > gate.above
        )

    limit = f"below {gate.below:.2f}" if gate.below is not None else f"above {gate.above:.2f}"
    if gate.metric == "key_pair_mutual_trust":
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
            return GateResult(gate, False, None)
        mutual = pairs["mutual"].to_numpy(dtype=float)[candidates]
        row = pairs.iloc[candidates[np.argmin(mutual)]]  # the weakest; ties: listed first
        if not tripped(row["mutual"]):
            return GateResult(gate, False, None)
        raters = f"{row['n_ab']} and {row['n_ba']} raters"
        text = (
            f"Mutual trust between {name.get(row['a'], row['a'])} and "
            f"{name.get(row['b'], row['b'])} is "
            f"{figure(row['mutual'], row['mutual_low'], row['mutual_high'], raters)}, {limit}: "
            f"the verdict can be no better than {cap_label}."
        )
        reason = Reason(
            text,
            "gate",
            f"{row['a']}~{row['b']}",
            row["mutual"],
            row["mutual_low"],
            row["mutual_high"],
            int(min(row["n_ab"], row["n_ba"])),
            gate.cap,
        )
        return GateResult(gate, True, reason)
    if gate.metric == "max_asymmetry":
        if pairs.empty:
            return GateResult(gate, False, None)
        row = pairs.loc[pairs["asymmetry"].abs().idxmax()]
        a, b, t_ab, t_ba, n_ab, n_ba = (
            row["a"],
            row["b"],
            row["t_ab"],
            row["t_ba"],
            row["n_ab"],
            row["n_ba"],
        )
        lo, hi = row["asymmetry_low"], row["asymmetry_high"]
        if row["asymmetry"] < 0:
            a, b, t_ab, t_ba, n_ab, n_ba = b, a, t_ba, t_ab, n_ba, n_ab
            lo, hi = -hi, -lo
        value = abs(row["asymmetry"])
        if not tripped(value):
            return GateResult(gate, False, None)
        text = (
            f"Trust is one-sided: {name.get(a, a)} trust {name.get(b, b)} at {t_ab:.2f} "
            f"(n = {n_ab}) "
            f"but {name.get(b, b)} trust {name.get(a, a)} at only {t_ba:.2f} (n = {n_ba}); the "
            f"asymmetry {figure(value, lo, hi, None)} is {limit}: "
            f"the verdict can be no better than {cap_label}."
        )
        return GateResult(
            gate,
            True,
            Reason(text, "gate", f"{a}>{b}", value, lo, hi, int(min(n_ab, n_ba)), gate.cap),
        )
    if gate.metric == "scale":
        if gate.scale not in scales.index:
            return GateResult(gate, False, None)
        row = scales.loc[gate.scale]
        if not tripped(row["estimate"]) or row["n"] < gate.min_n:
            return GateResult(gate, False, None)
        text = (
            f"{row['title']} scores "
            f"{figure(row['estimate'], row['low'], row['high'], int(row['n']))}, "
            f"{limit}, a critical concern: the verdict can be no better than {cap_label}."
        )
        return GateResult(
            gate,
            True,
            Reason(
                text,
                "gate",
                gate.scale,
                row["estimate"],
                row["low"],
                row["high"],
                int(row["n"]),
                gate.cap,
            ),
        )
    # over_caution_rate / over_sharing_rate from the workshop vignettes
    column = "over_caution" if gate.metric == "over_caution_rate" else "over_sharing"
    n_col = "lawful_n" if column == "over_caution" else "unlawful_n"
    if calib.empty or calib[n_col].iloc[0] < gate.min_n:
        return GateResult(gate, False, None)
    row = calib.iloc[0]
    if not tripped(row[column]):
        return GateResult(gate, False, None)
    what = (
        "refused sharing that the law allows"
        if column == "over_caution"
        else "would share where the law does not allow it"
    )
    limit_pct = f"below {gate.below:.0%}" if gate.below is not None else f"above {gate.above:.0%}"
    rate = figure(row[column], row[f"{column}_low"], row[f"{column}_high"], int(row[n_col]), True)
    text = (
        f"In the workshop scenarios, participants {what} in {rate} "
        f"of decisions, {limit_pct}: the verdict can be no better than {cap_label}."
    )
    return GateResult(
        gate,
        True,
        Reason(
            text,
            "gate",
            column,
            row[column],
            row[column + "_low"],
            row[column + "_high"],
            int(row[n_col]),
            gate.cap,
        ),
    )
