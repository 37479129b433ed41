"""Derived wave scores: every wave's mean of each scale and pillar, kept beside the raw
answers so that the median of all areas needs one small query, not every answer.

They are refreshed inside the transaction that imports survey evidence for a wave, and can
be rebuilt from the raw answers at any time (``readiness db rescore``)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select

from analysis.profiles import median_of_wave_scores, wave_means
from analysis.readiness import context_from_catalogue
from survey.evidence import read_frame, survey_frame
from survey.instruments import Catalogue
from survey.models import Area, Response, Wave, WaveScore


def parsed_frame(rows: list[dict], catalogue: Catalogue) -> pd.DataFrame:
    """A survey frame from an import's parsed rows, numbers exactly as they are stored
    (true/false as 1/0), so that a new wave is scored without reading it back."""
    model = context_from_catalogue(catalogue).model
    frame = pd.DataFrame.from_records(rows)
    items = [i for i in model.items if i in frame.columns]
    out = frame[items].astype(float) if items else pd.DataFrame(index=frame.index)
    out["sector"] = frame["sector"].to_numpy()
    return out


def refresh_wave(
    conn: Connection, wave_id: int, catalogue: Catalogue, frame: pd.DataFrame | None = None
) -> None:
    """Recompute one wave's scores (inside the caller's transaction), from ``frame`` when
    it holds every respondent of the wave, else from the stored raw answers."""
    if frame is None:
        frame = survey_frame(conn, wave_id=wave_id)
    conn.execute(delete(WaveScore).where(WaveScore.wave_id == wave_id))
    if frame.empty:
        return
    means = wave_means(frame, context_from_catalogue(catalogue).model)
    rows = [
        {"wave_id": wave_id, "measure": m, "estimate": _float(r["estimate"]), "n": int(r["n"])}
        for m, r in means.iterrows()
    ]
    if rows:
        conn.execute(insert(WaveScore), rows)


def _float(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def rescore(engine: Engine, catalogue: Catalogue) -> int:
    """Rebuild every wave's scores; returns the number of waves scored."""
    with engine.begin() as conn:
        waves = (
            conn.execute(select(Response.wave_id).where(Response.source == "survey").distinct())
            .scalars()
            .all()
        )
        conn.execute(delete(WaveScore))
        for wave_id in waves:
            refresh_wave(conn, wave_id, catalogue)
    return len(waves)


def ensure_scored(engine: Engine, catalogue: Catalogue) -> None:
    """Score the waves of a database that holds survey answers but no derived scores yet
    (one imported before wave scores existed)."""
    with engine.connect() as conn:
        scored = conn.execute(select(func.count()).select_from(WaveScore)).scalar_one()
        answered = conn.execute(
            select(func.count()).select_from(Response).where(Response.source == "survey")
        ).scalar_one()
    if answered and not scored:
        rescore(engine, catalogue)


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


def median_of_areas(engine: Engine, *, min_areas: int = 1) -> pd.Series:
    """For each scale and pillar, the median over areas of their latest wave's mean; empty
    with fewer than ``min_areas`` areas."""
    scores = wave_scores(engine)
    if scores.empty or scores["area"].nunique() < min_areas:
        return pd.Series(dtype=float)
    return median_of_wave_scores(scores)
