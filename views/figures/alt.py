"""Text alternatives for every chart: a sentence summarising it and a table with the same
numbers, both read from the figure itself so they can never disagree with what is drawn.

A heatmap becomes a row × column table; bars, points and boxes become one row per
category (one column per trace). Titles and labels are plotly's escaped text, turned back
into plain text here (the page shows them as text, never as markup)."""

from __future__ import annotations

import html
import math
import re
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

_TAGS = re.compile(r"<[^>]+>")


def plain(text: Any) -> str:
    """Plotly label text (escaped, with ``<br>`` and ``<b>``) as plain text."""
    return html.unescape(_TAGS.sub(" ", str(text or ""))).replace("  ", " ").strip()


def title_of(fig: go.Figure) -> str:
    return plain(fig.layout.title.text) if fig.layout.title and fig.layout.title.text else ""


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _labels(fig: go.Figure, axis: str, cats: Any) -> list[str]:
    """Category positions as the reader sees them: through the axis's tick labels when
    the figure places rows by number."""
    ax = fig.layout[axis]
    names: dict[Any, Any] = {}
    if ax.tickvals is not None and ax.ticktext is not None:
        names = dict(zip(ax.tickvals, ax.ticktext, strict=False))
    return [plain(names.get(c, c)) for c in cats]


def _series(values: Any, labels: list[str]) -> pd.Series:
    series = pd.Series([_number(v) for v in values], index=labels[: len(values)], dtype=float)
    return series[~series.index.duplicated()].round(2)


def chart_table(fig: go.Figure) -> pd.DataFrame:
    """The numbers a chart draws, as a table (empty when it draws none)."""
    heatmaps = [t for t in fig.data if t.type == "heatmap" and t.z is not None]
    if heatmaps:
        t = heatmaps[0]
        z = np.asarray(t.z, dtype=float)
        rows = [plain(y) for y in (t.y if t.y is not None else range(z.shape[0]))]
        cols = [plain(x) for x in (t.x if t.x is not None else range(z.shape[1]))]
        return pd.DataFrame(z, index=pd.Index(rows, name=""), columns=cols).round(2)
    columns: dict[str, pd.Series] = {}
    for n, t in enumerate(fig.data):
        if t.type not in {"bar", "scatter", "box"}:
            continue
        name = plain(t.name) or f"Series {n + 1}"
        horizontal = getattr(t, "orientation", None) == "h"
        cats, values = (t.y, t.x) if horizontal else (t.x, t.y)
        axis = "yaxis" if horizontal else "xaxis"
        if t.type == "box" and t.median is not None:  # statistics given, not raw values
            labels = _labels(fig, axis, cats if cats is not None else range(len(t.median)))
            for stat, title in (
                ("q1", "lower quartile"),
                ("median", "median"),
                ("q3", "upper quartile"),
                ("mean", "mean"),
            ):
                given = getattr(t, stat)
                if given is not None:
                    columns[f"{name} ({title})"] = _series(given, labels)
            continue
        if t.type == "box":
            values = values if values is not None else []
            cats = cats if cats is not None else [name] * len(values)
            frame = pd.DataFrame({"c": _labels(fig, axis, cats), "v": list(values)})
            medians = frame.groupby("c", sort=False)["v"].median()
            columns[f"{name} (median)"] = medians.round(2)
            continue
        if values is None or cats is None:
            continue
        columns[name] = _series(values, _labels(fig, axis, cats))
    if not columns:
        return pd.DataFrame()
    table = pd.concat(columns, axis=1)
    table.index.name = ""
    return table


def chart_summary(fig: go.Figure) -> str:
    """One or two sentences saying what the chart shows: its title, its size, and where
    its highest and lowest values are."""
    title = title_of(fig) or "Chart"
    table = chart_table(fig)
    numbers = table.select_dtypes("number") if not table.empty else table
    if numbers.empty or numbers.notna().sum().sum() == 0:
        return f"{title}: no values to show."
    stacked = numbers.stack().dropna()
    high, low = stacked.idxmax(), stacked.idxmin()
    heat = any(t.type == "heatmap" for t in fig.data)

    def where(cell: tuple[str, str]) -> str:
        row, col = cell
        if heat:
            return f"{row} → {col}"
        return row if numbers.shape[1] == 1 else f"{row} ({col})"

    size = (
        f"{numbers.shape[0]} rows by {numbers.shape[1]} columns"
        if heat
        else f"{numbers.shape[0]} categories"
    )
    hidden = int(numbers.isna().sum().sum())
    note = f" {hidden} values are not shown (too few people, or no answers)." if hidden else ""
    return (
        f"{title}: {size}. Highest: {where(high)}, {stacked[high]:.2f}; "
        f"lowest: {where(low)}, {stacked[low]:.2f}.{note}"
    )
