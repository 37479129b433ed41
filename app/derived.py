"""What is derived from the raw answers and kept beside them: every wave's answers packed
as one matrix (the fast read path, :mod:`survey.store.vectors`) and every wave's scale and
pillar means (for the median of all areas); stored profiles are forgotten on a rescore.

They are computed here, by the analysis layer, and kept by :mod:`survey.store.wave_scores`.
:func:`derive_for` is the hook every import hands to the writer, so they are refreshed in
the import's own transaction; :func:`rescore` rebuilds them all from the raw answers."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import Connection, Engine

from analysis.context import context_from_catalogue
from analysis.profiles import median_of_wave_scores, wave_means
from instruments.catalogue import Catalogue
from survey.ingest.write import Derive
from survey.store import profile_store, vectors, wave_scores
from survey.store.readers import survey_frame

MIN_AREAS_FOR_BENCHMARK = 5


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
    survey = catalogue.survey.key
    if frame is None:
        frame = survey_frame(conn, wave_id=wave_id, instrument=survey)
    if frame.empty:
        wave_scores.replace(conn, wave_id, [])
        return
    means = wave_means(frame, context_from_catalogue(catalogue).model)
    wave_scores.replace(conn, wave_id, zip(means.index, means["estimate"], means["n"], strict=True))


def derive_for(catalogue: Catalogue) -> Derive:
    """The hook an import of ``catalogue``'s instruments hands to the writer: a survey that
    profiles are scored from refreshes its wave's scores; other evidence derives nothing."""

    def derive(conn: Connection, wave_id: int, instrument: str, rows: list[dict] | None) -> None:
        if instrument != catalogue.survey.key:
            return
        frame = parsed_frame(rows, catalogue) if rows else None
        if frame is None:
            vectors.refresh(conn, wave_id, instrument)
        else:
            vectors.save_new_wave(conn, wave_id, instrument, frame.drop(columns="sector"))
        refresh_wave(conn, wave_id, catalogue, frame)

    return derive


def rescore(
    engine: Engine,
    catalogue: Catalogue,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Rebuild every wave's packed answers and scores from the raw answers, and forget
    every stored profile (they are computed again when next asked for); returns the number
    of waves. ``progress(waves_done, waves)`` is told as it goes."""
    survey = catalogue.survey.key
    with engine.begin() as conn:
        waves = wave_scores.surveyed_waves(conn)
        wave_scores.clear(conn)
        vectors.clear(conn)
        profile_store.clear(conn)
        for done, wave_id in enumerate(waves):
            if progress:
                progress(done, len(waves))
            vectors.refresh(conn, wave_id, survey)
            refresh_wave(conn, wave_id, catalogue)
        if progress:
            progress(len(waves), len(waves))
    return len(waves)


def ensure_scored(engine: Engine, catalogue: Catalogue) -> None:
    """Score (and pack) the waves of a database imported before wave scores (or the packed
    read path) existed."""
    if wave_scores.needs_scoring(engine):
        rescore(engine, catalogue)
        return
    with engine.begin() as conn:  # a store from before the packed read path
        for wave_id in vectors.unpacked_waves(conn):
            vectors.refresh(conn, wave_id, catalogue.survey.key)


def median_of_areas(engine: Engine, *, min_areas: int = 1) -> pd.Series:
    """For each scale and pillar, the median over areas of their latest wave's mean; empty
    with fewer than ``min_areas`` areas."""
    scores = wave_scores.wave_scores(engine)
    if scores.empty or scores["area"].nunique() < min_areas:
        return pd.Series(dtype=float)
    return median_of_wave_scores(scores)


def benchmark(engine: Engine) -> pd.Series:
    """Median over all areas of each scale and pillar (latest waves): a pooled figure, the
    same for every role. Empty with fewer than ``MIN_AREAS_FOR_BENCHMARK`` areas, where a
    median would give other areas away (with two areas, the median and one's own mean give
    the other's)."""
    return median_of_areas(engine, min_areas=MIN_AREAS_FOR_BENCHMARK)
