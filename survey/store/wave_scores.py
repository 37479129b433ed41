"""Derived wave scores: every wave's mean of each scale and pillar, kept beside the raw
answers so that the median of all areas needs one small query, not every answer.

This module only keeps them; what they are is computed by the analysis layer and handed
in (:mod:`app.derived` refreshes them inside the transaction that imports a wave, and
rebuilds them from the raw answers on ``readiness db rescore``)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select

from survey.store.models import Area, Response, Wave, WaveScore
from survey.store.readers import read_frame


def replace(conn: Connection, wave_id: int, means: Iterable[tuple[str, float | None, int]]) -> None:
    """Store one wave's (measure, estimate, n) rows in place of what it had (inside the
    caller's transaction)."""
    conn.execute(delete(WaveScore).where(WaveScore.wave_id == wave_id))
    rows = [
        {
            "wave_id": wave_id,
            "measure": m,
            "estimate": None if pd.isna(e) else float(e),
            "n": int(n),
        }
        for m, e, n in means
    ]
    if rows:
        conn.execute(insert(WaveScore), rows)


def clear(conn: Connection) -> None:
    conn.execute(delete(WaveScore))


def surveyed_waves(conn: Connection) -> list[int]:
    """Every wave that holds survey answers."""
    stmt = select(Response.wave_id).where(Response.source == "survey").distinct()
    return list(conn.execute(stmt).scalars())


def needs_scoring(engine: Engine) -> bool:
    """The store holds survey answers but no derived scores (a database imported before
    wave scores existed)."""
    with engine.connect() as conn:
        scored = conn.execute(select(func.count()).select_from(WaveScore)).scalar_one()
        answered = conn.execute(
            select(func.count()).select_from(Response).where(Response.source == "survey")
        ).scalar_one()
    return bool(answered) and not scored


def wave_scores(engine: Engine) -> pd.DataFrame:
    """Every wave's scores: area, wave, measure, estimate, n."""
    stmt = (
        select(
            Area.code.label("area"),
            Wave.label.label("wave"),
            WaveScore.measure,
            WaveScore.estimate,
            WaveScore.n,
        )
        .join(Wave, WaveScore.wave_id == Wave.id)
        .join(Area, Wave.area_id == Area.id)
    )
    return read_frame(engine, stmt)
