"""Coverage: which sectors gave evidence, and whether there is enough for a verdict."""

from __future__ import annotations

import pandas as pd

from analysis.context import Context
from analysis.verdict import Reason


def coverage(sector: pd.Series, ctx: Context) -> tuple[pd.DataFrame, list[str], list[Reason]]:
    me = ctx.rules.minimum_evidence
    counts = sector.value_counts().reindex(ctx.sectors, fill_value=0)
    table = pd.DataFrame(
        {
            "name": [ctx.sector_names.get(s, s) for s in ctx.sectors],
            "n": counts.to_numpy(),
            "key": [s in ctx.key_sectors for s in ctx.sectors],
        },
        index=pd.Index(ctx.sectors, name="sector"),
    )
    table["covered"] = table["n"] >= me.respondents_per_sector
    covered = table[table["covered"]]
    covered_key = covered[covered["key"]]
    missing_key = [s for s in ctx.key_sectors if not table.loc[s, "covered"]]
    reasons = []
    total = int(table["n"].sum())
    if total < me.respondents:
        reasons.append(
            Reason(
                f"Only {total} staff answered the survey; at least {me.respondents} are needed "
                "for a verdict.",
                "evidence",
                "respondents",
                float(total),
                n=total,
            )
        )
    if len(covered) < me.covered_sectors:
        reasons.append(
            Reason(
                f"Only {len(covered)} sectors gave enough evidence (at least "
                f"{me.respondents_per_sector} respondents each); at least {me.covered_sectors} "
                "are needed.",
                "evidence",
                "sectors",
                float(len(covered)),
                n=total,
            )
        )
    if len(covered_key) < me.covered_key_sectors:
        names = ", ".join(covered_key["name"]) or "none"
        missing = ", ".join(ctx.sector_names.get(s, s) for s in missing_key)
        reasons.append(
            Reason(
                f"Only {len(covered_key)} key sectors gave enough evidence ({names}); at least "
                f"{me.covered_key_sectors} are needed. Missing: {missing}.",
                "evidence",
                "key_sectors",
                float(len(covered_key)),
                n=total,
            )
        )
    return table, missing_key, reasons
