"""The report's charts, drawn with matplotlib: SVG (vector, text kept as text) for the HTML
and PDF reports, high-resolution PNG for the slides.

The house style of the dashboard's figures: Okabe–Ito colours, bands named as well as
shaded, nothing told by colour alone. The trust matrix is a coloured table
(:func:`matrix_cells`): every figure stays text, and a suppressed cell is grey and says
"suppressed", with no number in it."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display: charts are drawn to files

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from app.exports.report.content import Matrix, ScoreRow

BLACK, BLUE, VERMILLION, GREEN, YELLOW = "#000000", "#0072B2", "#D55E00", "#009E73", "#F0E442"
GREY, SUPPRESSED_FILL = "#666666", "#D9D9D9"
BAND_COLOURS = (VERMILLION, YELLOW, GREEN)  # lowest band first
MARKERS = ("o", "s", "D", "^", "v", "P", "X")
plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "svg.fonttype": "none",  # text stays text in the SVG
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def svg(draw: Callable[..., Figure], *args: object, **kwargs: object) -> str:
    """The chart as an SVG document (for inlining in HTML)."""
    fig = draw(*args, **kwargs)
    out = io.StringIO()
    fig.savefig(out, format="svg")
    plt.close(fig)
    text = out.getvalue()
    return text[text.index("<svg") :]


def png(draw: Callable[..., Figure], *args: object, dpi: int = 200, **kwargs: object) -> bytes:
    """The chart as a high-resolution PNG (for slides)."""
    fig = draw(*args, **kwargs)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    plt.close(fig)
    return out.getvalue()


def scores(rows: list[ScoreRow], bands: list[tuple[str, float]], title: str) -> Figure:
    """One row per pillar or scale: the score (dot) and its interval (line) on the shaded
    bands, the median of all areas as a black tick, and the figure written beside it."""
    rows = [r for r in rows if not r.share]
    fig, ax = plt.subplots(figsize=(7.2, 0.42 * len(rows) + 1.0), layout="constrained")
    lo, hi = 1.0, 5.0
    edges = [b[1] for b in bands] + [lo]
    for k, (label, start) in enumerate(bands):
        top = hi if k == 0 else bands[k - 1][1]
        bottom = max(start, lo)
        colour = BAND_COLOURS[len(bands) - 1 - k] if len(bands) <= 3 else GREY
        ax.axvspan(bottom, top, color=colour, alpha=0.16, lw=0)
        ax.text(
            (bottom + top) / 2,
            len(rows) - 0.35,
            label,
            ha="center",
            va="bottom",
            fontsize=8,
            color=GREY,
        )
    del edges
    ys = np.arange(len(rows))[::-1]
    for y, r in zip(ys, rows, strict=True):
        if np.isnan(r.estimate):
            ax.text(lo + 0.05, y, "no score", va="center", fontsize=8, color=GREY)
            continue
        if not np.isnan(r.low):
            ax.plot([r.low, r.high], [y, y], color=BLUE, lw=2, solid_capstyle="butt")
        ax.plot(r.estimate, y, "o", color=BLUE, ms=6)
        if not np.isnan(r.benchmark):
            ax.plot(r.benchmark, y, "|", color=BLACK, ms=12, mew=2)
        right = max(r.high if not np.isnan(r.high) else r.estimate, r.estimate)
        ax.text(
            min(right + 0.06, hi - 0.02),
            y + 0.18,
            f"{r.text} (n={r.n})",
            fontsize=8,
            va="bottom",
            ha="left" if right < 4.4 else "right",
        )
    ax.set_yticks(ys, [textwrap.fill(r.title, 30) for r in rows])
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.7, len(rows) - 0.1)
    ax.set_xlabel(
        "Score (1 to 5; dot: this area, line: 95% interval, black tick: median of all areas)"
    )
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return fig


@dataclass(frozen=True)
class Cell:
    """One cell of a trust matrix as a reader sees it: its text, fill and ink colours."""

    text: str
    fill: str
    ink: str
    suppressed: bool = False


def matrix_cells(m: Matrix) -> tuple[list[str], list[str], list[list[Cell]]]:
    """The matrix as coloured cells (rows and columns: sectors that anyone rated or was
    rated by): light to dark blue for trust 1–5, orange–purple around 0 for asymmetry,
    grey "suppressed" for a hidden cell, "own" for a sector's own cell in a pair view.
    Drawn as a table (native in slides, text in HTML and PDF) rather than a picture."""
    rows = [r for r in m.values.index if (m.status.loc[r] != "empty").any()]
    cols = [c for c in m.values.columns if (m.status[c] != "empty").any()]
    cmap = plt.get_cmap("PuOr" if m.diverging else "Blues")
    lo, hi = (-2.0, 2.0) if m.diverging else (1.0, 5.0)
    grid = []
    for r in rows:
        line = []
        for c in cols:
            x, status = m.values.loc[r, c], m.status.loc[r, c]
            if status in ("small", "complementary"):
                line.append(Cell("suppressed", SUPPRESSED_FILL, "#333333", True))
            elif r == c and m.diverging:
                line.append(Cell("own", "#FFFFFF", GREY))
            elif pd.notna(x):
                shade = min(max((float(x) - lo) / (hi - lo), 0.0), 1.0)
                dark = abs(x) > 1.2 if m.diverging else x > 3.4
                text = f"{x:+.2f}" if m.diverging else f"{x:.2f}"
                line.append(Cell(text, to_hex(cmap(shade)), "#FFFFFF" if dark else "#222222"))
            else:
                line.append(Cell("", "#FFFFFF", GREY))
        grid.append(line)
    return [m.label(r) for r in rows], [m.label(c) for c in cols], grid


def trend(table: pd.DataFrame, bands: list[tuple[str, float]]) -> Figure:
    """Each pillar across every wave of the area (waves in order), on the shaded bands."""
    fig, ax = plt.subplots(figsize=(7.2, 3.4), layout="constrained")
    for k, (_, start) in enumerate(bands):
        top = 5.0 if k == 0 else bands[k - 1][1]
        colour = BAND_COLOURS[len(bands) - 1 - k] if len(bands) <= 3 else GREY
        ax.axhspan(max(start, 1.0), top, color=colour, alpha=0.12, lw=0)
    xs = np.arange(len(table.index))
    for k, column in enumerate(table.columns):
        ax.plot(
            xs,
            table[column].to_numpy(dtype=float),
            marker=MARKERS[k % len(MARKERS)],
            label=str(column),
            lw=1.6,
        )
    ax.set_xticks(xs, [f"Wave {w}" for w in table.index])
    ax.set_ylim(1, 5)
    ax.set_ylabel("Pillar score (1 to 5)")
    if len(xs) == 1:
        ax.set_xlim(-0.5, 0.5)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, frameon=False)
    ax.set_title("Pillars across every wave", loc="left", fontsize=11, fontweight="bold")
    return fig
