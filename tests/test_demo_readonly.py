"""Demo mode is read-only: a demo visitor opens every page of its role but cannot import,
open or close a survey link, or see a real manager's links; the first start says how to make
the first administrator; and the events the issue named are audited (entering the demo,
links opened and closed, refused exports)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import streamlit as st
from helpers import filled_rows, write_csv
from streamlit.testing.v1 import AppTest

from app import collection
from app.access import AccessDenied, ScopedData
from app.accounts import enter_demo, may_change
from app.evidence import load_sample_data, validate, write
from instruments.errors import ReadinessError
from survey.store import audit
from survey.store.accounts import Account, add_user
from survey.store.engine import open_store

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "dashboard.py"
PASSWORD = "correct horse battery"
MANAGER = Account("boss", "manager")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "template.db"
    engine = open_store(f"sqlite:///{path}")
    load_sample_data(engine)
    engine.dispose()
    return path


@pytest.fixture
def sample_engine(sample_db, tmp_path):
    shutil.copy(sample_db, tmp_path / "s.db")
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    yield engine
    engine.dispose()


def test_a_demo_manager_cannot_import(sample_engine, catalogue, tmp_path):
    demo = enter_demo(sample_engine, "manager")
    assert demo.scope.read_only and demo.scope.can_import  # the pages open; nothing changes
    header, rows = filled_rows(catalogue, "staff_survey", 3)
    data = write_csv(tmp_path / "s.csv", header, rows).read_bytes()
    v = validate(data, "s.csv", "staff_survey", catalogue=catalogue)
    assert v.ok  # checking a file writes nothing, so the demo may do it
    with pytest.raises(AccessDenied, match="read-only"):
        write(sample_engine, v, account=demo, area="ASH", wave="2099-1", catalogue=catalogue)
    with pytest.raises(ReadinessError, match="read-only"):
        may_change(demo)
    entries = audit.entries(sample_engine, limit=1)
    assert (entries.action[0], entries.actor[0]) == ("demo_entered", "demo:manager")


def test_a_demo_manager_cannot_open_or_close_links_nor_see_real_ones(sample_engine, catalogue):
    token = collection.open_link(
        sample_engine, MANAGER, "ASH", "2099-1", "staff_survey", catalogue=catalogue
    )
    demo = enter_demo(sample_engine, "manager")
    with pytest.raises(AccessDenied, match="read-only"):
        collection.open_link(sample_engine, demo, "ASH", "2099-2", "staff_survey")
    with pytest.raises(AccessDenied, match="read-only"):
        collection.close_link(sample_engine, demo, token)
    assert collection.open_links(sample_engine, demo).empty
    assert list(collection.open_links(sample_engine, MANAGER).token) == [token]
    collection.close_link(sample_engine, MANAGER, token)
    actions = list(audit.entries(sample_engine, limit=3).action)
    assert actions == ["link_closed", "demo_entered", "link_opened"]


def test_a_refused_export_is_audited_with_the_reason(sample_engine, catalogue):
    member = Account("ash", "partnership", "ASH")
    scoped = ScopedData(sample_engine, member, catalogue)
    with pytest.raises(AccessDenied):
        scoped.export_profile_csv("BRK")
    with pytest.raises(AccessDenied):
        scoped.export_microdata_csv("k" * 32)
    refused = audit.entries(sample_engine, action="export_refused")
    assert len(refused) == 2
    assert {json.loads(d)["what"] for d in refused.detail} == {"profile", "microdata"}
    assert all(json.loads(d)["why"] for d in refused.detail)


# --- the dashboard ----------------------------------------------------------------------------


@pytest.fixture
def app_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path / 'readiness.db'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path
    st.cache_resource.clear()
    st.cache_data.clear()


def texts(at) -> str:
    return " ".join(
        str(e.value)
        for kind in ("markdown", "info", "caption", "warning")
        for e in getattr(at, kind)
    )


def test_with_no_account_the_sign_in_page_says_how_to_make_the_first_administrator(
    app_dir, sample_db
):
    shutil.copy(sample_db, app_dir / "readiness.db")
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    assert not at.exception
    assert "readiness users add NAME --role admin" in texts(at)
    engine = open_store(f"sqlite:///{app_dir / 'readiness.db'}")
    add_user(engine, "boss", "admin", password=PASSWORD)
    engine.dispose()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    assert "readiness users add" not in texts(at)


def test_a_demo_manager_opens_every_page_of_the_role_with_nothing_to_change(
    app_dir, sample_db, catalogue, tmp_path
):
    shutil.copy(sample_db, app_dir / "readiness.db")
    header, rows = filled_rows(catalogue, "staff_survey", 3)
    data = write_csv(tmp_path / "s.csv", header, rows).read_bytes()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    at.selectbox(key="demo_role").set_value("manager").run()
    at.button(key="demo_enter").click().run()
    assert not at.exception
    at.session_state["evidence_pending"] = ("s.csv", data)
    at.switch_page("views/pages/evidence.py").run()
    at.text_input(key="evidence_area").set_value("ASH")
    at.text_input(key="evidence_wave").set_value("2099-1").run()
    assert not at.exception and "read-only" in texts(at)
    assert at.button(key="evidence_confirm").disabled
    at.switch_page("views/pages/survey_links.py").run()
    assert not at.exception and "read-only" in texts(at)
    assert "No survey link is open" in texts(at)
