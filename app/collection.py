"""Collecting evidence in the browser: survey links opened and closed by a manager, and the
web survey a respondent answers through a link, without an account."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from app.access import AccessDenied
from app.accounts import DEMO_READ_ONLY
from app.evidence import submit_response
from instruments.catalogue import Catalogue
from survey.ingest import web_survey
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
    "Link",
    "LinkError",
    "LinkNotOpen",
    "Step",
    "SubmissionRefused",
    "close_link",
    "link",
    "link_url",
    "missing_required",
    "open_link",
    "open_links",
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
) -> str:
    """Open ``wave`` of ``area`` to web respondents; the new link's token."""
    _may_collect(account)
    token = web_survey.open_link(
        engine, area, wave, instrument, account.username, catalogue=catalogue
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
