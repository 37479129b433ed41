"""Forms on an instrument: the answers each field offers and their labels, empty tables to
fill in, and the import file a filled-in form becomes. An interview or a workshop typed
into the dashboard, and a web-survey response, become a CSV file in memory that takes the
same validated path as an uploaded file."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from instruments.catalogue import Catalogue
from instruments.columns import Column, columns

_NUMBERS = {"likert", "count"}
THEME_GRID = ("theme", "rater", "target", "quote")  # the interview form's theme table
DONT_KNOW = "dont_know"
OPTION_LABELS = {
    "yes": "Yes",
    "no": "No",
    "true": "True",
    "false": "False",
    DONT_KNOW: "Don't know",
    "frontline": "Frontline practitioner",
    "senior_leader": "Senior leader",
    "ig_specialist": "Information governance specialist",
}


def cell_text(value: Any) -> str:
    """A form or table cell as a file cell: blank for nothing, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_file(cat: Catalogue, key: str, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """A UTF-8 CSV file of ``rows`` with every column of instrument ``key`` (in template
    order; blank where a row has no value) and any other keys after them, so that the
    validator reports those."""
    header = [c.id for c in columns(cat, key)]
    header += sorted({k for r in rows for k in r} - set(header))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[cell_text(r.get(h)) for h in header] for r in rows])
    return out.getvalue().encode("utf-8")


def blank_table(cols: Sequence[Column], rows: int) -> pd.DataFrame:
    """An empty table for an editable grid: numbers as floats, everything else as text."""
    return pd.DataFrame(
        {
            c.id: pd.Series([None] * rows, dtype="float" if c.kind in _NUMBERS else "object")
            for c in cols
        }
    )


def table_rows(table: pd.DataFrame, **fixed: str) -> list[dict[str, str]]:
    """The filled-in rows of an editable table as file rows, each with ``fixed`` added."""
    rows = []
    for record in table.to_dict("records"):
        cells = {k: cell_text(v) for k, v in record.items()}
        if any(v.strip() for v in cells.values()):
            rows.append(cells | fixed)
    return rows


def theme_grid(cat: Catalogue, key: str) -> tuple[Column, ...]:
    """The columns of the interview form's theme table (one row per theme slot)."""
    codes = tuple(t.code for t in cat.get(key).coding_frame.themes)
    sectors = tuple(cat.sector_codes)
    return (
        Column("theme", "choice", "Theme", "theme", options=codes),
        Column("rater", "sector", "Rater sector", "theme", options=sectors),
        Column("target", "sector", "Target sector", "theme", options=sectors),
        Column("quote", "text", "Quote (short, anonymised)", "theme"),
    )


def theme_cells(table: pd.DataFrame) -> dict[str, str]:
    """An interview's theme grid (columns theme, rater, target, quote; one row per slot)
    as the ``theme_N``, ``theme_N_pair`` and ``theme_N_quote`` cells of its file row. A
    half-given pair is kept as it is, so the validator names it."""
    cells: dict[str, str] = {}
    for n, record in enumerate(table.to_dict("records"), start=1):
        theme, rater, target, quote = (cell_text(record.get(k)) for k in THEME_GRID)
        cells[f"theme_{n}"] = theme
        cells[f"theme_{n}_pair"] = f"{rater}>{target}" if rater or target else ""
        cells[f"theme_{n}_quote"] = quote
    return cells


def choices(cat: Catalogue, col: Column) -> tuple[str, ...]:
    """The answers a field offers (empty for free text and numbers)."""
    if col.kind == "sector":
        return tuple(cat.sector_codes)
    return ("yes", "no") if col.kind == "yes_no" else col.options


def option_label(cat: Catalogue, col: Column, option: str) -> str:
    if col.kind in {"sector", "pair"}:
        return next((s.name for s in cat.sectors.sectors if s.code == option), option)
    return OPTION_LABELS.get(option, option.replace("_", " ").capitalize())
