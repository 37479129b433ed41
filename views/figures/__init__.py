"""Figures: pure functions from frames to plotly figures, testable without Streamlit.

:mod:`views.figures.profile` draws an area's profile, :mod:`views.figures.panel` the
views across areas, :mod:`views.figures.style` holds the colours and helpers both share."""

from views.figures.change import trend_chart
from views.figures.panel import distribution_by_sector, pillar_strip, sector_scale_heatmap
from views.figures.profile import (
    calibration_chart,
    change_chart,
    coverage_chart,
    evidence_bars,
    score_chart,
    trust_heatmap,
    weakest_links_chart,
)
from views.figures.style import HIDDEN, esc

__all__ = [
    "HIDDEN",
    "calibration_chart",
    "change_chart",
    "coverage_chart",
    "distribution_by_sector",
    "esc",
    "evidence_bars",
    "pillar_strip",
    "score_chart",
    "sector_scale_heatmap",
    "trend_chart",
    "trust_heatmap",
    "weakest_links_chart",
]
