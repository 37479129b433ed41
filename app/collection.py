"""Collecting evidence in the browser: survey links opened and closed by a manager, and the
web survey a respondent answers through a link, without an account."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from app.access import AccessDenied
from app.accounts import DEMO_READ_ONLY
from app.evidence import submit_response
from app.settings import settings
from instruments.catalogue import Catalogue
from survey.ingest import drafts, web_survey
from survey.ingest.drafts import Draft, DraftError
from survey.ingest.web_survey import (
    MAX_LABEL,
    Link,
    LinkError,
    LinkNotOpen,
    Step,
    SubmissionRefused,
    link,
    link_url,
    missing_required,
    survey_steps,
    trust_items,
)
from survey.store import audit
from survey.store.accounts import Account

__all__ = [
    "MAX_LABEL",
    "Draft",
    "DraftError",
    "Link",
    "LinkError",
    "LinkNotOpen",
    "Step",
    "SubmissionRefused",
    "close_link",
    "discard_draft",
    "draft_days",
    "link",
    "link_url",
    "load_draft",
    "missing_required",
    "open_link",
    "open_links",
    "save_draft",
    "submit_response",
    "survey_steps",
    "trust_items",
]


def _may_collect(account: Account, *, change: bool = True) -> None:
    if not account.scope.can_import:
        raise AccessDenied("survey links are for engagement managers")
    if change and account.scope.read_only:
        raise AccessDenied(DEMO_READ_ONLY)


def open_link(
    engine: Engine,
    account: Account,
    area: str,
    wave: str,
    instrument: str,
    *,
    catalogue: Catalogue | None = None,
    closes_after: date | None = None,
    max_responses: int | None = None,
) -> str:
    """Open ``wave`` of ``area`` to web respondents; the new link's token. With
    ``closes_after`` the link takes answers until the end of that day (UTC); with
    ``max_responses``, that many answers at most."""
    _may_collect(account)
    expires = None
    if closes_after is not None:
        expires = datetime.combine(closes_after + timedelta(days=1), time(), tzinfo=UTC)
    token = web_survey.open_link(
        engine,
        area,
        wave,
        instrument,
        account.username,
        catalogue=catalogue,
        expires_at=expires,
        max_responses=max_responses,
    )
    where = area.strip()[:40]
    audit.record(
        engine, account.username, "link_opened", area=where, wave=wave.strip(), link=token[:8]
    )
    return token


def close_link(engine: Engine, account: Account, token: str) -> None:
    """Stop the link taking answers (:class:`LinkNotOpen` if it is not open)."""
    _may_collect(account)
    web_survey.close_link(engine, token)
    audit.record(engine, account.username, "link_closed", link=token[:8])


def open_links(engine: Engine, account: Account) -> pd.DataFrame:
    """Every open link, oldest first; none for a demo visitor (a real manager's links are
    not the demo's to see)."""
    _may_collect(account, change=False)
    links = web_survey.open_links(engine)
    return links.iloc[0:0] if account.scope.read_only else links


# --- a respondent's unfinished answers (no account: the resume code is the key) -----------


def draft_days() -> int:
    """How many days unfinished answers are kept (``READINESS_DRAFT_DAYS``)."""
    return settings().draft_days


def save_draft(
    engine: Engine,
    token: str,
    code: str | None,
    *,
    step: int,
    language: str,
    answers: dict[str, Any],
) -> str:
    """Save a respondent's answers so far; the resume code they are saved under."""
    return drafts.save_draft(
        engine,
        token,
        code,
        step=step,
        language=language,
        answers=answers,
        keep_days=draft_days(),
    )


def load_draft(engine: Engine, token: str, code: str | None) -> Draft | None:
    """The unfinished answers saved under ``code`` for this link, if they are still kept."""
    return drafts.load_draft(engine, token, code)


def discard_draft(engine: Engine, code: str | None) -> None:
    drafts.discard_draft(engine, code)
