"""Tests for the dashboard's figures (views.figures, views.figures_panel): what a reader of
each chart sees — traces, band rectangles, labels, suppressed cells and rows, escaping —
from small frames shaped like the profile and its disclosed views. No Streamlit."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.disclosure import COMPLEMENTARY
from instruments.schema import Band
from views import figures
from views.figures import panel as figures_panel
from views.figures import style as figure_style

BANDS = [
    Band(id="strength", label="Strength", min=4.0),
    Band(id="borderline", label="Borderline", min=3.0),
    Band(id="concern", label="Concern", min=0.0),
]
KNOWLEDGE_BANDS = [
    Band(id="strength", label="Strength", min=0.8),
    Band(id="borderline", label="Borderline", min=0.6),
    Band(id="concern", label="Concern", min=0.0),
]
NAMES = {
    "acute_health": "Acute health",
    "mental_health": "Mental health",
    "adult_social_care": "Adult social care",
    "police": "Police",
    "voluntary": "Voluntary sector",
}
SCRIPT = "<script>alert(1)</script>"


def figure_text(fig: go.Figure) -> str:
    """The figure as JSON with strings decoded (``to_json`` writes "<" as \\u003c), so that
    a test sees exactly the text the browser is given; the theme's colour scales are left
    out, as their numbers are not data."""
    spec = json.loads(fig.to_json())
    spec["layout"].pop("template", None)
    return json.dumps(spec, ensure_ascii=False)


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def annotation_at(fig: go.Figure, x: float, y: float) -> list[str]:
    return [a.text for a in fig.layout.annotations if (a.x, a.y) == (x, y)]


def shapes(fig: go.Figure, name: str) -> list:
    return [s for s in fig.layout.shapes if s.name == name]


def assert_escaped(fig: go.Figure) -> None:
    text = figure_text(fig)
    assert "&lt;script&gt;" in text
    assert "<script>" not in text


# -- score chart -----------------------------------------------------------------------


@pytest.fixture
def pillars() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "title": ["Culture and behaviour", "Technology", "Inter-agency trust"],
            "estimate": [3.42, 2.5, 4.31],
            "low": [3.30, 2.2, 4.20],
            "high": [3.55, 2.8, 4.40],
            "n": [140, 138, 140],
            "band": ["borderline", "concern", "strength"],
        },
        index=pd.Index(["culture", "technology", "trust"], name="pillar"),
    )


def test_score_chart_points_with_intervals_and_labels(pillars):
    fig = figures.score_chart(pillars, BANDS, title="Pillar scores")
    point = fig.data[0]
    assert isinstance(point, go.Scatter)
    assert list(point.x) == [3.42, 2.5, 4.31]
    assert point.text[0] == "3.42 (n=140)"
    assert np.allclose(point.error_x.array, [0.13, 0.3, 0.09])
    assert np.allclose(point.error_x.arrayminus, [0.12, 0.3, 0.11])
    assert list(fig.layout.yaxis.ticktext) == list(pillars["title"])
    assert "Band: Borderline" in point.hovertext[0]
    assert fig.layout.title.text == "Pillar scores"


def test_score_chart_band_rectangles_cover_the_1_to_5_scale(pillars):
    fig = figures.score_chart(pillars, BANDS)
    spans = {s.name: (s.x0, s.x1) for s in fig.layout.shapes}
    assert spans == {
        "band:concern": (1.0, 3.0),
        "band:borderline": (3.0, 4.0),
        "band:strength": (4.0, 5.0),
    }
    assert all(s.yref == "paper" and (s.y0, s.y1) == (0, 1) for s in fig.layout.shapes)
    assert {"<b>Concern</b>", "<b>Borderline</b>", "<b>Strength</b>"} <= set(annotations(fig))
    fills = [s.fillcolor for s in fig.layout.shapes]
    assert len(set(fills)) == 3


def test_score_chart_benchmark_is_a_distinct_tick(pillars):
    benchmark = pd.Series({"culture": 3.1, "trust": 3.9, "change_readiness": 3.5})
    fig = figures.score_chart(pillars, BANDS, benchmark=benchmark)
    (tick,) = [t for t in fig.data if t.name == "Median of all areas"]
    assert tick.marker.symbol == "line-ns-open"
    assert list(tick.x) == [3.1, 3.9]
    assert list(tick.y) == [0, 2]  # rows of culture and trust; none for technology
    assert "median of all areas 3.10" in tick.hovertext[0]


def test_score_chart_knowledge_rows_on_a_0_to_1_axis():
    table = pd.DataFrame(
        {
            "title": ["Knowledge of the law"],
            "kind": ["knowledge"],
            "estimate": [0.72],
            "low": [0.65],
            "high": [0.79],
            "n": [140],
            "band": ["borderline"],
        },
        index=["knowledge"],
    )
    fig = figures.score_chart(table, KNOWLEDGE_BANDS)
    spans = sorted((s.x0, s.x1) for s in fig.layout.shapes)
    assert spans == [(0.0, 0.6), (0.6, 0.8), (0.8, 1.0)]
    assert fig.data[0].text[0] == "72% (n=140)"
    assert fig.layout.xaxis.tickformat == ".0%"
    assert fig.layout.xaxis.range[0] < 0 < 1 < fig.layout.xaxis.range[1] < 1.1
    assert figure_style.default_range(table.drop(columns="kind")) == (0.0, 1.0)


def test_score_chart_row_without_score_is_named_not_plotted(pillars):
    pillars.loc["technology", ["estimate", "low", "high"]] = np.nan
    pillars.loc["technology", "n"] = 3
    fig = figures.score_chart(pillars, BANDS)
    assert list(fig.data[0].y) == [0, 2]
    assert annotation_at(fig, 1.0, 1) == ["no score (n=3)"]


def test_score_chart_escapes_titles(pillars):
    pillars.loc["culture", "title"] = SCRIPT
    fig = figures.score_chart(pillars, BANDS, title=SCRIPT)
    assert fig.layout.yaxis.ticktext[0] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert_escaped(fig)


def test_esc_writes_quotes_as_entities_plotly_decodes():
    assert figures.esc('"A&E" <b>') == "&#34;A&amp;E&#34; &lt;b&gt;"
    assert figures.esc("Children's") == "Children&#x27;s"


# -- trust heat map --------------------------------------------------------------------

SECTORS = ["police", "mental_health", "acute_health"]
HIDDEN_SMALL, HIDDEN_COMPLEMENTARY = 1.87654, 2.71828


@pytest.fixture
def matrix() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Raw means and n with their status: acute → police has 3 raters ("small"),
    police → acute is hidden with it ("complementary"), acute → mental health is empty."""

    def frame(rows: list[list]) -> pd.DataFrame:
        return pd.DataFrame(rows, index=SECTORS, columns=SECTORS)

    mean = frame([[4.6, 4.4, HIDDEN_COMPLEMENTARY], [3.4, 4.7, 3.9], [HIDDEN_SMALL, np.nan, 4.5]])
    n = frame([[20, 27, 6], [12, 15, 9], [3, 0, 18]])
    status = frame(
        [
            ["shown", "shown", "complementary"],
            ["shown", "shown", "shown"],
            ["small", "empty", "shown"],
        ]
    )
    return mean, n, status


def hidden_values_absent(fig: go.Figure) -> None:
    text = figure_text(fig)
    for hidden in ("1.87654", "1.88", "1.877", "1.9<br>", "2.71828", "2.72", "2.718", "2.7<br>"):
        assert hidden not in text
    assert "n=3" not in text and "n = 3" not in text and "n=6" not in text


def test_trust_heatmap_cells_show_value_and_n(matrix):
    fig = figures.trust_heatmap(*matrix, names=NAMES)
    assert [type(t) for t in fig.data] == [go.Heatmap, go.Heatmap]
    assert annotation_at(fig, 1, 0) == ["4.4<br>n=27"]  # police staff → mental health
    assert fig.data[0].text[0][1] == "Police staff trust Mental health: 4.40 (n = 27)"
    assert fig.data[0].text[1][0] == "Mental health staff trust Police: 3.40 (n = 12)"
    assert list(fig.layout.yaxis.ticktext) == ["Police", "Mental health", "Acute health"]
    assert list(fig.layout.xaxis.ticktext) == ["Police", "Mental health", "Acute health"]
    assert fig.layout.yaxis.title.text == "Staff of …"
    assert fig.layout.xaxis.title.text == "… trust in"
    assert (fig.data[0].zmin, fig.data[0].zmax) == (1.0, 5.0)


def test_trust_heatmap_suppressed_cells_say_so_and_hide_the_value(matrix):
    fig = figures.trust_heatmap(*matrix, names=NAMES)
    main, grey = fig.data
    for row, col in ((2, 0), (0, 2)):  # small, complementary
        assert annotation_at(fig, col, row) == ["suppressed"]
        assert np.isnan(main.z[row][col])
        assert grey.z[row][col] == 0.0
        assert "suppressed" in main.text[row][col]
    assert grey.colorscale[0][1] == grey.colorscale[-1][1] == figure_style.SUPPRESSED_FILL
    assert not grey.showscale
    assert "too few people" in main.text[2][0]
    assert "smaller group" in main.text[0][2]
    hidden_values_absent(fig)


def test_trust_heatmap_empty_cell_is_blank(matrix):
    fig = figures.trust_heatmap(*matrix, names=NAMES)
    assert annotation_at(fig, 1, 2) == []
    assert np.isnan(fig.data[0].z[2][1]) and np.isnan(fig.data[1].z[2][1])


def test_trust_heatmap_outlines_own_sector_cells(matrix):
    fig = figures.trust_heatmap(*matrix, names=NAMES)
    own = shapes(fig, "own sector")
    assert sorted((s.x0 + 0.5, s.y0 + 0.5) for s in own) == [(0, 0), (1, 1), (2, 2)]
    assert all(s.line.width >= 2 for s in own)
    assert "Police staff trust their own sector" in fig.data[0].text[0][0]
    assert any("Outlined" in a for a in annotations(fig))


def test_trust_heatmap_asymmetry_is_diverging_and_symmetric(matrix):
    mean, n, status = matrix
    asym = (mean - mean.T) / 2  # computed from raw cells: the figure must still hide them
    fig = figures.trust_heatmap(asym, n, status, names=NAMES, mode="asymmetry")
    heat = fig.data[0]
    assert heat.zmin == -heat.zmax == -2.0
    assert heat.zmid == 0.0
    colours = [c for _, c in heat.colorscale]
    assert colours[0] != colours[-1]
    assert colours[len(colours) // 2].lower() in {"#f7f7f7", "#ffffff"}
    # police ↔ acute health: both directions suppressed because one is
    assert annotation_at(fig, 2, 0) == annotation_at(fig, 0, 2) == ["suppressed"]
    assert annotation_at(fig, 1, 0) == ["+0.5<br>n=27/12"]
    assert (
        "Police staff trust Mental health more than Mental health staff trust Police"
        in (heat.text[0][1])
    )
    assert annotation_at(fig, 0, 0) == ["own"]  # own-sector asymmetry is not shown
    hidden_values_absent(fig)


def test_trust_heatmap_mutual_needs_both_directions(matrix):
    mean, n, status = matrix
    mutual = (mean + mean.T) / 2
    fig = figures.trust_heatmap(mutual, n, status, names=NAMES, mode="mutual")
    assert fig.data[0].text[0][1] == (
        "Police and Mental health trust each other: 3.90 on average (n = 27 and 12)"
    )
    assert annotation_at(fig, 1, 0) == ["3.9<br>n=27/12"]
    assert annotation_at(fig, 2, 1) == annotation_at(fig, 1, 2) == []  # one way empty
    assert np.isnan(fig.data[0].z[1][2])
    hidden_values_absent(fig)


def test_trust_heatmap_escapes_sector_names(matrix):
    fig = figures.trust_heatmap(*matrix, names={**NAMES, "police": SCRIPT})
    assert_escaped(fig)


def test_trust_heatmap_rejects_an_unknown_mode(matrix):
    with pytest.raises(ValueError, match="mode must be"):
        figures.trust_heatmap(*matrix, names=NAMES, mode="ratio")


# -- weakest links ---------------------------------------------------------------------


def pairs_frame() -> pd.DataFrame:
    rows = [
        ("police", "mental_health", 4.0, 3.8, 3.9),
        ("acute_health", "adult_social_care", 3.0, 2.7, 2.85),
        ("police", "voluntary", 3.6, 3.4, 3.5),
        ("mental_health", "acute_health", 3.3, 3.1, 3.2),
        ("adult_social_care", "police", 4.2, 4.4, 4.3),
        ("voluntary", "acute_health", 3.7, 3.9, 3.8),
        ("mental_health", "voluntary", 4.5, 4.5, 4.5),
    ]
    frame = pd.DataFrame(rows, columns=["a", "b", "t_ab", "t_ba", "mutual"])
    frame["n_ab"], frame["n_ba"] = 12, 9
    frame["asymmetry"] = (frame["t_ab"] - frame["t_ba"]) / 2
    frame["mutual_low"], frame["mutual_high"] = frame["mutual"] - 0.25, frame["mutual"] + 0.25
    return frame


def test_weakest_links_chart_shows_the_k_weakest_pairs_first():
    fig = figures.weakest_links_chart(pairs_frame(), names=NAMES, k=5)
    point = fig.data[0]
    assert isinstance(point, go.Scatter)
    labels = list(fig.layout.yaxis.ticktext)
    assert len(labels) == 5 == len(point.x)
    assert labels[0] == "Acute health ↔ Adult social care"
    assert list(point.x) == sorted(point.x)
    assert point.text[0] == "2.85 (2.60 to 3.10)"
    assert np.allclose(point.error_x.array, 0.25)
    assert "Acute health staff trust Adult social care: 3.00 (n = 12)" in point.hovertext[0]
    assert "Adult social care staff trust Acute health: 2.70 (n = 9)" in point.hovertext[0]


def test_weakest_links_chart_without_pairs_says_so():
    fig = figures.weakest_links_chart(pairs_frame().iloc[:0], names=NAMES)
    assert not fig.data
    assert any("No sector pair" in a for a in annotations(fig))


# -- calibration -----------------------------------------------------------------------


def test_calibration_chart_plots_shown_sectors_and_names_suppressed_ones():
    table = pd.DataFrame(
        {
            "lawful_n": [60, 40, 30],
            "over_caution": [0.42, 0.123456, 0.2],
            "over_caution_low": [0.30, 0.05, 0.1],
            "over_caution_high": [0.55, 0.25, 0.35],
            "unlawful_n": [20, 10, 12],
            "over_sharing": [0.08, 0.654321, np.nan],
            "over_sharing_low": [0.02, 0.4, np.nan],
            "over_sharing_high": [0.25, 0.85, np.nan],
            "n": [15, 3, 10],
            "suppressed": [False, True, False],
            "reason": ["", "fewer than 5 respondents", ""],
        },
        index=pd.Index(["police", "mental_health", "acute_health"], name="sector"),
    )
    fig = figures.calibration_chart(table, names=NAMES)
    caution, sharing = fig.data
    assert caution.marker.symbol != sharing.marker.symbol
    assert list(caution.x) == pytest.approx([42.0, 20.0])
    assert list(sharing.x) == pytest.approx([8.0])  # acute health has no unlawful rate
    assert caution.text[0] == "42% held back" and sharing.text[0] == "8% over-shared"
    assert np.allclose(caution.error_x.arrayminus, [12.0, 10.0])
    rows = {round(y) for t in fig.data for y in t.y}
    assert 1 not in rows  # mental health is not plotted
    assert annotation_at(fig, 0, 1) == ["suppressed: fewer than 5 respondents"]
    assert list(fig.layout.yaxis.ticktext) == ["Police", "Mental health", "Acute health"]
    text = figure_text(fig)
    for hidden in ("12.3", "0.123", "65.4", "0.654"):
        assert hidden not in text


# -- coverage --------------------------------------------------------------------------


def test_coverage_chart_bars_key_pattern_minimum_line_and_hidden_sectors():
    coverage = pd.DataFrame(
        {
            "name": ["Police", "Mental health", "Voluntary sector", "DWP", "Probation"],
            "n": [20.0, 3.0, 12.0, 7.0, 0.0],
            "key": [True, True, False, False, False],
            "covered": [True, False, True, True, False],
            "suppressed": [False, True, False, True, False],
            "reason": ["", "fewer than 5 respondents", "", COMPLEMENTARY, ""],
        },
        index=["police", "mental_health", "voluntary", "dwp", "probation"],
    )
    fig = figures.coverage_chart(coverage, min_per_sector=5)
    key, other = fig.data
    assert isinstance(key, go.Bar) and key.orientation == "h"
    assert key.marker.pattern.shape == "/" and not other.marker.pattern.shape
    assert list(key.y) == [0] and list(key.x) == [20.0]
    assert list(other.y) == [2, 4] and list(other.text) == ["12", "0 (none)"]
    assert list(fig.layout.yaxis.ticktext)[:2] == ["Police · key", "Mental health · key"]
    assert annotation_at(fig, 0, 1) == ["fewer than 5 respondents (hidden)"]
    assert annotation_at(fig, 0, 3) == ["hidden"]
    (line,) = [s for s in fig.layout.shapes if s.type == "line"]
    assert line.x0 == line.x1 == 5 and line.line.dash == "dash"
    assert "minimum: 5" in annotations(fig)
    shown_numbers = {x for t in fig.data for x in t.x} | {s for t in fig.data for s in t.text}
    assert not shown_numbers & {3.0, 7.0, "3", "7"}


# -- change ----------------------------------------------------------------------------


def test_change_chart_pillars_with_labels_and_zero_line():
    change = pd.DataFrame(
        {
            "previous": [2.5, 3.9, 3.0, 3.3],
            "current": [4.09, 3.6, 3.2, np.nan],
            "difference": [1.59, -0.3, 0.2, np.nan],
            "low": [1.52, -0.55, 0.1, np.nan],
            "high": [1.67, -0.05, 0.3, np.nan],
            "kind": ["pillar", "pillar", "scale", "pillar"],
            "previous_wave": "2025-1",
        },
        index=pd.Index(["culture", "technology", "leadership", "trust"], name="measure"),
    )
    fig = figures.change_chart(change, titles={"culture": "Culture and behaviour"})
    point = fig.data[0]
    assert list(point.text) == ["+1.59 (1.52 to 1.67)", "-0.30 (-0.55 to -0.05)"]
    assert list(fig.layout.yaxis.ticktext) == ["Culture and behaviour", "Technology", "Trust"]
    assert annotation_at(fig, 0, 2) == ["no earlier score"]
    (zero,) = [s for s in fig.layout.shapes if s.type == "line"]
    assert zero.x0 == zero.x1 == 0
    assert fig.layout.title.text == "Change since wave 2025-1"
    assert fig.layout.xaxis.range[0] == -fig.layout.xaxis.range[1]


# -- interview themes and workshop cards -----------------------------------------------


def test_evidence_bars_themes_split_barriers_and_enablers():
    themes = pd.DataFrame(
        {
            "theme": ["fear", "named_contacts", "hierarchy", "shared_vision"],
            "title": [SCRIPT, "Staff know a named person to contact", "Rigid procedures", "Goal"],
            "pillar": ["governance", "culture", "culture", "culture"],
            "type": ["barrier", "enabler", "barrier", "enabler"],
            "interviews": [7, 5, 1, 2],
        }
    )
    fig = figures.evidence_bars(themes, kind="themes")
    barriers, enablers = fig.data
    assert isinstance(barriers, go.Bar)
    assert list(barriers.text) == ["7 interviews", "1 interview"]
    assert list(enablers.x) == [5.0, 2.0]
    assert barriers.marker.color != enablers.marker.color
    assert {"Barriers", "Enablers"} <= set(annotations(fig))  # panel titles, not colour only
    assert_escaped(fig)


def test_evidence_bars_cards_show_votes_by_pillar():
    cards = pd.DataFrame(
        {
            "type": ["barrier", "barrier", "enabler"],
            "pillar": ["change_readiness", "trust", "trust"],
            "cards": [4, 2, 3],
            "votes": [12, 3, 7],
        }
    )
    fig = figures.evidence_bars(cards, kind="cards", top=1)
    assert list(fig.data[0].y) == ["Change readiness"]
    assert list(fig.data[0].text) == ["12 votes (4 cards)"]
    assert list(fig.data[1].text) == ["7 votes (3 cards)"]


def test_evidence_bars_empty_and_bad_kind():
    empty = pd.DataFrame(columns=["type", "pillar", "cards", "votes"])
    assert not figures.evidence_bars(empty, kind="cards").data
    with pytest.raises(ValueError, match="kind must be"):
        figures.evidence_bars(empty, kind="quotes")


# -- portfolio strip -------------------------------------------------------------------


def test_pillar_strip_sorts_areas_on_the_bands():
    portfolio = pd.DataFrame(
        {
            "area": ["ASH", "BRK", "CLD", "DUN"],
            "name": ["Ashford", None, "Cliffdale", "Dunmore"],
            "trust": [3.2, 4.4, np.nan, 2.6],
        }
    )
    fig = figures_panel.pillar_strip(portfolio, "trust", bands=BANDS)
    assert list(fig.layout.yaxis.ticktext) == ["BRK", "Ashford", "Dunmore", "Cliffdale"]
    assert list(fig.data[0].x) == [4.4, 3.2, 2.6]
    assert list(fig.data[0].text) == ["4.40", "3.20", "2.60"]
    assert annotation_at(fig, 1.0, 3) == ["no score"]
    assert {s.name for s in fig.layout.shapes} == {f"band:{b.id}" for b in BANDS}
    assert fig.layout.title.text == "Trust"


# -- panel figures ---------------------------------------------------------------------


def test_sector_scale_heatmap_annotates_values_and_leaves_gaps_blank():
    table = pd.DataFrame(
        {"leadership": [3.42, np.nan, 2.9137], "knowledge": [0.72, 0.6, 0.5519]},
        index=["police", "mental_health", "voluntary"],
    )
    counts = pd.Series({"police": 40, "mental_health": 25, "voluntary": 3})
    fig = figures_panel.sector_scale_heatmap(
        table, names=NAMES, titles={"leadership": "Leadership support"}, counts=counts
    )
    heat = fig.data[0]
    assert isinstance(heat, go.Heatmap)
    assert annotation_at(fig, 0, 0) == ["3.42"]
    assert annotation_at(fig, 1, 0) == ["72%"]
    assert annotation_at(fig, 0, 1) == [] and np.isnan(heat.z[1][0])
    assert annotation_at(fig, 0, 2) == annotation_at(fig, 1, 2) == ["suppressed"]
    assert heat.z[0][1] == pytest.approx(1 + 4 * 0.72)  # shares shaded on the 1–5 scale
    assert list(fig.layout.xaxis.ticktext) == ["Leadership support", "Knowledge"]
    text = figure_text(fig)
    for hidden in ("2.91", "0.55", "55%"):
        assert hidden not in text


def test_distribution_by_sector_boxes_from_statistics_only():
    frame = pd.DataFrame(
        {
            "sector": ["police"] * 6 + ["voluntary"] * 3,
            "leadership": [1, 2, 3, 3.14159, 4, 5, 2.2, 2.4, 2.6],
        }
    )
    fig = figures_panel.distribution_by_sector(
        frame, value="leadership", sector="sector", names=NAMES, value_label="Leadership"
    )
    (box,) = fig.data
    assert isinstance(box, go.Box)
    assert list(box.median) == pytest.approx([np.median([1, 2, 3, 3.14159, 4, 5])])
    assert list(box.lowerfence) == [1.0] and list(box.upperfence) == [5.0]
    assert list(fig.layout.yaxis.ticktext) == ["Police (n=6)", "Voluntary sector"]
    assert annotation_at(fig, 0, 1) == ["fewer than 5 (hidden)"]
    text = figure_text(fig)
    assert "3.14159" not in text and "2.4" not in text  # answers never reach the browser


def test_panel_figures_are_reachable_from_views_figures():
    assert figures.pillar_strip is figures_panel.pillar_strip
    assert figures.sector_scale_heatmap is figures_panel.sector_scale_heatmap
    assert figures.distribution_by_sector is figures_panel.distribution_by_sector
    with pytest.raises(AttributeError):
        _ = figures.no_such_figure


@pytest.mark.parametrize("module", [figures, figures_panel])
def test_figure_modules_import_no_streamlit(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module)])
        if alias.name
    }
    assert "streamlit" not in imported
