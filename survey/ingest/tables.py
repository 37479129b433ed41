"""Reading an import file (CSV or XLSX) into a header and rows of text cells.

CSV files may be UTF-8, UTF-8 with a byte-order mark, or Windows-1252 (what Excel on
Windows writes by default), but one of them throughout: a file that mixes them is refused
rather than stored as mojibake. Cells are kept as text exactly as the file holds them.

Every read is bounded (:mod:`survey.ingest.limits`): a file over a limit is refused, with
the limit named, before the part over it is read. A CSV row with fewer fields than the
header (a file cut off mid-row, or a ragged row) is a problem, never padded."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from survey.ingest.limits import Limits, OverLimit, mb


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
    # Rows of a CSV file with fewer fields than the header: (row number, fields).
    short_rows: list[tuple[int, int]] = field(default_factory=list)


# A multi-byte UTF-8 sequence: in a file that is otherwise not UTF-8, a sign that two
# encodings were mixed (Windows-1252 text almost never contains one by chance).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_not_utf8(data, exc.start + 3, "begins as UTF-8")) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(data):
            raise UnreadableFile(_not_utf8(data, exc.start, "has UTF-8 text")) from None
        try:
            return data.decode("cp1252", errors="strict"), "cp1252"
        except UnicodeDecodeError as bad:
            row = data.count(b"\n", 0, bad.start) + 1
            raise UnreadableFile(
                f"not UTF-8 or Windows-1252 text: row {row} has a byte (0x{data[bad.start]:02X}) "
                "that neither encoding allows"
            ) from None


def _not_utf8(data: bytes, at: int, why: str) -> str:
    row = data.count(b"\n", 0, at) + 1
    return (
        f"the file mixes text encodings: it {why} but row {row} is not valid UTF-8 "
        f"(byte 0x{data[at]:02X}). Save it again as UTF-8 (in Excel: CSV UTF-8)"
    )


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


def _read_csv(data: bytes, limits: Limits) -> Table:
    text, encoding = _decode(data)
    rows: list[list[str]] = []
    cells = 0
    previous = csv.field_size_limit()
    csv.field_size_limit(limits.cell_chars + 1)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        for row in reader:
            cells += len(row)
            _within(len(rows) + 1, len(row), cells, limits)
            rows.append(row)
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            raise OverLimit(
                f"row {line} has a cell longer than {limits.cell_chars:,} characters",
                f"{limits.cell_chars:,} characters",
                "max_cell_chars",
            ) from None
        raise UnreadableFile(f"not a valid CSV file (row {line}): {exc}") from None
    finally:
        csv.field_size_limit(previous)
    return _table(rows, encoding, ragged=True)


def _within(row: int, width: int, cells: int, limits: Limits) -> None:
    if row > limits.rows + 1:
        raise OverLimit(
            f"the file has more than {limits.rows:,} data rows", f"{limits.rows:,}", "max_rows"
        )
    if width > limits.columns:
        raise OverLimit(
            f"row {row} has {width:,} cells", f"{limits.columns:,} columns", "max_columns"
        )
    if cells > limits.cells:
        raise OverLimit(
            f"the file has more than {limits.cells:,} cells", f"{limits.cells:,}", "max_cells"
        )


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?\"")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _check_workbook(data: bytes, limits: Limits) -> None:
    """Refuse a workbook whose unpacked parts, shared strings or declared sheet size are
    over the limits, reading only the zip directory and the start of each sheet."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableFile(f"not a readable Excel workbook: {exc}") from None
    with book:
        parts = book.infolist()
        unpacked = sum(p.file_size for p in parts)
        if unpacked > limits.xlsx_unpacked_mb * 1024 * 1024:
            raise OverLimit(
                f"the workbook unpacks to {mb(unpacked / 1024 / 1024)}",
                mb(limits.xlsx_unpacked_mb),
                "max_xlsx_unpacked_mb",
            )
        for part in parts:
            name = part.filename.lower()
            if name.endswith("sharedstrings.xml") and (
                part.file_size > limits.xlsx_shared_strings_mb * 1024 * 1024
            ):
                raise OverLimit(
                    f"the workbook's shared strings unpack to {mb(part.file_size / 1024 / 1024)}",
                    mb(limits.xlsx_shared_strings_mb),
                    "max_xlsx_shared_strings_mb",
                )
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                try:
                    with book.open(part) as sheet:
                        head = sheet.read(4096)
                except Exception as exc:  # zlib, zipfile and CRC errors of a damaged part
                    raise UnreadableFile(f"not a readable Excel workbook: {exc}") from None
                _check_dimension(head, limits)


def _check_dimension(head: bytes, limits: Limits) -> None:
    found = _DIMENSION.search(head)
    if not found or not found.group(3):
        return
    rows = int(found.group(4))
    cols = _column_number(found.group(3).decode())
    ref = found.group(0).split(b'"')[1].decode()
    if rows > limits.rows + 1:
        raise OverLimit(
            f"the sheet declares {rows:,} rows ({ref})", f"{limits.rows:,} rows", "max_rows"
        )
    if cols > limits.columns:
        raise OverLimit(
            f"the sheet declares {cols:,} columns ({ref})",
            f"{limits.columns:,} columns",
            "max_columns",
        )


def _read_xlsx(data: bytes, limits: Limits) -> Table:
    _check_workbook(data, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile(f"not a readable Excel workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        rows: list[list[str]] = []
        cells = 0
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
            _within(len(rows) + 1, len(row), cells, limits)
            texts = [_cell(v) for v in row]
            for column, text in enumerate(texts, start=1):
                if len(text) > limits.cell_chars:
                    raise OverLimit(
                        f"row {len(rows) + 1}, column {column} has a cell of {len(text):,} "
                        "characters",
                        f"{limits.cell_chars:,} characters",
                        "max_cell_chars",
                    )
            rows.append(texts)
    except (OverLimit, UnreadableFile):
        raise
    except Exception as exc:  # a sheet damaged past its first rows
        raise UnreadableFile(f"not a readable Excel workbook: {exc}") from None
    finally:
        book.close()
    return _table(rows, "xlsx")


def _table(rows: list[list[str]], encoding: str, *, ragged: bool = False) -> Table:
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

    # In a CSV file every row has every field; one with fewer was cut off or lost cells. A
    # spreadsheet leaves trailing empty cells out, so there a short row is only short.
    short = [(n, len(r)) for n, r in body if ragged and len(r) < width]
    return Table(
        header, [fit(r) for _, r in body], encoding, [n for n, _ in body], header_row, short
    )


def read_table(data: bytes, name: str, limits: Limits | None = None) -> Table:
    """Parse ``data`` as CSV or XLSX, chosen by the file name's extension, within
    ``limits`` (:class:`OverLimit` names the one a file is over)."""
    limits = limits or Limits()
    if len(data) > limits.file_bytes:
        raise OverLimit(
            f"the file is {mb(len(data) / 1024 / 1024)}", mb(limits.file_mb), "max_file_mb"
        )
    suffix = Path(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(data, limits)
    if suffix in {".csv", ".txt", ""}:
        return _read_csv(data, limits)
    raise UnreadableFile(f"unsupported file type '{suffix}': use .csv or .xlsx")
