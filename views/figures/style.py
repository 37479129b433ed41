"""The house style of every figure: Okabe–Ito colours, band backgrounds, escaping of text
from data, and small layout helpers shared by :mod:`views.figures.profile` and
:mod:`views.figures.panel`."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pandas as pd
import plotly.graph_objects as go

# Okabe–Ito colours; band backgrounds lowest first (concern, borderline, strength).
BLACK, SKY, GREEN, BLUE, VERMILLION = "#000000", "#56B4E9", "#009E73", "#0072B2", "#D55E00"
GREY, SUPPRESSED_FILL = "#666666", "#D9D9D9"
BAND_FILLS = ("rgba(213,94,0,0.16)", "rgba(240,228,66,0.28)", "rgba(0,158,115,0.16)")
# Single-hue sequential (light = low, dark = high) and purple–orange diverging scales.
SEQUENTIAL = [[0.0, "#deebf7"], [0.5, "#6baed6"], [1.0, "#08306b"]]
DIVERGING = [
    [0.0, "#b35806"],
    [0.25, "#f1a340"],
    [0.5, "#f7f7f7"],
    [0.75, "#998ec3"],
    [1.0, "#542788"],
]
TYPE_COLOURS = {"barrier": VERMILLION, "enabler": GREEN}
# Table cells (CSS for a pandas Styler): a band's fill as in the figures, and each verdict
# as a coloured badge, dark text on a light fill so it reads in print and for colour-blind
# readers (the words are always there too).
BAND_CELLS = {
    "concern": "background-color: rgba(213,94,0,0.30)",
    "borderline": "background-color: rgba(240,228,66,0.45)",
    "strength": "background-color: rgba(0,158,115,0.30)",
}
VERDICT_CELLS = {
    "ready": "background-color: #b7e4c7; font-weight: bold",
    "ready_with_conditions": "background-color: #cfe6f7; font-weight: bold",
    "not_yet_ready": "background-color: #f6c6a8; font-weight: bold",
    "insufficient_evidence": "background-color: #e0e0e0; font-weight: bold",
}
HIDDEN = ("small", "complementary")


class BandLike(Protocol):
    """A band as in :class:`instruments.schema.Band`: id, label and the lowest score in it."""

    id: str
    label: str
    min: float


def esc(text: object) -> str:
    """``html.escape``, with the quote as ``&#34;`` (plotly shows ``&quot;`` literally)."""
    return html.escape(str(text)).replace("&quot;", "&#34;")


def wrap(text: object, width: int = 45) -> str:
    """Escaped text in lines of at most ``width`` characters."""
    return "<br>".join(esc(line) for line in textwrap.wrap(str(text), width) or [""])


def pretty(code: object) -> str:
    """A fallback title for an identifier: "change_readiness" → "Change readiness"."""
    return str(code).replace("_", " ").capitalize()


def floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def flags(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].fillna(False).astype(bool).to_numpy()


def layout(fig: go.Figure, title: str, *, rows: int, per_row: int = 44) -> go.Figure:
    """The house layout: white, plain font, escaped title, height growing with the rows."""
    return fig.update_layout(
        title={"text": esc(title), "x": 0, "xanchor": "left", "y": 0.99, "yanchor": "top"},
        template="plotly_white",
        font={"family": "Arial, Helvetica, sans-serif", "size": 13, "color": "#222"},
        height=170 + per_row * max(rows, 1),
        margin={"l": 10, "r": 30, "t": 90, "b": 100},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        hoverlabel={"align": "left"},
    )


def row_axis(fig: go.Figure, labels: Sequence[str], pad: float = 0.4, **kwargs: object) -> None:
    """Numbered rows, the first at the top (``pad`` rows of room above it for its label),
    labelled with already escaped ``labels``."""
    ticks, span = list(range(len(labels))), [len(labels) - 0.5, -0.5 - pad]
    fig.update_yaxes(tickvals=ticks, ticktext=list(labels), range=span, **kwargs)
    fig.update_yaxes(showgrid=False, zeroline=False)


def note(fig: go.Figure, text: str, **kwargs: object) -> None:
    """A grey annotation (``text`` already escaped), by default under the plot."""
    spec = {"x": 0, "y": -0.02, "xref": "paper", "yref": "paper", "xanchor": "left"}
    spec |= {"yanchor": "top", "showarrow": False, "font": {"size": 12, "color": GREY}}
    fig.add_annotation(text=text, **(spec | kwargs))


def row_note(fig: go.Figure, row: int, text: str, x: float = 0) -> None:
    """A grey label in place of a row's point or bar (``text`` already escaped)."""
    fig.add_annotation(x=x, y=row, xanchor="left", showarrow=False, text=text)
    fig.layout.annotations[-1].font = {"color": GREY}


def empty_figure(title: str, message: str) -> go.Figure:
    """A figure that says there is nothing to show."""
    fig = layout(go.Figure(), title, rows=1)
    note(fig, esc(message), x=0.5, y=0.5, xanchor="center", yanchor="middle")
    return fig.update_xaxes(visible=False).update_yaxes(visible=False)


def add_bands(fig: go.Figure, bands: Sequence[BandLike], x_range: tuple[float, float]) -> None:
    """Shade each band inside ``x_range`` as a vertical rectangle, named above the plot."""
    lo, hi = x_range
    ordered = sorted(bands, key=lambda b: b.min)
    tops = [b.min for b in ordered[1:]] + [hi]
    spans = [(b, max(b.min, lo), min(t, hi)) for b, t in zip(ordered, tops, strict=True)]
    spans = [s for s in spans if s[2] > s[1]]
    rect = {"type": "rect", "yref": "paper", "y0": 0, "y1": 1, "layer": "below", "line_width": 0}
    head = {"yref": "paper", "y": 1, "yanchor": "bottom", "showarrow": False}
    for i, (band, x0, x1) in enumerate(spans):
        fill = BAND_FILLS[0 if i == 0 else 2 if i == len(spans) - 1 else 1]
        fig.add_shape(rect, x0=x0, x1=x1, fillcolor=fill, name=f"band:{band.id}")
        fig.add_annotation(head, x=(x0 + x1) / 2, text=f"<b>{esc(band.label)}</b>")


def points(
    x: np.ndarray, y: Sequence[float], low: np.ndarray, high: np.ndarray, **kwargs: object
) -> go.Scatter:
    """Points with an interval from ``low`` to ``high``, labelled, hover from ``hovertext``."""
    bars = {"type": "data", "symmetric": False, "array": high - x, "arrayminus": x - low}
    spec = {"mode": "markers+text", "textposition": "top center", "cliponaxis": False}
    spec |= {"hoverinfo": "text", "marker": {"color": BLUE, "size": 11}}
    bars |= {"color": "#333", "thickness": 2, "width": 6}
    return go.Scatter(x=x, y=list(y), error_x=bars, **(spec | kwargs))


def range_text(low: float, high: float, fmt: str = "{:.2f}") -> str:
    if np.isfinite(low) and np.isfinite(high):
        return f" ({fmt.format(low)} to {fmt.format(high)})"
    return ""


def default_range(table: pd.DataFrame) -> tuple[float, float]:
    """0–1 when every row is knowledge-like (``kind``, else all values ≤ 1), else 1–5."""
    if "kind" in table and len(table):
        return (0.0, 1.0) if (table["kind"] == "knowledge").all() else (1.0, 5.0)
    values = np.concatenate([floats(table, c) for c in ("estimate", "low", "high")])
    values = values[np.isfinite(values)]
    return (0.0, 1.0) if len(values) and values.max() <= 1 else (1.0, 5.0)
