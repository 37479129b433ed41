"""Long (response, item, value) rows read into a respondent x item float matrix: the
slow path from the raw answers, shared by the readers and the packed read store."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Select

_FETCH = 200_000


def wide(bind: Engine | Connection, stmt: Select, ids: np.ndarray) -> pd.DataFrame:
    """(response, item, value) rows as a respondent x item float table.

    A national store holds millions of answers; they are read through the driver's cursor
    in chunks and dropped straight into a numpy array, which is many times faster (and far
    smaller) than building a row object and then a long DataFrame for each answer."""
    values = np.full((len(ids), 16), np.nan)
    columns: dict[str, int] = {}
    if isinstance(bind, Connection):
        values = fill_from(bind, stmt, ids, values, columns)
    else:
        with bind.connect() as conn:
            values = fill_from(conn, stmt, ids, values, columns)
    return pd.DataFrame(
        values[:, : len(columns)], index=pd.Index(ids, name="response_id"), columns=list(columns)
    )


def fill_from(
    conn: Connection, stmt: Select, ids: np.ndarray, values: np.ndarray, columns: dict[str, int]
) -> np.ndarray:
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_FETCH):
            rid, item, value = zip(*rows, strict=True)
            cols = np.fromiter((columns.setdefault(i, len(columns)) for i in item), np.int64)
            if len(columns) > values.shape[1]:
                grown = np.full((len(ids), 2 * len(columns)), np.nan)
                grown[:, : values.shape[1]] = values
                values = grown
            at = np.searchsorted(ids, np.fromiter(rid, np.int64, len(rid)))
            values[at, cols] = np.fromiter(value, float, len(value))
    finally:
        cursor.close()
    return values
