"""Tables as files: CSV and Excel, every text cell and heading neutralised so that no cell
can run as a spreadsheet formula."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from app.exports.formulas import neutralise_formula, neutralise_frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads the accents) and CRLF rows."""
    # CRLF rows (RFC 4180): the writer then quotes any cell holding a carriage return, which
    # spreadsheets would otherwise read as the start of a new row (and maybe a formula).
    out = io.StringIO()
    neutralise_frame(frame).to_csv(out, index=False, lineterminator="\r\n")
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with one sheet per named table, headings in bold."""
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name[:31])
        clean = neutralise_frame(frame)
        sheet.append([str(c) for c in clean.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in clean.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return neutralise_formula(value)
