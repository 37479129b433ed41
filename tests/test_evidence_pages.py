"""The evidence pages as their users meet them (Streamlit's AppTest, in a temporary folder
with its own SQLite file): the validation report before anything is written, importing
after confirmation, the interview and workshop forms, survey links, and answering the
survey through a link without signing in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from helpers import count_rows, csv_bytes, filled_rows, write_csv
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from app.evidence import import_file
from survey.ingest import web_survey
from survey.store import audit
from survey.store.accounts import Account
from survey.store.engine import open_store
from survey.store.models import Answer, InterviewRating, Response, VignetteDecision

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = str(ROOT / "dashboard.py")
MANAGER = Account("m", "manager")


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory, catalogue) -> Path:
    """A store holding one small import (so the dashboard does not load the sample data)."""
    folder = tmp_path_factory.mktemp("evidence")
    engine = open_store(f"sqlite:///{folder / 'template.db'}")
    header, rows = filled_rows(catalogue, "staff_survey", 3)
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


def _fresh_caches() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def db(tmp_path, monkeypatch, seeded_db):
    """The app runs from an empty temporary folder on its own copy of the seeded store."""
    path = tmp_path / "readiness.db"
    shutil.copy(seeded_db, path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{path}")
    _fresh_caches()  # the engine is cached per process: each test opens its own
    engine = open_store(f"sqlite:///{path}")
    yield engine
    engine.dispose()
    _fresh_caches()


def signed_in(page: str, account: Account = MANAGER) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=30)
    at.session_state["account"] = account
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def problems_table(at: AppTest):
    """The one table listing problems (row, column, value, reason)."""
    (table,) = [
        d.value
        for d in at.dataframe
        if list(d.value.columns) == ["row", "column", "value", "reason"]
    ]
    return table


def where(at: AppTest, area: str = "NTH", wave: str = "2026-2") -> AppTest:
    at.text_input(key="evidence_area").input(area)
    at.text_input(key="evidence_wave").input(wave)
    return at


# --- the evidence page: files -------------------------------------------------------------


def test_a_bad_file_shows_every_problem_and_writes_nothing(db, catalogue):
    before = count_rows(db)
    header, rows = filled_rows(catalogue, "staff_survey", 4)
    rows[0][header.index("lead_1")] = "9"
    rows[2][header.index("sector")] = "nowhere"
    at = where(signed_in("views/pages/evidence.py"))
    at.selectbox(key="evidence_instrument").set_value("staff_survey")
    at.session_state["evidence_pending"] = ("bad.csv", csv_bytes(header, rows))
    at.run()
    assert not at.exception
    assert texts(at.error) == ["2 problems found. Nothing will be imported."]
    table = problems_table(at)
    assert table[["row", "column", "value"]].values.tolist() == [
        [2, "lead_1", "9"],
        [4, "sector", "nowhere"],
    ]
    assert table["reason"].iloc[0] == "expected whole number 1-5"
    assert "evidence_confirm" not in [b.key for b in at.button]
    assert count_rows(db) == before


def test_a_good_file_is_imported_once_confirmed(db, catalogue):
    header, rows = filled_rows(catalogue, "staff_survey", 5)
    at = signed_in("views/pages/evidence.py")
    at.selectbox(key="evidence_instrument").set_value("staff_survey")
    at.session_state["evidence_pending"] = ("good.csv", csv_bytes(header, rows))
    at.run()
    assert texts(at.success) == ["5 rows are valid."]
    assert len(at.dataframe[0].value) == 5 and "lead_1" in at.dataframe[0].value
    assert at.button(key="evidence_confirm").disabled  # no area and wave yet
    before = count_rows(db)
    where(at, "STH", "2026-1").run()
    at.text_input(key="evidence_area_name").input("Southshire").run()
    confirm = at.button(key="evidence_confirm")
    assert confirm.label == "Import 5 rows" and not confirm.disabled
    assert count_rows(db) == before  # nothing is written before the confirmation
    confirm.click().run()
    assert not at.exception
    assert texts(at.success)[0].startswith("Imported 5 rows into STH, wave 2026-1 (import #")
    assert count_rows(db)["responses"] == before["responses"] + 5
    assert "evidence_pending" not in at.session_state
    (entry,) = audit.entries(db, action="import").query("actor == 'm'").itertuples()
    assert entry.area == "STH" and "good.csv" in entry.detail

    at.session_state["evidence_pending"] = ("again.csv", csv_bytes(header, rows))
    at.run()
    at.button(key="evidence_confirm").click().run()
    (error,) = texts(at.error)
    assert error.startswith("This file was already imported as import #")
    assert "area STH" in error and error.endswith("nothing was imported again.")
    assert count_rows(db)["responses"] == before["responses"] + 5
    (refused,) = audit.entries(db, action="import_rejected").itertuples()
    assert refused.actor == "m" and "again.csv" in refused.detail


def test_a_file_arrives_through_the_uploader_too(db, catalogue):
    header, rows = filled_rows(catalogue, "workshop", 2)
    at = where(signed_in("views/pages/evidence.py"))
    at.selectbox(key="evidence_instrument").set_value("workshop")
    at.file_uploader(key="evidence_upload").set_value(
        ("w.csv", csv_bytes(header, rows), "text/csv")
    )
    at.run()
    assert at.session_state["evidence_pending"][0] == "w.csv"
    at.button(key="evidence_confirm").click().run()
    assert not at.exception and count_rows(db)["vignette_decisions"] > 0


# --- the evidence page: forms -------------------------------------------------------------


def test_the_interview_form_writes_one_interview(db):
    at = where(signed_in("views/pages/evidence.py"))
    at.text_input(key="interview_interview_id").input("INT07")
    at.text_input(key="interview_coder").input("AB")
    at.selectbox(key="interview_sector").set_value("police")
    at.selectbox(key="interview_role_level").set_value("senior_leader")
    at.radio(key="interview_rate_leadership").set_value(2)
    at.radio(key="interview_rate_trust").set_value(4)
    at.button(key="interview_save").click().run()
    assert not at.exception and not at.error
    assert texts(at.success)[0].startswith("Imported 1 row into NTH, wave 2026-2")
    with Session(db) as s:
        (response,) = s.scalars(select(Response).where(Response.source == "interview")).all()
        ratings = {r.dimension: r.rating for r in s.scalars(select(InterviewRating))}
    assert (response.respondent_key, response.sector) == ("INT07|AB", "police")
    assert ratings == {"leadership": 2, "trust": 4}
    assert at.text_input(key="interview_interview_id").value == ""  # the form is cleared


def test_an_interview_without_its_id_is_refused_with_the_problem_named(db):
    before = count_rows(db)
    at = where(signed_in("views/pages/evidence.py"))
    at.selectbox(key="interview_sector").set_value("police")
    at.button(key="interview_save").click().run()
    assert not at.exception
    assert texts(at.error) == ["Nothing was imported: 3 problems."]
    table = problems_table(at)
    assert set(table["column"]) == {"interview_id", "coder", "role_level"}
    assert count_rows(db) == before


def test_the_workshop_form_writes_one_row_per_participant(db):
    at = where(signed_in("views/pages/evidence.py"))
    at.text_input(key="workshop_group").input("WS9")
    person = {"sector": "police", "role_level": "frontline", "v_mh_crisis": "share"}
    at.session_state["workshop_table"] = {
        "edited_rows": {
            0: person | {"participant_id": "P1", "v_mh_crisis_conf": 4},
            1: person | {"participant_id": "P2", "card_1_type": "barrier", "card_1_votes": 2},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="workshop_save").click().run()
    assert not at.exception and not at.error
    with Session(db) as s:
        keys = s.scalars(select(Response.respondent_key).where(Response.source == "workshop"))
        decisions = s.scalars(select(VignetteDecision.confidence)).all()
    assert sorted(keys) == ["WS9|P1", "WS9|P2"] and sorted(decisions, key=str) == [4, None]


# --- who may use it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "account", [Account("ash", "partnership", "NTH"), Account("prof", "panel")], ids=str
)
@pytest.mark.parametrize("page", ["views/pages/evidence.py", "views/pages/survey_links.py"])
def test_only_managers_and_administrators_may_use_the_pages(db, account, page):
    at = AppTest.from_file(DASHBOARD, default_timeout=30)
    at.session_state["account"] = account
    at.run()
    with pytest.raises(ValueError):  # not in their navigation at all
        at.switch_page(page)
    direct = AppTest.from_file(str(ROOT / page), default_timeout=30)
    direct.session_state["account"] = account
    direct.run()
    assert not direct.exception
    assert texts(direct.error) == ["This page is for engagement managers."]
    assert not direct.file_uploader and not direct.button and not direct.text_input
    assert not direct.dataframe and not direct.selectbox


# --- survey links and answering -----------------------------------------------------------


def test_a_manager_opens_and_closes_a_survey_link(db):
    at = signed_in("views/pages/survey_links.py")
    assert "No survey link is open." in texts(at.markdown)
    at.text_input(key="link_area").input("NTH")
    at.text_input(key="link_wave").input("2026-3")
    at.button(key="link_open").click().run()
    assert not at.exception
    (token,) = web_survey.open_links(db)["token"]
    assert any(f"?survey={token}" in c.value for c in at.caption)
    at.button(key=f"link_close_{token}").click().run()
    assert web_survey.open_links(db).empty and "No survey link is open." in texts(at.markdown)


def survey_app(token: str) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=30)
    at.query_params["survey"] = token
    return at.run()


def test_answering_the_survey_through_a_link(db, catalogue):
    token = web_survey.open_link(db, "NTH", "2026-4", "staff_survey", "m", catalogue=catalogue)
    at = survey_app(token)
    assert not at.exception and "account" not in at.session_state
    steps = web_survey.survey_steps(catalogue, "staff_survey")
    assert at.progress[0].proto.text == f"Step 1 of {len(steps)}"
    answers = [r for r in at.radio if r.key != "survey_lang"]  # the language is English first
    assert answers and not [r for r in answers if r.value is not None]  # nothing preselected

    at.button(key="survey_next").click().run()  # the profile is required
    assert "Please answer" in at.error[0].value and "Step 1 of" in at.progress[0].proto.text
    assert texts(at.error)[1:] == ["This question needs an answer."] * 4  # each field marked
    at.selectbox(key="q_sector").set_value("police")
    at.radio(key="q_role_level").set_value("frontline")
    at.radio(key="q_co_located").set_value("yes")
    at.radio(key="q_multi_agency_team").set_value("no")
    at.button(key="survey_next").click().run()
    for n, step in enumerate(steps[1:-1], start=2):
        assert at.progress[0].proto.text == f"Step {n} of {len(steps)}"
        if step.kind == "trust":
            at.multiselect(key="q_trust_sectors").set_value(["mental_health"]).run()
            at.radio(key="q_trust_mental_health_ability").set_value("2")
        elif step.kind == "knowledge":
            at.radio(key="q_know_1").set_value("false")
            at.radio(key="q_know_2").set_value("dont_know")
        else:
            at.radio(key=f"q_{step.columns[0].id}").set_value("4")
        at.button(key="survey_next").click().run()
        assert "Questions left blank on this page" in texts(at.warning)[0]  # asked once
        at.button(key="survey_go_on").click().run()
        assert not at.exception
    at.button(key="survey_back").click().run()  # going back keeps the answers
    assert at.radio(key="q_eff_1").value == "4" and at.radio(key="q_eff_2").value is None
    at.button(key="survey_next").click().run()  # the blanks were pointed out once already
    at.text_area(key="q_open_barrier").input("Nobody knows who to call.")
    at.button(key="survey_submit").click().run()
    assert not at.exception
    assert texts(at.success)[0].startswith("Thank you")
    assert not at.radio and not at.button and not at.text_area  # the form is gone

    with Session(db) as s:
        (response,) = s.scalars(select(Response).where(Response.respondent_key.like("W-%")))
        mine = select(Answer).where(Answer.response_id == response.id)
        answers = {a.item_id: a.raw for a in s.scalars(mine)}
    expected = {f"{s.columns[0].id}": "4" for s in steps if s.kind == "likert"}
    expected |= {"know_1": "false", "trust_mental_health_ability": "2"}
    expected |= {"open_barrier": "Nobody knows who to call."}
    assert answers == expected  # "don't know" is no answer
    assert (response.sector, response.role_level) == ("police", "frontline")


@pytest.mark.parametrize("closed", [False, True])
def test_a_link_that_is_not_open_shows_only_that(db, catalogue, closed):
    token = "no-such-link"
    if closed:
        token = web_survey.open_link(db, "NTH", "2026-4", "staff_survey", "m", catalogue=catalogue)
        web_survey.close_link(db, token)
    at = survey_app(token)
    assert not at.exception
    assert texts(at.markdown) == ["This survey link is not open."]
    assert not at.radio and not at.button and not at.text_input and not at.selectbox
