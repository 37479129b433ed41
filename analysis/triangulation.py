"""Interview and workshop evidence beside the survey: triangulation, themes and cards."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.context import Context


def triangulation(
    ratings: pd.DataFrame, scales: pd.DataFrame, pillars: pd.DataFrame, ctx: Context
) -> pd.DataFrame:
    """Interview ratings beside the survey score of the same dimension."""
    rows = []
    # Each interview's mean rating per dimension (two coders of one interview count once),
    # split by dimension once rather than filtered per dimension.
    by_dimension: dict[str, np.ndarray] = {}
    if len(ratings):
        per_interview = ratings.groupby(["interview", "dimension"])["rating"].mean()
        dims = per_interview.index.get_level_values("dimension").to_numpy()
        values = per_interview.to_numpy(dtype=float)
        by_dimension = {d: values[dims == d] for d in pd.unique(dims)}
    for dim, (title, survey_scale) in ctx.dimensions.items():
        r = by_dimension.get(dim, np.empty(0))
        if survey_scale in scales.index:
            survey_value = scales.loc[survey_scale, "estimate"]
        elif ctx.model.trust is not None and survey_scale == ctx.model.trust.scale:
            survey_value = pillars.loc[ctx.model.trust.pillar, "estimate"]
        else:
            survey_value = np.nan
        answered = r[~np.isnan(r)]
        interview_value = answered.mean() if len(answered) else np.nan
        diff = interview_value - survey_value
        rows.append(
            {
                "dimension": dim,
                "title": title,
                "survey_scale": survey_scale,
                "survey": survey_value,
                "interview": interview_value,
                "interviews": len(r),
                "difference": diff,
                "disagree": bool(abs(diff) > ctx.rules.triangulation.disagreement)
                if not np.isnan(diff)
                else False,
            }
        )
    return pd.DataFrame(rows).set_index("dimension") if rows else pd.DataFrame()


def themes(codes: pd.DataFrame | None, ctx: Context) -> pd.DataFrame:
    """Interview themes: how many interviews raised each (coder-agnostic), with pillar and type."""
    cols = ["theme", "title", "pillar", "type", "interviews"]
    if codes is None or codes.empty:
        return pd.DataFrame(columns=cols)
    counts = codes.groupby("theme")["interview"].nunique().rename("interviews").reset_index()
    counts["title"] = counts["theme"].map(lambda t: ctx.themes.get(t, (t, "", ""))[0])
    counts["pillar"] = counts["theme"].map(lambda t: ctx.themes.get(t, (t, "", ""))[1])
    counts["type"] = counts["theme"].map(lambda t: ctx.themes.get(t, (t, "", ""))[2])
    return counts[cols].sort_values(
        ["interviews", "theme"], ascending=[False, True], ignore_index=True
    )


def card_votes(cards: pd.DataFrame | None) -> pd.DataFrame:
    """Workshop barrier and enabler cards by pillar, with their votes."""
    cols = ["type", "pillar", "cards", "votes"]
    if cards is None or cards.empty:
        return pd.DataFrame(columns=cols)
    agg = (
        cards.groupby(["type", "pillar"])
        .agg(cards=("slot", "size"), votes=("votes", "sum"))
        .reset_index()
    )
    return agg.sort_values(["type", "votes"], ascending=[True, False], ignore_index=True)[cols]
