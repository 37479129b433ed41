"""Coverage: which sectors gave evidence, and whether there is enough for a verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.context import Context
from analysis.verdict import Reason


def coverage(sector: pd.Series, ctx: Context) -> tuple[pd.DataFrame, list[str], list[Reason]]:
    me = ctx.rules.minimum_evidence
    # Plain arrays first (this runs once per area and wave), the table once at the end.
    codes = pd.Index(ctx.sectors).get_indexer(np.asarray(sector, dtype=object))
    n = np.bincount(codes[codes >= 0], minlength=len(ctx.sectors)).astype(np.int64)
    titles = [ctx.sector_names.get(s, s) for s in ctx.sectors]
    key = np.array([s in ctx.key_sectors for s in ctx.sectors], dtype=bool)
    is_covered = n >= me.respondents_per_sector
    table = pd.DataFrame(
        {"name": titles, "n": n, "key": key, "covered": is_covered},
        index=pd.Index(ctx.sectors, name="sector"),
    )
    covered = [s for s, c in zip(ctx.sectors, is_covered, strict=True) if c]
    covered_key = [s for s in covered if s in ctx.key_sectors]
    missing_key = [s for s in ctx.key_sectors if s not in covered]
    reasons = []
    total = int(n.sum())
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
        names = ", ".join(ctx.sector_names.get(s, s) for s in covered_key) or "none"
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
