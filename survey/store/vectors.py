"""The fast read path: each wave's survey answers packed as one matrix beside the raw
answers, so that a wave of 150,000 respondents loads in about a second instead of reading
some 16 million long rows.

A wave's matrix is written inside the transaction that imports the wave (from the rows in
hand), extended with only the new respondents when more evidence joins the wave, and
rebuilt from the raw answers by ``readiness db rescore``. Readers use it only for a wave it
covers completely (every respondent of the wave is in it); any other wave is read from
the long answers, so a missing or partial matrix is slower, never wrong."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select

from survey.store.models import Answer, Response, WaveVectors
from survey.store.wide import wide

_DTYPE = np.dtype("<f4")  # answers are small whole numbers and 0/1: exact in float32
_IDS = np.dtype("<i8")


def save(
    conn: Connection,
    wave_id: int,
    instrument: str,
    ids: np.ndarray,
    values: pd.DataFrame,
) -> None:
    """Store ``values`` (a respondent x item frame, rows in ``ids`` order) as the wave's
    matrix, in place of any it had."""
    conn.execute(
        delete(WaveVectors).where(
            WaveVectors.wave_id == wave_id, WaveVectors.instrument_key == instrument
        )
    )
    matrix = np.ascontiguousarray(values.to_numpy(dtype=float), dtype=_DTYPE)
    conn.execute(
        insert(WaveVectors),
        {
            "wave_id": wave_id,
            "instrument_key": instrument,
            "respondents": len(ids),
            "items": [str(c) for c in values.columns],
            "response_ids": np.ascontiguousarray(ids, dtype=_IDS).tobytes(),
            "answer_values": matrix.tobytes(),
        },
    )


def _respondents(conn: Connection, wave_id: int, instrument: str, after: int = 0) -> np.ndarray:
    stmt = (
        select(Response.id)
        .where(
            Response.wave_id == wave_id,
            Response.instrument_key == instrument,
            Response.source == "survey",
            Response.id > after,
        )
        .order_by(Response.id)
    )
    return np.fromiter(conn.execute(stmt).scalars(), dtype=np.int64)


def save_new_wave(conn: Connection, wave_id: int, instrument: str, values: pd.DataFrame) -> None:
    """Store the matrix of a wave just imported, from its parsed rows (``values``, in file
    order, as the respondents were inserted); falls back to :func:`refresh` when the wave
    holds other respondents too."""
    ids = _respondents(conn, wave_id, instrument)
    if len(ids) != len(values):
        refresh(conn, wave_id, instrument)
        return
    save(conn, wave_id, instrument, ids, values)


def refresh(conn: Connection, wave_id: int, instrument: str) -> None:
    """Bring the wave's matrix up to date with its stored answers, reading only the
    respondents it does not hold yet (respondents only ever join a wave)."""
    packed = _read(conn, [wave_id], instrument).get((wave_id, instrument))
    after = int(packed[0][-1]) if packed is not None and len(packed[0]) else 0
    new_ids = _respondents(conn, wave_id, instrument, after)
    if not len(new_ids):
        if packed is None:
            save(conn, wave_id, instrument, new_ids, pd.DataFrame(index=new_ids))
        return
    stmt = (
        select(Answer.response_id, Answer.item_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.wave_id == wave_id,
            Response.instrument_key == instrument,
            Response.source == "survey",
            Response.id > after,
            Answer.value.is_not(None),
        )
    )
    new = wide(conn, stmt, new_ids)
    if packed is not None:
        ids, items, values = packed
        old = pd.DataFrame(values, index=pd.Index(ids, name="response_id"), columns=items)
        new = pd.concat([old, new])
    save(conn, wave_id, instrument, new.index.to_numpy(), new)


def _read(
    bind: Connection, wave_ids: Iterable[int], instrument: str | None
) -> dict[tuple[int, str], tuple[np.ndarray, list[str], np.ndarray]]:
    wave_ids = [int(w) for w in wave_ids]
    out = {}
    for start in range(0, len(wave_ids), 500):
        stmt = select(
            WaveVectors.wave_id,
            WaveVectors.instrument_key,
            WaveVectors.respondents,
            WaveVectors.items,
            WaveVectors.response_ids,
            WaveVectors.answer_values,
        ).where(WaveVectors.wave_id.in_(wave_ids[start : start + 500]))
        if instrument is not None:
            stmt = stmt.where(WaveVectors.instrument_key == instrument)
        for wave, inst, n, items, ids, values in bind.execute(stmt):
            matrix = np.frombuffer(values, dtype=_DTYPE).reshape(n, len(items))
            out[(wave, inst)] = (np.frombuffer(ids, dtype=_IDS), list(items), matrix)
    return out


def packed_values(
    bind: Engine | Connection, people: pd.DataFrame, instrument: str | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """The answers of ``people`` (``response_id`` and ``wave_id`` columns) from the waves'
    matrices: a response_id x item float frame for the respondents whose wave is fully
    covered, and the ids of the respondents left to read from the long answers."""
    ids = np.sort(people["response_id"].to_numpy(dtype=np.int64))
    if isinstance(bind, Connection):
        packed = _read(bind, people["wave_id"].unique(), instrument)
    else:
        with bind.connect() as conn:
            packed = _read(conn, people["wave_id"].unique(), instrument)
    by_wave: dict[int, list[tuple[np.ndarray, list[str], np.ndarray]]] = {}
    for (wave, _inst), part in packed.items():
        by_wave.setdefault(int(wave), []).append(part)
    covered = np.zeros(len(ids), dtype=bool)
    columns: dict[str, int] = {}
    usable = []
    for wave, group in people.groupby("wave_id", sort=False)["response_id"]:
        parts = by_wave.get(int(wave), [])
        held = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, np.int64)
        if not np.isin(group.to_numpy(dtype=np.int64), held).all():
            continue  # not (fully) packed: read from the long answers
        for part in parts:
            usable.append(part)
            for item in part[1]:
                columns.setdefault(item, len(columns))
    values = np.full((len(ids), len(columns)), np.nan)
    for pids, items, matrix in usable:
        at = np.searchsorted(ids, pids)
        at = np.minimum(at, max(len(ids) - 1, 0))
        mine = (ids[at] == pids) if len(ids) else np.zeros(len(pids), bool)
        cols = np.fromiter((columns[i] for i in items), np.int64, len(items))
        rows = at[mine]
        values[rows[:, None], cols[None, :]] = matrix[mine]
        covered[rows] = True
    frame = pd.DataFrame(
        values[covered], index=pd.Index(ids[covered], name="response_id"), columns=list(columns)
    )
    return frame, ids[~covered]


def clear(conn: Connection) -> None:
    """Forget every packed matrix (inside the caller's transaction)."""
    conn.execute(delete(WaveVectors))


def unpacked_waves(conn: Connection) -> list[int]:
    """Waves with survey respondents but no packed matrix (a store imported before the
    fast read path existed)."""
    surveyed = select(Response.wave_id).where(Response.source == "survey").distinct()
    packed = select(WaveVectors.wave_id)
    return list(conn.execute(surveyed.except_(packed)).scalars())
