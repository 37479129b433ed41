"""The fast read path: each wave's answers packed as one matrix read back exactly as the
long answers give them, kept up to date by every import, rebuilt by a rescore, and never
used for a wave it does not fully cover."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import filled_rows, write_csv
from sqlalchemy import select

from app.derived import ensure_scored, rescore
from app.evidence import import_file, load_sample_data
from survey.store import vectors
from survey.store.models import WaveVectors
from survey.store.readers import survey_frame


def _long_only(engine, **kw) -> pd.DataFrame:
    """The survey frame read from the long answers alone (no packed matrix)."""
    with engine.begin() as conn:
        vectors.clear(conn)
    return survey_frame(engine, **kw)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a["response_id"]) == list(b["response_id"])
    pd.testing.assert_frame_equal(a, b[list(a.columns)], check_like=False)
    assert set(a.columns) == set(b.columns)


@pytest.fixture
def loaded(engine, catalogue):
    load_sample_data(engine, catalogue=catalogue)
    return engine


def test_packed_answers_read_back_as_the_long_answers(loaded, catalogue):
    key = catalogue.survey.key
    with loaded.connect() as conn:
        packed = conn.execute(select(WaveVectors.wave_id)).scalars().all()
        assert packed and not vectors.unpacked_waves(conn)
    fast = survey_frame(loaded, instrument=key)
    assert fast["area"].nunique() > 1
    slow = _long_only(loaded, instrument=key)
    _same(slow, fast)
    # Rebuilt from the raw answers by a rescore, and the same again.
    rescore(loaded, catalogue)
    _same(slow, survey_frame(loaded, instrument=key))


def test_more_evidence_in_a_wave_extends_its_matrix(sqlite_engine, catalogue, tmp_path):
    key = catalogue.survey.key
    header, rows = filled_rows(catalogue, key, 12)
    first = write_csv(tmp_path / "a.csv", header, rows[:7])
    second = write_csv(tmp_path / "b.csv", header, rows[7:])
    import_file(sqlite_engine, first, instrument=key, area="ONE", wave="2026-1")
    import_file(sqlite_engine, second, instrument=key, area="ONE", wave="2026-1")
    with sqlite_engine.connect() as conn:
        (n,) = conn.execute(select(WaveVectors.respondents)).scalars().all()
    assert n == 12
    fast = survey_frame(sqlite_engine, instrument=key)
    assert len(fast) == 12
    _same(_long_only(sqlite_engine, instrument=key), fast)


def test_a_wave_not_fully_packed_is_read_from_the_long_answers(sqlite_engine, catalogue, tmp_path):
    key = catalogue.survey.key
    load_sample_data(sqlite_engine, catalogue=catalogue)
    expected = survey_frame(sqlite_engine, instrument=key)
    # One wave's matrix loses its last respondent: that wave must come from the long rows.
    with sqlite_engine.begin() as conn:
        wave = conn.execute(select(WaveVectors.wave_id)).scalars().first()
        ids, items, values = vectors._read(conn, [wave], key)[(wave, key)]
        frame = pd.DataFrame(values[:-1], columns=items)
        vectors.save(conn, wave, key, ids[:-1], frame)
    _same(expected, survey_frame(sqlite_engine, instrument=key))
    # A store from before the packed path: every wave is read the slow way, then packed
    # on the next start.
    with sqlite_engine.begin() as conn:
        vectors.clear(conn)
    _same(expected, survey_frame(sqlite_engine, instrument=key))
    ensure_scored(sqlite_engine, catalogue)
    with sqlite_engine.connect() as conn:
        assert not vectors.unpacked_waves(conn)
    _same(expected, survey_frame(sqlite_engine, instrument=key))
