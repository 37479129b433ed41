"""The portfolio as an engagement manager scans it (AppTest on the sample store): every
area with a coloured verdict and pillar bands, filters by verdict and pillar band, a row
that opens the right profile, rounded numbers and readable headings in the CSV, and the
change since the last wave counted only when it is beyond chance."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from test_dashboard_pages import (  # noqa: F401  (module fixtures shared with the page tests)
    LATEST,
    MANAGER,
    engine,
    open_page,
    reads_only,
    store_path,
    table,
)

from analysis.portfolio import portfolio_table, readable, short_title
from app.access import ScopedData
from app.exports.tables import csv_bytes


def _select_row(at, index: int):
    at.session_state["portfolio_table"] = {"selection": {"rows": [index], "columns": []}}
    return at.run()


@pytest.mark.parametrize("area", ["BRK", "GRY", "WRN"])
def test_a_row_of_the_portfolio_opens_that_areas_profile(area):
    at = open_page(None, MANAGER)
    rows = table(at)
    _select_row(at, list(rows["Area"]).index(area))
    assert not at.exception
    wave = rows.set_index("Area").loc[area, "Last wave"]
    assert area in LATEST
    assert at.title[0].value.endswith(f"({area}), wave {wave}")
    assert at.query_params["area"] == area


def test_a_filtered_row_opens_the_area_shown_in_that_row():
    at = open_page(None, MANAGER)
    at.multiselect(key="portfolio_verdicts").set_value(["Not yet ready"]).run()
    assert list(table(at)["Area"]) == ["BRK", "KES", "LRK"]
    _select_row(at, 1)
    assert at.title[0].value.startswith("Kestrelford (KES)")


def test_the_band_filter_finds_areas_with_a_pillar_in_concern():
    at = open_page(None, MANAGER)
    at.multiselect(key="portfolio_bands").set_value(["concern"]).run()
    # Caldermoor's governance, Harrowby's technology, Kestrelford's technology and change
    assert list(table(at)["Area"]) == ["CLD", "HRB", "KES"]
    at.selectbox(key="portfolio_band_pillar").set_value("technology").run()
    assert list(table(at)["Area"]) == ["HRB", "KES"]
    at.multiselect(key="portfolio_bands").set_value(["strength"]).run()
    assert set(table(at)["Area"]) == {"ASH", "ELM", "FEN", "WRN"}


def test_the_table_is_rounded_and_named_as_the_profile_names_them(catalogue):
    at = open_page(None, MANAGER)
    rows = table(at)
    titles = [p.title.en for p in catalogue.survey.pillars]
    assert set(titles) <= set(rows.columns)
    for column in [*titles, "Its mutual trust"]:
        values = rows[column].dropna().astype(float)
        assert (values.round(2) == values).all(), column
    assert set(rows["How likely (%)"].dropna() % 1) == {0}
    # Greyhaven changed by no more than chance; Fenwick Vale improved on every pillar
    change = dict(zip(rows["Area"], rows["Change since last wave"], strict=True))
    assert change["GRY"] == "↑0 ↓0" and change["FEN"] == "↑5 ↓0" and change["ASH"] == "–"


def test_the_csv_has_readable_headings_rounded_numbers_and_bands(engine, catalogue):  # noqa: F811
    door = ScopedData(engine, MANAGER, catalogue)
    raw = door.portfolio()
    pillars = {p.id: p.title.en for p in catalogue.survey.pillars}
    bands = {b.id: b.label for b in catalogue.rules.bands}
    out = readable(raw, pillars, door.area_names(), band_labels=bands)
    text = csv_bytes(out).decode("utf-8-sig")
    assert text.splitlines()[0].startswith(
        "Area,Name,Verdict,How likely (%),Culture and behaviour,"
    )
    back = pd.read_csv(io.StringIO(text))
    assert back.loc[back["Area"] == "KES", "Technology (band)"].item() == "Concern"
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            if cell.replace(".", "", 1).isdigit() and "." in cell:
                assert len(cell.split(".")[1]) <= 2, line


def test_short_titles_and_change_counts():
    assert short_title("Culture and behaviour") == "Culture"
    assert short_title("Technology") == "Technology"
    assert portfolio_table([], {}).empty
