"""Every area in one table: the engagement manager's portfolio."""

from __future__ import annotations

import pandas as pd

from analysis.readiness import Profile


def portfolio_table(profiles: list[Profile], sector_names: dict[str, str]) -> pd.DataFrame:
    """One row per area (its latest wave): verdict, pillar scores, weakest pillar, weakest
    link, coverage, agreement flag and how many waves it has.

    ``profiles`` must already be disclosure-controlled where needed; the weakest link is
    taken from ``Profile.pairs`` as given."""
    latest: dict[str, Profile] = {}
    waves: dict[str, int] = {}
    for p in profiles:
        latest[p.area] = p  # profiles come in wave order
        waves[p.area] = waves.get(p.area, 0) + 1
    rows = []
    for area, p in sorted(latest.items()):
        pillars = p.pillars["estimate"].dropna()
        row = {
            "area": area,
            "wave": p.wave,
            "waves": waves[area],
            "verdict": p.verdict.label,
            "verdict_id": p.verdict.id,
            "respondents": p.respondents,
            **{pid: p.pillars.loc[pid, "estimate"] for pid in p.pillars.index},
            "weakest_pillar": p.pillars.loc[pillars.idxmin(), "title"] if len(pillars) else None,
            "weakest_link": None,
            "weakest_link_mutual": None,
            "sectors_covered": int(p.coverage["covered"].sum()),
            "key_sectors_missing": len(p.missing_key_sectors),
            "agreement_flag": bool(p.disagreement),
        }
        if len(p.pairs):
            link = p.pairs.iloc[0]
            a, b = sector_names.get(link["a"], link["a"]), sector_names.get(link["b"], link["b"])
            row["weakest_link"] = f"{a} ↔ {b}"
            row["weakest_link_mutual"] = float(link["mutual"])
        rows.append(row)
    return pd.DataFrame(rows)
