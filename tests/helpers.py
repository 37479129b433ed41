"""Building import files for tests: valid rows made from an instrument's columns, written as
CSV or XLSX, and counting what the store holds."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from instruments.catalogue import Catalogue
from instruments.columns import Column, columns
from survey.store.models import (
    Answer,
    Area,
    ImportBatch,
    InterviewCode,
    InterviewRating,
    Organisation,
    Response,
    VignetteDecision,
    Wave,
    WorkshopCard,
)

STORED = {
    "areas": Area,
    "waves": Wave,
    "organisations": Organisation,
    "import_batches": ImportBatch,
    "responses": Response,
    "answers": Answer,
    "interview_ratings": InterviewRating,
    "interview_codes": InterviewCode,
    "vignette_decisions": VignetteDecision,
    "workshop_cards": WorkshopCard,
}


def valid_value(col: Column, i: int) -> str:
    """A valid cell for column ``col`` on data row ``i`` (0-based); the same every time."""
    if col.kind == "id":
        return f"{col.id[:3].upper()}{i:04d}"
    if col.kind in {"sector", "choice"}:
        return col.options[i % len(col.options)]
    if col.kind == "pair":
        n = len(col.options)
        return f"{col.options[i % n]}>{col.options[(i + 1) % n]}"
    if col.kind == "yes_no":
        return "yes" if i % 2 == 0 else "no"
    if col.kind == "true_false":
        return "true" if i % 3 else "false"
    if col.kind == "likert":
        return str(col.low + (i + len(col.id)) % (col.high - col.low + 1))
    if col.kind == "count":
        return str(i % 4)
    if col.kind == "text":
        if col.group == "profile" and col.required:  # part of the row's identity (coder)
            return f"C{i % 2}" if col.id == "coder" else f"T{i:04d}"
        return f"{col.text[:20]} {i}"
    raise ValueError(f"no test value for column kind {col.kind!r}")


def filled_rows(
    cat: Catalogue, key: str, n: int, header: Sequence[str] | None = None
) -> tuple[list[str], list[list[str]]]:
    """``n`` valid rows for instrument ``key``: every column of ``header`` (by default all of
    the instrument's columns, in template order) holds a value. Respondent ids are unique."""
    spec = {c.id: c for c in columns(cat, key)}
    header = list(header or spec)
    rows = []
    for i in range(n):
        row = [valid_value(spec[h], i) for h in header]
        rows.append(row)
    return header, rows


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[str]], encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def write_csv(path: Path, header, rows, encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes(header, rows, encoding))
    return path


def numeric(cell: str) -> object:
    """What a spreadsheet holds for ``cell``: a number for whole numbers, else the text."""
    return int(cell) if cell.isdigit() else cell


def write_xlsx(path: Path, header, rows, *, numbers: bool = True) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([numeric(c) if numbers else c for c in row])
    book.save(path)
    return path


def count_rows(engine: Engine) -> dict[str, int]:
    """How many rows every evidence table holds."""
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in STORED.items()
        }


def assert_store_empty(engine: Engine) -> None:
    counts = count_rows(engine)
    assert counts == dict.fromkeys(STORED, 0), f"the store is not empty: {counts}"


# A small staff-survey file: the profile columns, one item of three scales, a free text.
PROFILE = ["respondent_id", "sector", "role_level", "co_located", "multi_agency_team"]
HEADER = [*PROFILE, "organisation", "lead_1", "lead_3", "know_1", "open_barrier"]


def row(rid: str, **cells: str) -> list[str]:
    """A valid staff-survey row for ``HEADER``; keyword arguments replace cells."""
    values = {
        "respondent_id": rid,
        "sector": "police",
        "role_level": "frontline",
        "co_located": "yes",
        "multi_agency_team": "no",
        "organisation": "Northshire Police",
        "lead_1": "4",
        "lead_3": "2",
        "know_1": "false",
        "open_barrier": "Nobody knows who to call.",
    }
    values.update(cells)
    return [values[h] for h in HEADER]
