"""Every area in one table: the engagement manager's portfolio."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.readiness import Profile

# Verdicts from worst to best: the order a "worst first" sort and the badges follow.
VERDICT_ORDER = ("not_yet_ready", "insufficient_evidence", "ready_with_conditions", "ready")


def short_title(title: str) -> str:
    """A pillar's title short enough for a column heading: the words before the first
    " and " ("Culture and behaviour" → "Culture"); the full title is the column's help."""
    return title.split(" and ", 1)[0]


def real_changes(change: pd.DataFrame | None, kind: str = "pillar") -> tuple[int, int]:
    """How many measures of ``kind`` rose and fell by more than chance since the wave
    before: those whose interval for the change lies wholly above (or below) zero."""
    if change is None or change.empty:
        return 0, 0
    rows = change[change["kind"] == kind]
    low, high = rows["low"].to_numpy(dtype=float), rows["high"].to_numpy(dtype=float)
    return int(np.sum(low > 0)), int(np.sum(high < 0))


def portfolio_table(profiles: list[Profile], sector_names: dict[str, str]) -> pd.DataFrame:
    """One row per area (its latest wave): verdict and how likely it is, each pillar's
    score and band, weakest pillar and link, coverage, agreement flag, how many waves it has
    and what changed since the wave before (verdict, pillars up and down beyond chance).

    ``profiles`` must already be disclosure-controlled where needed; the weakest link is
    taken from ``Profile.pairs`` as given."""
    latest: dict[str, Profile] = {}
    waves: dict[str, list[Profile]] = {}
    for p in profiles:
        latest[p.area] = p  # profiles come in wave order
        waves.setdefault(p.area, []).append(p)
    rows = []
    for area, p in sorted(latest.items()):
        pillars = p.pillars["estimate"].dropna()
        before = waves[area][-2] if len(waves[area]) > 1 else None
        up, down = real_changes(p.change)
        row = {
            "area": area,
            "wave": p.wave,
            "waves": len(waves[area]),
            "verdict": p.verdict.label,
            "verdict_id": p.verdict.id,
            "verdict_probability": float(p.verdict.probability.get(p.verdict.id, np.nan)),
            "respondents": p.respondents,
            **{pid: p.pillars.loc[pid, "estimate"] for pid in p.pillars.index},
            **{f"{pid}_band": p.pillars.loc[pid, "band"] for pid in p.pillars.index},
            "weakest_pillar": p.pillars.loc[pillars.idxmin(), "title"] if len(pillars) else None,
            "weakest_link": None,
            "weakest_link_mutual": None,
            "sectors_covered": int(p.coverage["covered"].sum()),
            "sectors_total": len(p.coverage),
            "key_sectors_missing": len(p.missing_key_sectors),
            "agreement_flag": bool(p.disagreement),
            "previous_wave": before.wave if before is not None else None,
            "previous_verdict": before.verdict.label if before is not None else None,
            "pillars_up": up if before is not None else None,
            "pillars_down": down if before is not None else None,
        }
        if len(p.pairs):
            link = p.pairs.iloc[0]
            a, b = sector_names.get(link["a"], link["a"]), sector_names.get(link["b"], link["b"])
            row["weakest_link"] = f"{a} ↔ {b}"
            row["weakest_link_mutual"] = float(link["mutual"])
        rows.append(row)
    return pd.DataFrame(rows)


def change_text(row: pd.Series) -> str:
    """What changed since the wave before, in a few characters: "↑2 ↓0" (pillars that rose
    or fell beyond chance), "–" for an area with one wave."""
    if row.get("previous_wave") is None or pd.isna(row.get("previous_wave")):
        return "–"
    return f"↑{int(row['pillars_up'])} ↓{int(row['pillars_down'])}"


def readable(
    table: pd.DataFrame,
    pillar_titles: dict[str, str],
    names: dict[str, str] | None = None,
    *,
    band_labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The portfolio as a person reads it (on screen and in the CSV): readable headings,
    the pillars under their titles as in the profile, scores to 2 decimals, P(verdict)
    as a whole percentage, coverage as "covered of total". With ``band_labels`` (band id
    → label) each pillar's band follows its score (for the CSV, where there is no colour)."""
    names = names or {}
    out = pd.DataFrame(
        {
            "Area": table["area"],
            "Name": table["area"].map(names).fillna(table["area"]),
            "Verdict": table["verdict"],
            "How likely (%)": (table["verdict_probability"] * 100).round(0),
            **{title: table[pid].astype(float).round(2) for pid, title in pillar_titles.items()},
            "Weakest pillar": table["weakest_pillar"],
            "Weakest link": table["weakest_link"],
            "Its mutual trust": table["weakest_link_mutual"].astype(float).round(2),
            "Sectors with evidence": [
                f"{int(c)} of {int(t)}"
                for c, t in zip(table["sectors_covered"], table["sectors_total"], strict=True)
            ],
            "Key sectors missing": table["key_sectors_missing"],
            "Staff disagree": table["agreement_flag"],
            "Last wave": table["wave"],
            "Change since last wave": table.apply(change_text, axis=1),
            "Respondents": table["respondents"],
        }
    )
    if band_labels is not None:
        for pid, title in pillar_titles.items():
            at = out.columns.get_loc(title) + 1
            out.insert(at, f"{title} (band)", table[f"{pid}_band"].map(band_labels))
    for column in ("open_actions", "overdue_actions"):
        if column in table:
            out[column.replace("_", " ").capitalize()] = table[column]
    return out
