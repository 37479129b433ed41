"""Joint action plans: what a partnership decided to do about a weak sector pair, a
sector, a pillar or a gate, checked before it is stored (:mod:`survey.store.actions`).

An action names an owner *role* ("Head of adult safeguarding"), never requires a person's
name, and has a due date and a status. Open actions are planned or in progress; an open
action past its due date is overdue."""

from __future__ import annotations

from datetime import date
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from instruments.errors import ReadinessError

STATUSES = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
OPEN = ("planned", "in_progress")
ABOUT = {"pair": "Sector pair", "sector": "Sector", "pillar": "Pillar", "gate": "Gate"}


class ActionError(ReadinessError):
    """An action plan that cannot be stored; the message says what to fix."""


class ActionInput(BaseModel):
    """An action as a person enters it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    about: Literal["pair", "sector", "pillar", "gate"]
    sector_a: str | None = None
    sector_b: str | None = None
    pillar: str | None = None
    gate: str | None = None
    description: str = Field(min_length=3, max_length=2000)
    owner_role: str = Field(min_length=2, max_length=200)
    due: date
    status: Literal["planned", "in_progress", "done", "dropped"] = "planned"
    wave_label: str | None = None

    @field_validator("sector_a", "sector_b", "pillar", "gate", "wave_label", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @model_validator(mode="after")
    def _names_what_it_is_about(self) -> ActionInput:
        if self.about == "pair" and not (self.sector_a and self.sector_b):
            raise ValueError("an action on a sector pair names both sectors")
        if self.about == "pair" and self.sector_a == self.sector_b:
            raise ValueError("a sector pair names two different sectors")
        if self.about == "sector" and not self.sector_a:
            raise ValueError("an action on a sector names the sector")
        if self.about == "pillar" and not self.pillar:
            raise ValueError("an action on a pillar names the pillar")
        if self.about == "gate" and not self.gate:
            raise ValueError("an action on a gate names the gate")
        if self.about == "pair" and self.sector_b < self.sector_a:  # one order per pair
            self.sector_a, self.sector_b = self.sector_b, self.sector_a
        return self


class ActionChange(BaseModel):
    """What may change on an existing action."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    description: str | None = Field(default=None, min_length=3, max_length=2000)
    owner_role: str | None = Field(default=None, min_length=2, max_length=200)
    due: date | None = None
    status: Literal["planned", "in_progress", "done", "dropped"] | None = None


def checked(model: type[BaseModel], values: dict) -> BaseModel:
    """``values`` as ``model``, or an :class:`ActionError` naming each problem."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'action'}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ActionError(f"the action cannot be saved: {problems}") from None


def with_state(actions: pd.DataFrame, today: date | None = None) -> pd.DataFrame:
    """``actions`` with ``open`` (planned or in progress) and ``overdue`` (open and past
    its due date) columns."""
    today = today or date.today()
    out = actions.copy()
    out["open"] = out["status"].isin(OPEN)
    out["overdue"] = out["open"] & (pd.Series(list(out["due"]), index=out.index) < today)
    return out


def counts(actions: pd.DataFrame, today: date | None = None) -> pd.DataFrame:
    """Open and overdue actions per area (index area_code)."""
    if actions.empty:
        return pd.DataFrame(columns=["open_actions", "overdue_actions"])
    state = with_state(actions, today)
    return state.groupby("area_code").agg(
        open_actions=("open", "sum"), overdue_actions=("overdue", "sum")
    )


def readable(
    actions: pd.DataFrame, *, sectors: dict[str, str], titles: dict[str, str]
) -> pd.DataFrame:
    """Actions as a person reads them: what about, the action, owner, due, status, overdue."""
    state = with_state(actions) if len(actions) else actions.assign(open=[], overdue=[])

    def what(r: pd.Series) -> str:
        a, b = sectors.get(r["sector_a"], r["sector_a"]), sectors.get(r["sector_b"], r["sector_b"])
        if r["about"] == "pair":
            return f"{a} ↔ {b}"
        if r["about"] == "sector":
            return a
        key = r["pillar"] if r["about"] == "pillar" else r["gate"]
        return titles.get(key, key)

    return pd.DataFrame(
        {
            "No.": state["id"],
            "About": [what(r) for _, r in state.iterrows()],
            "Action": state["description"].astype(str),
            "Owner (role)": state["owner_role"].astype(str),
            "Due": [d.isoformat() for d in state["due"]],
            "Status": state["status"].map(STATUSES),
            "Overdue": state["overdue"].astype(bool),
        }
    )
