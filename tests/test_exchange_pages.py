"""Evidence in and out on the dashboard (Streamlit's AppTest): a Microsoft Forms export
imports on the Evidence page through the suggested mapping with its personal-data
columns refused, every problem of a file is listed and downloadable, the blank template
and XLSForm are offered, and the Patterns and area pages offer every microdata format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from helpers import count_rows, csv_bytes, filled_rows, write_csv
from streamlit.testing.v1 import AppTest
from test_tool_imports import ms_forms_file

from app.evidence import import_file
from survey.store.accounts import Account
from survey.store.engine import open_store

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = str(ROOT / "dashboard.py")
MANAGER = Account("m", "manager")
PANEL = Account("p", "panel")


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory, catalogue) -> Path:
    folder = tmp_path_factory.mktemp("exchange")
    engine = open_store(f"sqlite:///{folder / 'template.db'}")
    header, rows = filled_rows(catalogue, "staff_survey", 40)
    for i, row in enumerate(rows):
        row[header.index("sector")] = ("police", "acute_health")[i % 2]
    import_file(
        engine,
        write_csv(folder / "seed.csv", header, rows),
        instrument="staff_survey",
        area="NTH",
        wave="2026-1",
        area_name="Northshire",
        catalogue=catalogue,
    )
    engine.dispose()
    return folder / "template.db"


@pytest.fixture
def db(tmp_path, monkeypatch, seeded_db):
    path = tmp_path / "readiness.db"
    shutil.copy(seeded_db, path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("READINESS_PSEUDONYM_KEY", "a-key-for-the-page-tests-0123456")
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = open_store(f"sqlite:///{path}")
    yield engine, path
    engine.dispose()
    st.cache_resource.clear()
    st.cache_data.clear()


def signed_in(page: str, account: Account = MANAGER) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["account"] = account
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def download_keys(at: AppTest) -> set[str]:
    """The keys of the download buttons on the page (their ids end with the key)."""
    return {e.proto.id.split("-", 2)[-1] for e in at.get("download_button")}


def test_a_microsoft_forms_file_imports_through_the_suggested_mapping(db, catalogue, tmp_path):
    engine, path = db
    file, _ = ms_forms_file(catalogue, tmp_path, n=6)
    at = signed_in("views/pages/evidence.py")
    at.selectbox(key="evidence_instrument").set_value("staff_survey")
    at.session_state["evidence_pending"] = ("msforms.csv", file.read_bytes())
    at.run()
    assert not at.exception
    assert any("not in the columns of this instrument" in i.value for i in at.info)
    captions = [c.value for c in at.caption]
    assert "refused as personal data, not stored: Email, Name" in captions
    assert [s.value for s in at.success] == ["6 rows are valid."]
    at.text_input(key="evidence_area").input("MSF")
    at.text_input(key="evidence_wave").input("2026-1").run()
    at.text_input(key="evidence_area_name").input("Formshire").run()
    before = count_rows(engine)["responses"]
    at.button(key="evidence_confirm").click().run()
    assert not at.exception
    assert count_rows(engine)["responses"] == before + 6
    content = path.read_bytes()
    assert b"council.example" not in content and b"Pat Example" not in content


def test_every_problem_is_listed_by_column_and_downloadable(db, catalogue):
    header, rows = filled_rows(catalogue, "staff_survey", 4)
    header = [*header, "favourite_colour"]
    rows = [[*r, "blue"] for r in rows]
    rows[0][header.index("lead_1")] = "9"
    rows[1][header.index("sector")] = "space_agency"
    rows[2][header.index("respondent_id")] = rows[3][header.index("respondent_id")]
    at = signed_in("views/pages/evidence.py")
    at.selectbox(key="evidence_instrument").set_value("staff_survey")
    at.session_state["evidence_pending"] = ("four.csv", csv_bytes(header, rows))
    at.run()
    assert [e.value for e in at.error] == ["4 problems found. Nothing will be imported."]
    (by_column,) = [d.value for d in at.dataframe if "problems" in d.value.columns]
    assert sorted(by_column["column"]) == sorted(
        ["favourite_colour", "lead_1", "sector", "respondent_id"]
    )
    keys = download_keys(at)
    assert {"evidence_problems_download", "template_csv", "template_xlsx"} <= keys
    assert "template_xlsform" in keys


def test_the_panel_and_managers_get_every_microdata_format(db):
    at = signed_in("views/pages/patterns.py", PANEL)
    keys = download_keys(at)
    for fmt in ("csv", "xlsx", "sav", "dta", "codebook"):
        assert f"download_microdata_{fmt}" in keys
    at = signed_in("views/pages/area_profile.py")
    keys = download_keys(at)
    for fmt in ("csv", "xlsx", "sav", "dta", "codebook"):
        assert f"area_microdata_{fmt}" in keys
    at = signed_in("views/pages/area_profile.py", Account("x", "partnership", "NTH"))
    assert not [k for k in download_keys(at) if k.startswith("area_microdata_")]
