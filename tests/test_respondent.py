"""The respondent's side of the web survey: plain words from the instrument, sector names
from the sector list, the fixed frame of the respondent pages, and the steps as a
respondent meets them (AppTest)."""

from __future__ import annotations

import ast
import inspect
import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from helpers import count_rows, filled_rows, write_csv
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from app.evidence import import_file
from instruments import wording
from instruments.schema import Text
from survey.ingest import drafts, web_survey
from survey.store.engine import open_store
from survey.store.models import Answer, Response
from views import chrome

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = str(ROOT / "dashboard.py")


# --- plain words --------------------------------------------------------------------------


def test_every_step_has_a_title_written_for_respondents(catalogue):
    inst = catalogue.get("staff_survey")
    steps = web_survey.survey_steps(catalogue, "staff_survey")
    constructs = {str(s.title) for s in inst.scales}
    for step in steps:
        assert step.title and step.description, step.id
        assert step.title not in constructs, f"{step.id}: a construct name, not plain words"
    assert all(s.step is not None for s in inst.scales)  # in the YAML, not in code


def test_sector_names_come_from_the_sector_list(catalogue):
    inst = catalogue.get("staff_survey")
    assert wording.sector_name(catalogue, "dwp") == "DWP"
    assert wording.sector_name(catalogue, "fire_rescue", short=False) == "Fire and rescue service"
    assert wording.option_label(catalogue, inst, "sector", "childrens_social_care") == (
        "Children's social care"
    )
    assert wording.option_label(catalogue, inst, "yes_no", "dont_know") == "Don't know"
    texts = wording.texts(catalogue, inst)
    assert texts["trust_dwp_ability"] == "Staff in DWP are good at their jobs."


# --- the fixed frame ----------------------------------------------------------------------


def test_the_frame_takes_no_text_from_anyone():
    """views/chrome.py is the one dashboard module allowed to write markup: none of its
    functions takes a string, and its markup is built only from its own constants."""
    for name, fn in inspect.getmembers(chrome, inspect.isfunction):
        for param in inspect.signature(fn).parameters.values():
            assert param.annotation in {"int", int, "None"}, (name, param.name)
    tree = ast.parse(Path(chrome.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "html":
            arg = node.args[0]
            assert isinstance(arg, ast.Name | ast.BinOp), ast.dump(arg)


def test_the_frame_hides_streamlits_menu_and_stacks_options_on_a_phone():
    css = chrome.RESPONDENT_CSS
    for testid in ("stToolbar", "stMainMenu", "stHeader"):
        assert testid in css
    assert "@media (max-width: 900px)" in css and "flex-direction: column" in css
    assert "min-height: 44px" in css
    script = chrome._STEP_SCRIPT % {"step": 3, "live": chrome.LIVE_REGION_ID}
    assert 'aria-live="polite"' in script and "focus(" in script and "scrollTop = 0" in script


# --- the steps as a respondent meets them -------------------------------------------------


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory, catalogue) -> Path:
    """A store holding one small import (so the dashboard does not load the sample data)."""
    folder = tmp_path_factory.mktemp("respondent")
    engine = open_store(f"sqlite:///{folder / 'template.db'}")
    header, rows = filled_rows(catalogue, "staff_survey", 3)
    path = write_csv(folder / "seed.csv", header, rows)
    import_file(engine, path, instrument="staff_survey", area="NTH", wave="2026-1")
    engine.dispose()
    return folder / "template.db"


@pytest.fixture
def link(tmp_path, monkeypatch, seeded_db, catalogue):
    """A fresh copy of the store, the app started from an empty folder, and an open link."""
    path = tmp_path / "readiness.db"
    shutil.copy(seeded_db, path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{path}")
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = open_store(f"sqlite:///{path}")
    token = web_survey.open_link(engine, "NTH", "2026-2", "staff_survey", "m", catalogue=catalogue)
    yield engine, token
    engine.dispose()
    st.cache_resource.clear()
    st.cache_data.clear()


def open_survey(token: str, **params: str) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=30)
    at.query_params["survey"] = token
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def answer_profile(at: AppTest) -> None:
    at.selectbox(key="q_sector").set_value("police")
    at.radio(key="q_role_level").set_value("frontline")
    at.radio(key="q_co_located").set_value("yes")
    at.radio(key="q_multi_agency_team").set_value("no")
    at.button(key="survey_next").click().run()


def test_blank_answers_are_pointed_out_once_never_blocked(link):
    _, token = link
    at = open_survey(token)
    assert [h.value for h in at.header] == ["About you and your work"]
    answer_profile(at)
    assert at.header[0].value == "Leaders and managers"
    at.radio(key="q_lead_1").set_value("4")
    at.button(key="survey_next").click().run()
    (warning,) = at.warning
    assert warning.value.startswith("Questions left blank on this page: 3.")
    assert at.header[0].value == "Leaders and managers"  # not moved yet
    at.button(key="survey_stay").click().run()
    assert not at.warning
    at.button(key="survey_next").click().run()  # the second time, no prompt
    assert not at.warning and at.header[0].value == "Working towards the same goals"


def test_trust_sectors_are_offered_by_their_names(link):
    _, token = link
    at = open_survey(token)
    answer_profile(at)
    while at.header[0].value != "Working with other sectors":
        at.button(key="survey_next").click().run()
        if "survey_go_on" in keys(at):
            at.button(key="survey_go_on").click().run()
    chips = at.multiselect(key="q_trust_sectors")
    assert "DWP / Jobcentre Plus" in chips.options and "Dwp" not in chips.options
    chips.set_value(["dwp"]).run()
    assert [s.value for s in at.subheader] == ["DWP / Jobcentre Plus"]


def keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button}


# --- resuming -----------------------------------------------------------------------------


def resume_code(at: AppTest) -> str:
    (note,) = [i.value for i in at.info if "resume code" in i.value]
    return re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", note).group(0)


def test_a_reload_carries_on_where_the_respondent_left_off(link):
    engine, token = link
    seeded = count_rows(engine)["responses"]
    at = open_survey(token)
    assert not [i for i in at.info if "resume code" in i.value]  # nothing saved yet
    answer_profile(at)
    at.radio(key="q_lead_1").set_value("2")
    at.button(key="survey_next").click().run()
    at.button(key="survey_go_on").click().run()
    code = resume_code(at)
    assert count_rows(engine)["responses"] == seeded  # a draft is no evidence

    again = open_survey(token, resume=code)  # the address after a reload carries the code
    assert not again.exception
    assert again.header[0].value == "Working towards the same goals"
    again.button(key="survey_back").click().run()
    assert again.radio(key="q_lead_1").value == "2"
    again.button(key="survey_back").click().run()
    assert again.selectbox(key="q_sector").value == "police"


def test_a_code_noted_on_paper_can_be_typed_in(link):
    _, token = link
    at = open_survey(token)
    answer_profile(at)
    code = resume_code(at)

    fresh = open_survey(token)
    fresh.text_input(key="survey_resume_code").input("nope").run()
    fresh.button(key="survey_resume").click().run()
    assert "That resume code is not known, or it has expired." in [e.value for e in fresh.error]
    fresh.text_input(key="survey_resume_code").input(code.lower().replace("-", " "))
    fresh.button(key="survey_resume").click().run()
    assert fresh.header[0].value == "Leaders and managers" and not fresh.error


def test_submitting_ends_the_draft(link, catalogue):
    engine, token = link
    seeded = count_rows(engine)["responses"]
    at = open_survey(token)
    answer_profile(at)
    code = resume_code(at)
    steps = web_survey.survey_steps(catalogue, "staff_survey")
    for _ in steps[1:-1]:
        at.button(key="survey_next").click().run()
        if "survey_go_on" in keys(at):
            at.button(key="survey_go_on").click().run()
    at.button(key="survey_submit").click().run()
    assert at.success[0].value.startswith("Thank you")
    assert count_rows(engine)["responses"] == seeded + 1
    assert drafts.load_draft(engine, token, code) is None


# --- Welsh --------------------------------------------------------------------------------

TRANSLATED = ["staff_survey", "workshop"]


@pytest.mark.parametrize("key", TRANSLATED)
def test_every_text_a_respondent_reads_has_a_welsh_translation(catalogue, key):
    """The contract: any item, option, title or message without Welsh is named here."""
    assert wording.untranslated(catalogue, catalogue.get(key)) == []


def test_the_contract_names_a_missing_translation(catalogue):
    inst = catalogue.get("staff_survey")
    item = inst.items[0].model_copy(update={"text": Text(en="An untranslated item.")})
    messages = {k: v for k, v in inst.messages.items() if k != "thanks"}
    broken = inst.model_copy(update={"items": [item, *inst.items[1:]], "messages": messages})
    assert wording.untranslated(catalogue, broken) == ["items.lead_1.text", "messages.thanks"]


def test_welsh_steps_ask_the_same_questions_with_the_same_codes(catalogue):
    english = web_survey.survey_steps(catalogue, "staff_survey")
    welsh = web_survey.survey_steps(catalogue, "staff_survey", "cy")
    assert [(s.id, s.options, [c.id for c in s.columns]) for s in english] == [
        (s.id, s.options, [c.id for c in s.columns]) for s in welsh
    ]
    assert welsh[1].title == "Arweinwyr a rheolwyr" and welsh[1].labels[0] == "Anghytuno'n gryf"
    assert all(e.title != w.title for e, w in zip(english, welsh, strict=True))
    texts = wording.texts(catalogue, catalogue.get("staff_survey"), "cy")
    assert (
        texts["trust_fire_rescue_ability"] == "Mae staff ym maes Tân ac achub yn dda yn eu gwaith."
    )


def test_a_welsh_respondent_completes_the_survey_and_the_answers_are_the_same(link, catalogue):
    engine, token = link
    at = open_survey(token)
    at.radio(key="survey_lang").set_value("cy").run()
    assert at.title[0].value == "Arolwg staff Parodrwydd i Rannu"
    assert at.header[0].value == "Amdanoch chi a'ch gwaith"
    assert at.progress[0].proto.text.startswith("Cam 1 o ")
    at.button(key="survey_next").click().run()
    assert at.error[0].value == "Atebwch y cwestiynau hyn cyn mynd ymlaen:"
    answer_profile(at)
    assert at.header[0].value == "Arweinwyr a rheolwyr"
    assert at.radio(key="q_lead_1").options[0] == "Anghytuno'n gryf"
    at.radio(key="q_lead_1").set_value("5")
    at.button(key="survey_next").click().run()
    assert at.warning[0].value.startswith("Cwestiynau heb eu hateb ar y dudalen hon: 3.")
    at.button(key="survey_go_on").click().run()
    while "survey_submit" not in keys(at):
        at.button(key="survey_next").click().run()
        if "survey_go_on" in keys(at):
            at.button(key="survey_go_on").click().run()
    at.button(key="survey_submit").click().run()
    assert at.success[0].value.startswith("Diolch")
    with engine.connect() as conn:
        rows = conn.execute(
            select(Answer.item_id, Answer.raw)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.respondent_key.like("W-%"))
        ).all()
        (sector,) = conn.execute(
            select(Response.sector).where(Response.respondent_key.like("W-%"))
        ).scalars()
    assert dict(rows) == {"lead_1": "5"} and sector == "police"
