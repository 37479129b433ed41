"""Figures of an area across its waves: the trend of each pillar and of the weakest links,
each point with its interval. Text from data goes through :func:`esc`."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from views.figures.style import BLACK, BLUE, GREEN, GREY, SKY, VERMILLION, empty_figure, esc, layout

# Okabe–Ito colours and a marker each, so no series is told by colour alone.
_SERIES = (
    (BLUE, "circle"),
    (VERMILLION, "diamond"),
    (GREEN, "square"),
    (SKY, "triangle-up"),
    (BLACK, "x"),
    (GREY, "star"),
)


def trend_chart(trend: pd.DataFrame, *, kind: str, title: str) -> go.Figure:
    """One line per measure of ``kind`` (``pillar`` or ``pair``) across the waves, each
    point with its 95% interval as an error bar. ``trend`` is as
    :func:`analysis.change.trend` gives it."""
    table = trend[trend["kind"] == kind] if len(trend) else trend
    if table.empty or table["estimate"].notna().sum() == 0:
        return empty_figure(title, "Nothing to show across waves yet.")
    waves = list(dict.fromkeys(table["wave"]))
    fig = go.Figure()
    for i, (measure, rows) in enumerate(table.groupby("measure", sort=False)):
        colour, marker = _SERIES[i % len(_SERIES)]
        rows = rows.set_index("wave").reindex(waves)
        label = esc(rows["title"].dropna().iloc[0] if rows["title"].notna().any() else measure)
        est = rows["estimate"].astype(float)
        fig.add_trace(
            go.Scatter(
                x=waves,
                y=est,
                mode="lines+markers",
                name=label,
                marker={"symbol": marker, "size": 10, "color": colour},
                line={"color": colour, "width": 2},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (rows["high"].astype(float) - est).clip(lower=0),
                    "arrayminus": (est - rows["low"].astype(float)).clip(lower=0),
                    "thickness": 1,
                    "width": 4,
                },
                hovertext=[
                    f"{label}, wave {esc(w)}: {e:.2f} ({lo:.2f} to {hi:.2f})"
                    for w, e, lo, hi in zip(waves, est, rows["low"], rows["high"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    layout(fig, title, rows=6)
    fig.update_xaxes(type="category", title="Wave")
    return fig.update_yaxes(range=[1, 5.1], dtick=1, title="Score (1 = low, 5 = high)")
