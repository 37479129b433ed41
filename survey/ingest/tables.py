"""Reading an import file (CSV or XLSX) into a header and rows of text cells.

CSV files may be UTF-8, UTF-8 with a byte-order mark, or Windows-1252 (what Excel on
Windows writes by default). Cells are kept as text exactly as the file holds them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message says why."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    encoding: str
    # The spreadsheet row number of each row of ``rows`` (blank rows are left out) and of
    # the header, so problems can name the row the user sees.
    numbers: list[int] = field(default_factory=list)
    header_row: int = 1


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict"), "cp1252"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header row uses most (comma if none).

    Only the header is looked at: it holds column ids, never quotes, whereas free-text
    answers in the rows can mislead a guess (``csv.Sniffer`` takes ``'`` for the quote
    character when answers use single quotes, and then splits quoted cells at commas)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(",;\t", key=header.count)


def _read_csv(data: bytes) -> Table:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 or Windows-1252 text ({exc.reason})") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise UnreadableFile(f"not a valid CSV file: {exc}") from None
    return _table(rows, encoding)


def _read_xlsx(data: bytes) -> Table:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile(f"not a readable Excel workbook: {exc}") from None
    sheet = book.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return _table(rows, "xlsx")


def _table(rows: list[list[str]], encoding: str) -> Table:
    numbered = [(n, r) for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not numbered:
        return Table([], [], encoding)
    (header_row, first), *body = numbered
    header = [h.strip() for h in first]
    while header and not header[-1]:
        header.pop()
    width = len(header)

    def fit(r: list[str]) -> list[str]:
        if any(c.strip() for c in r[width:]):
            return r  # reported: the row has more cells than the header has columns
        # Empty cells right of the last column (a trailing delimiter, or a spreadsheet whose
        # used range is wider than the data) are not extra cells.
        return (r + [""] * width)[:width]

    return Table(header, [fit(r) for _, r in body], encoding, [n for n, _ in body], header_row)


def read_table(data: bytes, name: str) -> Table:
    """Parse ``data`` as CSV or XLSX, chosen by the file name's extension."""
    suffix = Path(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(data)
    if suffix in {".csv", ".txt", ""}:
        return _read_csv(data)
    raise UnreadableFile(f"unsupported file type '{suffix}': use .csv or .xlsx")
