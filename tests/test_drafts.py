"""Unfinished web-survey answers kept under a resume code, and survey-link limits (closing
date, most answers), on SQLite and PostgreSQL; the migration matches the models."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from helpers import count_rows
from sqlalchemy import func, select

from app.evidence import submit_response
from survey.ingest import drafts, web_survey
from survey.ingest.web_survey import LinkError, LinkNotOpen
from survey.store.models import Base, SurveyDraft

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
STATE = {"values": {"sector": "police", "lead_1": "4"}, "sectors": ["dwp"], "prompted": []}
PROFILE = {"sector": "police", "role_level": "frontline", "co_located": "yes"}
PROFILE |= {"multi_agency_team": "no"}


@pytest.fixture
def token(engine, catalogue) -> str:
    return web_survey.open_link(engine, "NTH", "2026-1", "staff_survey", "m", catalogue=catalogue)


def save(engine, token, code=None, now=NOW, **kw):
    kw = {"step": 3, "language": "cy", "answers": STATE, "keep_days": 14} | kw
    return drafts.save_draft(engine, token, code, now=now, **kw)


def test_answers_so_far_come_back_under_their_code(engine, token):
    code = save(engine, token)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){2}", code)
    draft = drafts.load_draft(engine, token, code, now=NOW)
    assert (draft.code, draft.step, draft.language, draft.answers) == (code, 3, "cy", STATE)
    # typed from paper: any case, spaces instead of dashes
    assert drafts.load_draft(engine, token, code.lower().replace("-", " "), now=NOW) == draft
    again = save(engine, token, code, step=5)
    assert again == code and drafts.load_draft(engine, token, code, now=NOW).step == 5
    assert count_rows(engine)["responses"] == 0  # a draft is never evidence


def test_the_store_keeps_no_code_only_its_hash(engine, token):
    code = save(engine, token)
    with engine.connect() as conn:
        (row,) = conn.execute(select(SurveyDraft.code_hash, SurveyDraft.answers)).all()
    assert code not in row.code_hash and len(row.code_hash) == 64


@pytest.mark.parametrize("code", [None, "", "nope", "ABCD-EFGH-JKL1", "ABCD-EFGH-JKLMN"])
def test_a_code_that_cannot_be_one_finds_nothing(engine, token, code):
    save(engine, token)
    assert drafts.load_draft(engine, token, code, now=NOW) is None


def test_a_code_belongs_to_its_own_link(engine, catalogue, token):
    other = web_survey.open_link(engine, "STH", "2026-1", "staff_survey", "m", catalogue=catalogue)
    code = save(engine, token)
    assert drafts.load_draft(engine, other, code, now=NOW) is None
    assert save(engine, other, code) != code  # saving elsewhere starts a new draft


def test_unfinished_answers_expire_and_are_deleted(engine, token):
    code = save(engine, token, keep_days=2)
    assert drafts.load_draft(engine, token, code, now=NOW + timedelta(days=1)) is not None
    assert drafts.load_draft(engine, token, code, now=NOW + timedelta(days=2)) is None
    assert drafts.purge_expired(engine, NOW + timedelta(days=2)) == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(SurveyDraft)).scalar() == 0


def test_a_closed_link_keeps_no_drafts(engine, token):
    code = save(engine, token)
    web_survey.close_link(engine, token)
    assert drafts.load_draft(engine, token, code, now=NOW) is None
    with pytest.raises(drafts.DraftError, match="not open"):
        save(engine, token, code)


def test_a_draft_is_gone_once_discarded(engine, token):
    code = save(engine, token)
    drafts.discard_draft(engine, code)
    assert drafts.load_draft(engine, token, code, now=NOW) is None


def test_oversized_answers_are_not_saved(engine, token):
    huge = {"values": {"open_barrier": "x" * (drafts.MAX_DRAFT_CHARS + 1)}}
    with pytest.raises(drafts.DraftError, match="too long"):
        save(engine, token, answers=huge)


# --- link limits --------------------------------------------------------------------------


def test_a_link_takes_at_most_its_limit_of_answers(engine, catalogue):
    token = web_survey.open_link(
        engine, "NTH", "2026-1", "staff_survey", "m", catalogue=catalogue, max_responses=2
    )
    for _ in range(2):
        submit_response(engine, token, PROFILE, catalogue=catalogue)
    assert web_survey.link(engine, token) is None  # full
    with pytest.raises(LinkNotOpen):
        submit_response(engine, token, PROFILE, catalogue=catalogue)
    assert count_rows(engine)["responses"] == 2
    (row,) = web_survey.open_links(engine).itertuples()
    assert (row.responses, row.max_responses) == (2, 2)


def test_a_refused_answer_does_not_use_up_the_limit(engine, catalogue):
    token = web_survey.open_link(
        engine, "NTH", "2026-1", "staff_survey", "m", catalogue=catalogue, max_responses=1
    )
    with pytest.raises(web_survey.SubmissionRefused):
        submit_response(engine, token, PROFILE | {"lead_1": "9"}, catalogue=catalogue)
    submit_response(engine, token, PROFILE, catalogue=catalogue)
    assert count_rows(engine)["responses"] == 1


def test_a_link_stops_at_its_closing_time(engine, catalogue):
    closes = datetime.now(UTC) + timedelta(days=3)
    token = web_survey.open_link(
        engine, "NTH", "2026-1", "staff_survey", "m", catalogue=catalogue, expires_at=closes
    )
    assert web_survey.link(engine, token) is not None
    assert web_survey.link(engine, token, now=closes - timedelta(seconds=1)) is not None
    assert web_survey.link(engine, token, now=closes) is None
    with pytest.raises(LinkError, match="future"):
        web_survey.open_link(
            engine, "NTH", "2026-1", "staff_survey", "m", expires_at=datetime.now(UTC)
        )
    with pytest.raises(LinkError, match="at least 1"):
        web_survey.open_link(engine, "NTH", "2026-1", "staff_survey", "m", max_responses=0)


def test_the_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
