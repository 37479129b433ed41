"""Unfinished web-survey answers, saved at every step under a resume code.

A respondent on a phone is interrupted; a reload, a lost signal or a closed tab must not
lose their answers. Each step saves the answers so far server-side under a resume code
(twelve letters and digits, shown as ``ABCD-EFGH-JKLM``, no personal data), which the
respondent can note and enter when they open the link again. A draft is not evidence:
only submitting stores answers (through the import path), the draft is deleted then, and
an unfinished draft is deleted once it expires. The store keeps only the code's SHA-256,
so the table cannot be used to take over someone's draft."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from instruments.errors import ReadinessError
from survey.store.models import SurveyDraft, SurveyLink, utcnow

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to copy from paper
CODE_LENGTH = 12
MAX_DRAFT_CHARS = 200_000


class DraftError(ReadinessError):
    """A draft cannot be saved; the message says why."""


@dataclass(frozen=True)
class Draft:
    """A saved, unfinished response: where the respondent was and what they had answered
    (``answers`` holds the page's own state: ``values``, chosen ``sectors``...)."""

    code: str
    step: int
    language: str
    answers: dict[str, Any]
    expires_at: datetime


def new_code() -> str:
    """A fresh resume code, ``XXXX-XXXX-XXXX``: 60 bits from an alphabet without look-alikes."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normal_code(code: str) -> str | None:
    """A code as typed (any case, spaces or dashes) in its printed form; None if it cannot
    be one."""
    raw = re.sub(r"[\s\-]", "", str(code or "")).upper()
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _link_id(conn: Any, token: str) -> int | None:
    stmt = select(SurveyLink.id).where(SurveyLink.token == token, SurveyLink.closed_at.is_(None))
    return conn.execute(stmt).scalar_one_or_none()


def purge_expired(engine: Engine, now: datetime | None = None) -> int:
    """Delete every draft past its expiry; how many were deleted."""
    with engine.begin() as conn:
        gone = conn.execute(delete(SurveyDraft).where(SurveyDraft.expires_at <= (now or utcnow())))
    return gone.rowcount or 0


def save_draft(
    engine: Engine,
    token: str,
    code: str | None,
    *,
    step: int,
    language: str,
    answers: Mapping[str, Any],
    keep_days: int,
    now: datetime | None = None,
) -> str:
    """Save the answers so far for the link ``token``: under ``code`` when it names a live
    draft of this link, else under a new code. Returns the code; each save keeps the draft
    for ``keep_days`` more days. Raises :class:`DraftError` when the link is not open."""
    now = now or utcnow()
    data = dict(answers)
    if len(json.dumps(data)) > MAX_DRAFT_CHARS:
        raise DraftError("these answers are too long to be saved")
    purge_expired(engine, now)
    values = {
        "step": int(step),
        "language": language[:5],
        "answers": data,
        "updated_at": now,
        "expires_at": now + timedelta(days=keep_days),
    }
    with engine.begin() as conn:
        link_id = _link_id(conn, token)
        if link_id is None:
            raise DraftError("this survey link is not open")
        code = normal_code(code) if code else None
        if code is not None:
            updated = conn.execute(
                update(SurveyDraft)
                .where(SurveyDraft.code_hash == _hash(code), SurveyDraft.link_id == link_id)
                .values(**values)
            ).rowcount
            if updated:
                return code
        code = new_code()
        conn.execute(insert(SurveyDraft).values(link_id=link_id, code_hash=_hash(code), **values))
    return code


def load_draft(
    engine: Engine, token: str, code: str | None, now: datetime | None = None
) -> Draft | None:
    """The live draft of link ``token`` saved under ``code``; None when the code is not one,
    belongs to another link, or has expired."""
    printed = normal_code(code) if code else None
    if printed is None:
        return None
    stmt = (
        select(SurveyDraft.step, SurveyDraft.language, SurveyDraft.answers, SurveyDraft.expires_at)
        .join(SurveyLink, SurveyLink.id == SurveyDraft.link_id)
        .where(
            SurveyDraft.code_hash == _hash(printed),
            SurveyLink.token == token,
            SurveyLink.closed_at.is_(None),
        )
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires <= (now or utcnow()):
        return None
    return Draft(printed, row.step, row.language, dict(row.answers or {}), expires)


def discard_draft(engine: Engine, code: str | None) -> None:
    """Delete the draft saved under ``code`` (after its answers were submitted)."""
    printed = normal_code(code) if code else None
    if printed is None:
        return
    with engine.begin() as conn:
        conn.execute(delete(SurveyDraft).where(SurveyDraft.code_hash == _hash(printed)))
