"""Spreadsheet formula neutralising: no cell of an export can run as a formula."""

from __future__ import annotations

import numpy as np
import pandas as pd


def neutralise_formula(value: object) -> object:
    """Stop a spreadsheet from running a cell as a formula (CSV / formula injection).

    A string starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe, as OWASP's CSV-injection guidance advises, so Excel and LibreOffice
    show it as text. Numbers and other values are unchanged, and so are strings that only
    look like SQL: they are stored as data and never executed."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`neutralise_formula` over every text cell (object, string or category columns)
    and every column name, ready for a CSV or XLSX export. Numeric columns are untouched."""
    out = df.copy()
    for column, dtype in df.dtypes.items():
        if isinstance(dtype, np.dtypes.ObjectDType | pd.StringDtype | pd.CategoricalDtype):
            out[column] = out[column].astype(object).map(neutralise_formula)
    out.columns = out.columns.map(neutralise_formula)
    return out
