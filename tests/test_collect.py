"""Survey links and web-survey answers (on SQLite and PostgreSQL), the steps of the web
survey, and the files the evidence forms build."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from helpers import STORED, assert_store_empty, count_rows
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app import evidence
from app.evidence import validate
from instruments import forms
from instruments.columns import columns
from survey.ingest import validate as checks
from survey.ingest import web_survey
from survey.ingest.web_survey import LinkError, LinkNotOpen, SubmissionRefused
from survey.store import audit
from survey.store.models import Answer, ImportBatch, Response

PROFILE = {
    "sector": "police",
    "role_level": "frontline",
    "co_located": "yes",
    "multi_agency_team": "no",
}
ANSWERS = PROFILE | {
    "organisation": "Northshire Police",
    "lead_1": "4",
    "lead_3": " 2",
    "know_1": "false",
    "trust_mental_health_ability": "5",
    "open_barrier": 'Nobody knows who to call,\r\n"really" — 5 agencies; =SUM(A1)  ',
}


@pytest.fixture
def token(engine, catalogue) -> str:
    return web_survey.open_link(engine, "NTH", "2026-1", "staff_survey", "m", catalogue=catalogue)


def stored(engine) -> tuple[list[Response], dict[str, str]]:
    with Session(engine) as s:
        responses = s.scalars(select(Response)).all()
        answers = {a.item_id: a.raw for a in s.scalars(select(Answer))}
        s.expunge_all()
    return responses, answers


# --- links --------------------------------------------------------------------------------


def test_a_link_is_open_until_it_is_closed(engine, catalogue, token):
    found = web_survey.link(engine, token)
    assert (found.area, found.wave, found.instrument, found.created_by) == (
        "NTH",
        "2026-1",
        "staff_survey",
        "m",
    )
    assert len(token) >= 20 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    other = web_survey.open_link(
        engine, " STH ", "2026-1", "staff_survey", "a", catalogue=catalogue
    )
    table = web_survey.open_links(engine)
    assert list(table.columns) == [
        "token",
        "area",
        "wave",
        "instrument",
        "created_by",
        "created_at",
        "expires_at",
        "max_responses",
        "responses",
    ]
    assert list(table["token"]) == [token, other] and list(table["area"]) == ["NTH", "STH"]

    web_survey.close_link(engine, token)
    assert web_survey.link(engine, token) is None
    assert list(web_survey.open_links(engine)["token"]) == [other]
    with pytest.raises(LinkNotOpen):
        web_survey.close_link(engine, token)
    with pytest.raises(LinkNotOpen):
        web_survey.close_link(engine, "no-such-token")


@pytest.mark.parametrize("value", ["", None, "unknown", "x" * 500])
def test_an_unknown_token_is_no_link(sqlite_engine, value):
    assert web_survey.link(sqlite_engine, value) is None


@pytest.mark.parametrize(
    ("area", "wave", "instrument", "message"),
    [
        ("", "2026-1", "staff_survey", "area code must be 1 to 40"),
        ("NTH", "   ", "staff_survey", "wave label must be 1 to 40"),
        ("N" * 41, "2026-1", "staff_survey", "area code must be 1 to 40"),
        ("NTH", "2026-1", "no_such_survey", "unknown instrument"),
        ("NTH", "2026-1", "stakeholder_interview", "only surveys can be answered online"),
    ],
)
def test_a_link_needs_an_area_a_wave_and_a_survey(
    sqlite_engine, catalogue, area, wave, instrument, message
):
    with pytest.raises(LinkError, match=message):
        web_survey.open_link(sqlite_engine, area, wave, instrument, "m", catalogue=catalogue)
    assert web_survey.open_links(sqlite_engine).empty


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (None, "?survey=T"),
        ("http://localhost:8501/survey_links", "http://localhost:8501/?survey=T"),
        ("https://x.org/readiness/survey_links?a=1#b", "https://x.org/readiness/?survey=T"),
        ("https://x.org", "https://x.org/?survey=T"),
    ],
)
def test_link_url(page, expected):
    assert web_survey.link_url("T", page) == expected


# --- answering ----------------------------------------------------------------------------


def test_an_answer_is_one_response_stored_exactly_as_given(engine, catalogue, token):
    evidence.submit_response(engine, token, ANSWERS, catalogue=catalogue)
    (response,), answers = stored(engine)
    items = {k: v for k, v in ANSWERS.items() if k not in PROFILE and k != "organisation"}
    assert answers == items  # raw, exactly as given: spaces, quotes, line breaks and all
    assert (response.source, response.sector, response.role_level) == (
        "survey",
        "police",
        "frontline",
    )
    assert (response.co_located, response.multi_agency_team) == (True, False)
    assert re.fullmatch(r"W-[0-9a-f]{12}", response.respondent_key)
    assert response.profile == PROFILE | {
        "organisation": "Northshire Police",
        "respondent_id": response.respondent_key,
    }
    with Session(engine) as s:
        (batch,) = s.scalars(select(ImportBatch)).all()
    assert (batch.imported_by, batch.file_name, batch.rows) == ("web-survey", "web-survey.csv", 1)
    assert web_survey.link(engine, token) is not None  # the link stays open for the next one


def test_equal_answers_are_two_responses(engine, catalogue, token):
    for _ in range(2):
        evidence.submit_response(engine, token, PROFILE | {"lead_1": "3"}, catalogue=catalogue)
    responses, _ = stored(engine)
    assert len(responses) == 2 and len({r.respondent_key for r in responses}) == 2
    assert count_rows(engine)["import_batches"] == 2 and count_rows(engine)["answers"] == 2


def test_a_closed_link_takes_no_answers(engine, catalogue, token):
    web_survey.close_link(engine, token)
    with pytest.raises(LinkNotOpen):
        evidence.submit_response(engine, token, ANSWERS, catalogue=catalogue)
    with pytest.raises(LinkNotOpen):
        evidence.submit_response(engine, "made-up", ANSWERS, catalogue=catalogue)
    assert_store_empty(engine)


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        (
            {"lead_1": "9"},
            "The answer '9' to “Senior leaders in my organisation say clearly that sharing "
            "information with partners matters.” is not allowed: expected whole number 1-5.",
        ),
        ({"sector": None}, "“Which sector do you work in?” needs an answer."),
        ({"know_1": "maybe"}, "is not allowed: expected true/false."),
        ({"ip_address": "10.0.0.1"}, "'ip_address' is not a question in this survey."),
        ({"open_barrier": "x" * 2001}, "is not allowed: longer than 2000 characters."),
    ],
)
def test_answers_that_break_the_rules_are_refused_in_words(
    engine, catalogue, token, change, sentence
):
    answers = {k: v for k, v in (ANSWERS | change).items() if v is not None}
    with pytest.raises(SubmissionRefused) as info:
        evidence.submit_response(engine, token, answers, catalogue=catalogue)
    assert str(info.value).startswith("Your answers were not saved. ")
    assert sentence in str(info.value)
    assert_store_empty(engine)


def test_nothing_identifies_a_web_respondent(engine, catalogue, token):
    answers = ANSWERS | {"respondent_id": "Jane Smith"}  # a respondent cannot name itself
    evidence.submit_response(engine, token, answers, catalogue=catalogue)
    (response,), _ = stored(engine)
    assert response.respondent_key.startswith("W-") and "Jane" not in str(response.profile)
    link_columns = {c["name"] for c in inspect(engine).get_columns("survey_links")}
    assert link_columns == {
        "id",
        "token",
        "area_code",
        "wave_label",
        "instrument_key",
        "created_by",
        "created_at",
        "closed_at",
        "expires_at",
        "max_responses",
        "responses",  # a count only: nothing about who answered
    }
    for table in STORED:  # no table refers to the link, so no answer traces back to it
        names = {c["name"] for c in inspect(engine).get_columns(table)}
        assert not names & {"link_id", "token", "ip", "ip_address", "user_agent", "username"}
    (entry,) = audit.entries(engine, action="import").itertuples()
    assert entry.actor == "web-survey" and "Jane" not in entry.detail


# --- the web survey's steps ---------------------------------------------------------------


def test_the_steps_ask_every_question_once_profile_first(catalogue):
    steps = web_survey.survey_steps(catalogue, "staff_survey")
    inst = catalogue.get("staff_survey")
    asked = [c.id for s in steps for c in s.columns]
    expected = [c.id for c in columns(catalogue, "staff_survey") if c.id not in inst.id_columns]
    assert sorted(asked) == sorted(expected) and len(asked) == len(set(asked))
    assert steps[0].kind == "profile" and steps[-1].kind == "open"
    assert [s.id for s in steps[1:-1]] == [s.id for s in inst.scales]
    likert = next(s for s in steps if s.kind == "likert")
    assert likert.options == ("1", "2", "3", "4", "5")
    assert likert.labels[0] == "Strongly disagree" and likert.labels[-1] == "Strongly agree"
    knowledge = next(s for s in steps if s.kind == "knowledge")
    assert knowledge.labels == ("True", "False", "Don't know")
    trust = web_survey.trust_items(catalogue, "staff_survey")
    assert list(trust) == catalogue.sector_codes
    assert [c.id for c in trust["police"]] == [
        f"trust_police_{f}" for f in ("ability", "benevolence", "integrity", "willingness")
    ]


# --- files built by the forms -------------------------------------------------------------


def test_a_form_file_holds_every_column_and_validates(catalogue):
    row = {"interview_id": "INT1", "coder": "AB", "sector": "police", "role_level": "manager"}
    row |= {"rate_leadership": 2, "rate_trust": 4.0, "theme_1": None}
    themes = pd.DataFrame(
        {"theme": ["hierarchy", None], "rater": ["police", None], "target": [None, None]}
        | {"quote": ["It all goes up, to the top.", None]}
    )
    data = forms.form_file(catalogue, "stakeholder_interview", [row | forms.theme_cells(themes)])
    header = data.decode().splitlines()[0].split(",")
    assert header == [c.id for c in columns(catalogue, "stakeholder_interview")]
    v = validate(data, "interview.csv", "stakeholder_interview", catalogue=catalogue)
    # the half-given sector pair is named, like any other problem of a file
    assert [(p.row, p.column, p.value) for p in v.problems] == [(2, "theme_1_pair", "police>")]
    themes.loc[0, "target"] = "mental_health"
    data = forms.form_file(catalogue, "stakeholder_interview", [row | forms.theme_cells(themes)])
    v = validate(data, "interview.csv", "stakeholder_interview", catalogue=catalogue)
    assert v.ok and v.raw[0]["rate_trust"] == "4" and v.raw[0]["theme_2"] == ""
    assert v.raw[0]["theme_1_quote"] == "It all goes up, to the top."


def test_table_rows_skip_blank_rows(catalogue):
    cols = [c for c in columns(catalogue, "workshop") if c.id != "workshop_id"]
    table = forms.blank_table(cols, rows=3)
    assert table["v_mh_crisis_conf"].dtype == float and table["sector"].dtype == object
    table.loc[1, ["participant_id", "sector", "role_level"]] = ["P1", "police", "frontline"]
    table.loc[1, ["v_mh_crisis", "v_mh_crisis_conf"]] = ["share", 4.0]
    (row,) = forms.table_rows(table, workshop_id="WS1")
    assert row["workshop_id"] == "WS1" and row["v_mh_crisis_conf"] == "4"
    assert row["card_1_votes"] == "" and row["participant_id"] == "P1"
    v = validate(forms.form_file(catalogue, "workshop", [row]), "w.csv", "workshop")
    assert v.ok, v.problems


def test_problem_frame_lists_row_column_value_reason():
    from survey.ingest.validate import ImportProblem

    frame = checks.problem_frame(
        [
            ImportProblem(3, "lead_1", "9", "expected whole number 1-5"),
            ImportProblem(None, None, None, "empty"),
        ]
    )
    assert list(frame.columns) == ["row", "column", "value", "reason"]
    assert frame.iloc[0].tolist() == [3, "lead_1", "9", "expected whole number 1-5"]
    assert pd.isna(frame.iloc[1]["row"]) and frame.iloc[1]["reason"] == "empty"
