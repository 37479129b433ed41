"""Exports: one writer per format, looked up in one table.

:data:`TABLE_FORMATS` writes any table (CSV, Excel); :mod:`app.exports.codebook` and
:mod:`app.exports.psychometrics` write documents made of several tables;
:mod:`app.exports.microdata` writes labelled microdata for R, SPSS and Stata (its own
table, ``MICRODATA_FORMATS``) and :mod:`app.exports.xlsform` an instrument as an XLSForm.
Every writer neutralises spreadsheet formulas (:mod:`app.exports.formulas`). Adding a
format is one entry in the table of what it writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from app.exports.tables import csv_bytes, xlsx_bytes


@dataclass(frozen=True)
class TableFormat:
    name: str
    suffix: str
    mime: str
    write: Callable[[pd.DataFrame], bytes]


TABLE_FORMATS: dict[str, TableFormat] = {
    f.name: f
    for f in (
        TableFormat("csv", ".csv", "text/csv", csv_bytes),
        TableFormat(
            "xlsx",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            lambda frame: xlsx_bytes({"data": frame}),
        ),
    )
}


def table_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """``frame`` written in format ``fmt`` (a key of :data:`TABLE_FORMATS`)."""
    return TABLE_FORMATS[fmt].write(frame)
