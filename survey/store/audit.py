"""The audit log: logins (failed ones too, local and single sign-on), logouts, entering the
demo, imports, exports (refused ones too), survey links opened and closed, and account
changes.

Entries are only ever added; the database itself refuses to change or delete them."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from survey.store.models import AuditEntry

ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "import",
    "import_rejected",
    "export",
    "user_added",
    "user_disabled",
    "user_enabled",
    "password_changed",
    "action_created",
    "action_updated",
    "demo_entered",
    "link_opened",
    "link_closed",
    "export_refused",
)


def record(
    bind: Engine | Connection,
    actor: str,
    action: str,
    *,
    area: str | None = None,
    **detail: Any,
) -> None:
    """Append one entry. ``detail`` is stored as JSON (what was imported, exported, ...)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action '{action}'")
    values = {
        "actor": actor[:100],
        "action": action,
        "area_code": area,
        "detail": json.dumps(detail, default=str, ensure_ascii=False, sort_keys=True),
    }
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            conn.execute(insert(AuditEntry).values(**values))
    else:
        bind.execute(insert(AuditEntry).values(**values))


def entries(engine: Engine, *, limit: int = 500, action: str | None = None) -> pd.DataFrame:
    """The newest entries first: at, actor, action, area, detail."""
    stmt = select(
        AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.area_code, AuditEntry.detail
    ).order_by(AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    with engine.connect() as conn:
        rows = conn.execute(stmt.limit(limit)).fetchall()
    return pd.DataFrame(rows, columns=["at", "actor", "action", "area", "detail"])
