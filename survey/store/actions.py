"""Action plans in the store: create, update and list, each change audited in the same
transaction (so there is no action without its audit row)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from survey.store import audit
from survey.store.models import ActionPlan, utcnow

COLUMNS = (
    "id",
    "area_code",
    "wave_label",
    "about",
    "sector_a",
    "sector_b",
    "pillar",
    "gate",
    "description",
    "owner_role",
    "due",
    "status",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
)
FIELDS = ("wave_label", "about", "sector_a", "sector_b", "pillar", "gate")
EDITABLE = ("description", "owner_role", "due", "status")


def create(engine: Engine, actor: str, area: str, **values: Any) -> int:
    """Store a new action of ``area`` (fields as :class:`ActionPlan`); returns its id."""
    row = {k: values.get(k) for k in (*FIELDS, *EDITABLE)}
    with engine.begin() as conn:
        new_id = conn.execute(
            insert(ActionPlan)
            .values(area_code=area, created_by=actor, updated_by=actor, **row)
            .returning(ActionPlan.id)
        ).scalar_one()
        audit.record(conn, actor, "action_created", area=area, action_id=new_id, **row)
    return int(new_id)


def update_action(engine: Engine, actor: str, action_id: int, **changes: Any) -> dict[str, Any]:
    """Change an action's description, owner role, due date or status; returns the
    action's area and what changed (before → after), which is audited."""
    changes = {k: v for k, v in changes.items() if k in EDITABLE}
    with engine.begin() as conn:
        before = conn.execute(select(ActionPlan).where(ActionPlan.id == action_id)).first()
        if before is None:
            raise KeyError(action_id)
        changed = {
            k: [getattr(before, k), v] for k, v in changes.items() if getattr(before, k) != v
        }
        if changed:
            conn.execute(
                update(ActionPlan)
                .where(ActionPlan.id == action_id)
                .values(
                    updated_by=actor, updated_at=utcnow(), **{k: v[1] for k, v in changed.items()}
                )
            )
            audit.record(
                conn, actor, "action_updated", area=before.area_code, action_id=action_id, **changed
            )
    return {"area": before.area_code, "changed": changed}


def area_of(engine: Engine, action_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            select(ActionPlan.area_code).where(ActionPlan.id == action_id)
        ).scalar_one_or_none()


def actions(engine: Engine, areas: Iterable[str] | None) -> pd.DataFrame:
    """Every action of ``areas`` (all when ``None``), due date first."""
    stmt = select(*(getattr(ActionPlan, c) for c in COLUMNS)).order_by(
        ActionPlan.due, ActionPlan.id
    )
    if areas is not None:
        stmt = stmt.where(ActionPlan.area_code.in_(list(areas)))
    with engine.connect() as conn:
        rows = conn.execute(stmt).fetchall()
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    if len(frame):
        frame["due"] = [
            d if isinstance(d, date) else date.fromisoformat(str(d)) for d in frame["due"]
        ]
    return frame
