"""Every chart's text alternative: a summary sentence and a table with the numbers it
draws, read from the figure itself."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from views.figures import alt
from views.figures.style import layout
from views.widgets import as_text


def test_bars_become_one_row_per_category():
    fig = layout(go.Figure(), "Pillar scores <Brookfield & co>", rows=3)
    fig.add_trace(
        go.Bar(x=[3.2, 4.1, 2.5], y=["Culture", "Trust", "Technology"], orientation="h", name="ASH")
    )
    table = alt.chart_table(fig)
    assert list(table.index) == ["Culture", "Trust", "Technology"]
    assert table["ASH"].tolist() == [3.2, 4.1, 2.5]
    assert alt.chart_summary(fig) == (
        "Pillar scores <Brookfield & co>: 3 categories. Highest: Trust, 4.10; "
        "lowest: Technology, 2.50."
    )


def test_a_heatmap_keeps_its_rows_columns_and_hidden_cells():
    z = [[4.0, np.nan], [2.25, 3.5]]
    fig = go.Figure(go.Heatmap(z=z, x=["Police", "DWP"], y=["Police", "Children&#39;s care"]))
    fig.update_layout(title="Trust")
    table = alt.chart_table(fig)
    assert list(table.index) == ["Police", "Children's care"]
    assert list(table.columns) == ["Police", "DWP"]
    assert table.loc["Children's care", "Police"] == 2.25 and math.isnan(table.loc["Police", "DWP"])
    summary = alt.chart_summary(fig)
    assert "2 rows by 2 columns" in summary
    assert "Highest: Police → Police, 4.00" in summary
    assert "lowest: Children's care → Police, 2.25" in summary
    assert "1 values are not shown" in summary


def test_boxes_give_their_medians_and_points_their_values():
    fig = go.Figure(
        [
            go.Box(x=["A", "A", "B", "B", "B"], y=[1, 3, 2, 4, 5], name="Scores"),
            go.Scatter(x=["A", "B"], y=[2.0, 3.5], name="Mean"),
        ]
    )
    table = alt.chart_table(fig)
    assert table.loc["A"].tolist() == [2.0, 2.0] and table.loc["B"].tolist() == [4.0, 3.5]


def test_a_chart_without_numbers_says_so():
    fig = layout(go.Figure(), "Nothing yet", rows=1)
    assert alt.chart_table(fig).empty
    assert alt.chart_summary(fig) == "Nothing yet: no values to show."


@pytest.mark.parametrize(
    ("text", "shown"),
    [("**b** [c](javascript:x)", r"\*\*b\*\* \[c\]\(javascript:x\)"), ("plain", "plain")],
)
def test_labels_in_a_summary_are_text_not_markdown(text, shown):
    assert as_text(text) == shown
