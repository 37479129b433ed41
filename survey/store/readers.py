"""Reading evidence out of the store as DataFrames for :mod:`analysis`.

Every reader takes the areas the caller may see (``None`` means every area); access
control decides that list, so no reader can be used to reach another area's data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, select

from survey.store import vectors
from survey.store.models import (
    Answer,
    Area,
    ImportBatch,
    InterviewCode,
    InterviewRating,
    Response,
    VignetteDecision,
    Wave,
    WorkshopCard,
)
from survey.store.wide import wide

PROFILE = ["response_id", "area", "wave", "sector", "role_level"]


@dataclass(frozen=True)
class Evidence:
    """All evidence for some areas: one frame per kind, each with ``area`` and ``wave``.

    ``survey`` is wide (one row per respondent, one float column per item); the others
    are long. Open answers are read apart (:func:`text_frame`): they go through disclosure
    control of their own."""

    survey: pd.DataFrame
    ratings: pd.DataFrame
    codes: pd.DataFrame
    decisions: pd.DataFrame
    cards: pd.DataFrame


def _scoped(stmt: Select, areas: Iterable[str] | None) -> Select:
    stmt = stmt.join(Wave, Response.wave_id == Wave.id).join(Area, Wave.area_id == Area.id)
    if areas is not None:
        stmt = stmt.where(Area.code.in_(list(areas)))
    return stmt


def read_frame(bind: Engine | Connection, stmt: Select) -> pd.DataFrame:
    if isinstance(bind, Connection):  # inside a caller's transaction (e.g. an import)
        return _frame(bind.execute(stmt))
    with bind.connect() as conn:
        return _frame(conn.execute(stmt))


def _frame(result) -> pd.DataFrame:
    # Plain tuples: pandas probes each row object for named fields, and a SQLAlchemy row
    # answers that probe through a raised and caught exception (most of the time of
    # reading 150,000 respondents).
    rows = [tuple(r) for r in result.fetchall()]
    return pd.DataFrame(rows, columns=list(result.keys()))


_BASE = (
    Response.id.label("response_id"),
    Area.code.label("area"),
    Wave.label.label("wave"),
    Response.sector,
    Response.role_level,
)


def survey_frame(
    engine: Engine | Connection,
    areas: Iterable[str] | None = None,
    items: list[str] | None = None,
    *,
    wave_id: int | None = None,
    instrument: str | None = None,
) -> pd.DataFrame:
    """One row per survey respondent: profile columns then one float column per item.

    ``wave_id`` narrows it to one wave and ``instrument`` to one survey instrument (its
    key); ``engine`` may be a connection inside a transaction."""
    areas = None if areas is None else list(areas)
    only = _only(wave_id=wave_id, instrument=instrument)
    people = read_frame(
        engine,
        _scoped(
            select(*_BASE, Response.wave_id, Response.co_located, Response.multi_agency_team).where(
                Response.source == "survey", *only
            ),
            areas,
        ),
    )
    # Waves with a packed matrix load from it; any other respondents from the long answers.
    packed, rest = vectors.packed_values(engine, people, instrument)
    parts = [packed]
    if len(rest):
        stmt = _scoped(
            select(Answer.response_id, Answer.item_id, Answer.value)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.source == "survey", Answer.value.is_not(None), *only),
            areas,
        )
        if len(rest) < len(people):
            stmt = stmt.where(Response.wave_id.in_(_waves_of(people, rest)))
        parts.append(wide(engine, stmt, rest))
    values = pd.concat(parts) if len(parts) > 1 else packed
    if items is not None:
        values = values.reindex(columns=items)
    people = people.drop(columns="wave_id")
    frame = people.set_index("response_id").join(values, how="left").reset_index()
    return frame.sort_values(["area", "wave", "response_id"], ignore_index=True)


def _waves_of(people: pd.DataFrame, ids: np.ndarray) -> list[int]:
    mask = people["response_id"].isin(ids)
    return [int(w) for w in people.loc[mask, "wave_id"].unique()]


def _only(*, wave_id: int | None = None, instrument: str | None = None) -> tuple:
    conditions = []
    if wave_id is not None:
        conditions.append(Response.wave_id == wave_id)
    if instrument is not None:
        conditions.append(Response.instrument_key == instrument)
    return tuple(conditions)


def text_frame(
    engine: Engine, areas: Iterable[str] | None = None, *, instrument: str | None = None
) -> pd.DataFrame:
    """Open-text answers: response, area, wave, sector, item and the text as given."""
    return read_frame(
        engine,
        _scoped(
            select(*_BASE, Answer.item_id, Answer.raw.label("text"))
            .join(Answer, Answer.response_id == Response.id)
            .where(
                Response.source == "survey",
                Answer.value.is_(None),
                *_only(instrument=instrument),
            ),
            areas,
        ),
    )


_INTERVIEW = (Response.coder, Response.respondent_key)
_WORKSHOP = (Response.group_key.label("workshop"),)
# Each long frame of interview and workshop evidence: its table and the columns read.
_LONG = {
    "ratings": (InterviewRating, (*_INTERVIEW, InterviewRating.dimension, InterviewRating.rating)),
    "codes": (
        InterviewCode,
        (
            *_INTERVIEW,
            InterviewCode.slot,
            InterviewCode.theme,
            InterviewCode.rater_sector,
            InterviewCode.target_sector,
            InterviewCode.quote,
        ),
    ),
    "decisions": (
        VignetteDecision,
        (
            *_WORKSHOP,
            VignetteDecision.vignette,
            VignetteDecision.decision,
            VignetteDecision.confidence,
        ),
    ),
    "cards": (
        WorkshopCard,
        (
            *_WORKSHOP,
            WorkshopCard.slot,
            WorkshopCard.type,
            WorkshopCard.pillar,
            WorkshopCard.text,
            WorkshopCard.votes,
        ),
    ),
}


def _long(engine: Engine, name: str, areas: list[str] | None) -> pd.DataFrame:
    table, cols = _LONG[name]
    stmt = select(*_BASE, *cols).join(table, table.response_id == Response.id)
    frame = read_frame(engine, _scoped(stmt, areas))
    if "respondent_key" in frame:
        # An interview's key is "interview_id|coder"; two coders of one interview share it.
        frame["interview"] = frame["respondent_key"].str.rsplit("|", n=1).str[0]
    return frame


def evidence(
    engine: Engine, areas: Iterable[str] | None = None, *, survey: str | None = None
) -> Evidence:
    """Every kind of evidence for ``areas`` (all areas when ``None``); ``survey`` narrows
    the survey responses to one survey instrument."""
    areas = None if areas is None else list(areas)
    return Evidence(
        survey=survey_frame(engine, areas, instrument=survey),
        **{name: _long(engine, name, areas) for name in _LONG},
    )


def waves(engine: Engine, areas: Iterable[str] | None = None) -> pd.DataFrame:
    """Areas and their waves with response counts by source, ordered by area then wave."""
    stmt = _scoped(
        select(
            Area.code.label("area"),
            Area.name.label("area_name"),
            Wave.label.label("wave"),
            Response.source,
            func.count(Response.id).label("n"),
        ).group_by(Area.code, Area.name, Wave.label, Response.source),
        areas,
    )
    counts = read_frame(engine, stmt)
    if counts.empty:
        return pd.DataFrame(
            columns=["area", "area_name", "wave", "survey", "interview", "workshop"]
        )
    table = counts.pivot_table(
        index=["area", "area_name", "wave"], columns="source", values="n", fill_value=0
    ).reset_index()
    for source in ("survey", "interview", "workshop"):
        table[source] = table[source].astype(int) if source in table else 0
    table.columns.name = None
    return table.sort_values(["area", "wave"], ignore_index=True)


def latest_import(engine: Engine) -> int:
    """The id of the newest import batch (0 for an empty store): it grows with every
    import, so it versions everything derived from the evidence."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(ImportBatch.id), 0))).scalar_one())
