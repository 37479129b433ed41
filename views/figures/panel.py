"""Figures across areas and sectors: the portfolio's pillar strips and the academic
panel's patterns from pooled data.

Pure functions returning plotly figures, with the conventions of :mod:`views.figures`
(escaped text, nothing told by colour alone, small groups not drawn); each is also
reachable as ``views.figures.<name>``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from views.figures.profile import score_chart
from views.figures.style import (
    BLUE,
    SEQUENTIAL,
    SUPPRESSED_FILL,
    BandLike,
    esc,
    layout,
    note,
    pretty,
    row_axis,
    row_note,
)


def pillar_strip(
    portfolio: pd.DataFrame,
    pillar: str,
    *,
    bands: Sequence[BandLike],
    title: str | None = None,
) -> go.Figure:
    """One pillar across areas: a dot per area, highest first, on the shaded bands."""
    names = portfolio["name"] if "name" in portfolio else portfolio["area"]
    table = pd.DataFrame(
        {
            "title": names.fillna(portfolio["area"]).astype(str).to_numpy(),
            "estimate": pd.to_numeric(portfolio[pillar], errors="coerce").to_numpy(),
        }
    ).sort_values("estimate", ascending=False, na_position="last", kind="stable")
    fig = score_chart(table, bands, title=title or pretty(pillar), x_range=(1.0, 5.0))
    fig.data[0].textposition = "middle right"
    return fig.update_layout(height=150 + 24 * max(len(table), 1), showlegend=False)


def sector_scale_heatmap(
    table: pd.DataFrame,
    *,
    names: Mapping[str, str],
    titles: Mapping[str, str] | None = None,
    counts: pd.Series | pd.DataFrame | None = None,
    min_group: int = 5,
    z_range: tuple[float, float] = (1.0, 5.0),
) -> go.Figure:
    """Mean score of each scale (columns) by sector (rows), each cell annotated; blank where
    there is no score. A column of shares (all values ≤ 1, e.g. knowledge) is written as
    percentages and shaded as if 0–100 % were the ``z_range``. With ``counts``
    (respondents per sector, or per cell), a cell of fewer than ``min_group`` people is
    grey and says "suppressed"."""
    rows, cols = list(table.index), list(table.columns)
    v = table.to_numpy(dtype=float)
    hidden = np.zeros(v.shape, dtype=bool)
    if counts is not None:
        if isinstance(counts, pd.Series):
            counts = pd.DataFrame({c: counts for c in cols})
        c = counts.reindex(index=rows, columns=cols).to_numpy(dtype=float)
        hidden = (c > 0) & (c < min_group)
    z = np.where(hidden, np.nan, v)
    lo, hi = z_range
    share = np.nanmax(np.where(np.isfinite(v), v, -np.inf), axis=0, initial=-np.inf) <= 1
    share = np.broadcast_to(share & np.isfinite(v).any(axis=0), v.shape)
    colour_z = np.where(share, lo + (hi - lo) * z, z)
    row_labels = [esc(names.get(r, r)) for r in rows]
    col_labels = [esc((titles or {}).get(c, pretty(c))) for c in cols]
    hover = np.full(z.shape, "", dtype=object)
    cells = []  # added in one go: one add_annotation per cell is quadratic in plotly
    for i, j in np.ndindex(z.shape):
        where = f"{row_labels[i]}, {col_labels[j]}"
        if hidden[i, j]:
            hover[i, j] = f"{where}: suppressed (too few people)"
            text, colour = "suppressed", "#222"
        elif np.isfinite(z[i, j]):
            text = f"{z[i, j]:.0%}" if share[i, j] else f"{z[i, j]:.2f}"
            hover[i, j] = f"{where}: {text}"
            colour = "white" if (colour_z[i, j] - lo) / (hi - lo) > 0.575 else "#222"
        else:
            continue
        cells.append({"x": j, "y": i, "text": text, "showarrow": False, "font": {"color": colour}})
    fig = go.Figure(layout={"annotations": cells})
    xs, ys = list(range(len(cols))), list(range(len(rows)))
    common = {"x": xs, "y": ys, "xgap": 2, "ygap": 2, "hoverongaps": False, "text": hover}
    common["hovertemplate"] = "%{text}<extra></extra>"
    bar = {"title": {"text": "Mean score"}, "thickness": 14}
    fig.add_trace(
        go.Heatmap(z=colour_z, zmin=lo, zmax=hi, colorscale=SEQUENTIAL, colorbar=bar, **common)
    )
    grey = [[0, SUPPRESSED_FILL], [1, SUPPRESSED_FILL]]
    z_hidden = np.where(hidden, 0.0, np.nan)
    fig.add_trace(go.Heatmap(z=z_hidden, colorscale=grey, showscale=False, **common))
    layout(fig, "Mean scale scores by sector", rows=len(rows), per_row=40)
    row_axis(fig, row_labels, pad=0, title="Sector")
    fig.update_xaxes(tickvals=xs, ticktext=col_labels, side="top", tickangle=-35, showgrid=False)
    return fig.update_layout(margin={"t": 200})


def distribution_by_sector(
    frame: pd.DataFrame,
    *,
    value: str,
    sector: str,
    names: Mapping[str, str],
    min_group: int = 5,
    value_label: str | None = None,
) -> go.Figure:
    """Box plot of a score per sector (median, quartiles, mean as a dashed line, whiskers
    to the furthest value within 1.5 IQR). Only these statistics reach the figure, not the
    answers; a sector of fewer than ``min_group`` answers is named as hidden, not drawn."""
    present = set(frame[sector].dropna())
    codes = [c for c in names if c in present] + sorted(present - set(names), key=str)
    label = value_label or pretty(value)
    stats: dict[str, list[float]] = {k: [] for k in ("y", "q1", "median", "q3", "mean")}
    stats |= {"lowerfence": [], "upperfence": []}
    labels, hidden = [], []
    for i, code in enumerate(codes):
        x = pd.to_numeric(frame.loc[frame[sector] == code, value], errors="coerce").dropna()
        x = x.to_numpy(dtype=float)
        labels.append(f"{esc(names.get(code, code))} (n={len(x)})")
        if len(x) < min_group:
            labels[-1] = esc(names.get(code, code))
            hidden.append(i)
            continue
        q1, median, q3 = np.percentile(x, [25, 50, 75])
        reach = 1.5 * (q3 - q1)
        whiskers = (x[x >= q1 - reach].min(), x[x <= q3 + reach].max())
        for key, stat in zip(stats, (i, q1, median, q3, x.mean(), *whiskers), strict=True):
            stats[key].append(float(stat))
    fig = go.Figure()
    fig.add_trace(
        go.Box(
            orientation="h",
            boxpoints=False,
            name=esc(label),
            marker_color=BLUE,
            fillcolor="rgba(0,114,178,0.25)",
            boxmean=True,
            **stats,
        )
    )
    for i in hidden:
        row_note(fig, i, f"fewer than {min_group} (hidden)", x=0)
    fig.update_annotations(xref="paper")
    layout(fig, f"{label} by sector", rows=len(codes), per_row=36)
    row_axis(fig, labels, pad=0)
    note(fig, "Box: middle half of answers, line at the median, dashed line at the mean.", y=-0.12)
    return fig.update_xaxes(title=esc(label)).update_layout(showlegend=False)
