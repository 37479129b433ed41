"""Validating an import file: every cell checked against the instrument, nothing written.

Every problem names the row (as a spreadsheet shows it: the header is row 1), the column,
the value and the reason."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from instruments.catalogue import Catalogue, default_catalogue
from instruments.columns import Column, ValueProblem, columns
from survey.ingest.tables import UnreadableFile, read_table

Progress = Callable[[str, int, int], None]
MAX_PROBLEMS = 500
CHUNK = 2000


@dataclass(frozen=True)
class ImportProblem:
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = [
            f"row {self.row}" if self.row else None,
            f"column '{self.column}'" if self.column else None,
        ]
        head = ", ".join(w for w in where if w) or "file"
        value = f" value '{self.value}'" if self.value not in (None, "") else ""
        return f"{head}:{value} {self.reason}"


@dataclass
class Validated:
    """A file that has been checked: its rows parsed, or the problems found."""

    file_name: str
    content_hash: str
    instrument_key: str
    instrument_version: str
    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    raw: list[dict[str, str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each row's number in the file
    problems: list[ImportProblem] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def respondent_key(inst: Any, row: dict[str, str]) -> str:
    return "|".join(row[c].strip() for c in inst.id_columns)


def validate(
    data: bytes,
    file_name: str,
    instrument: str,
    *,
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
) -> Validated:
    """Check every cell of a file against the instrument; write nothing."""
    cat = catalogue or default_catalogue()
    inst = cat.get(instrument)
    v = Validated(file_name, hashlib.sha256(data).hexdigest(), inst.key, inst.version, inst.kind)

    def problem(row: int | None, col: str | None, value: str | None, reason: str) -> None:
        if len(v.problems) < MAX_PROBLEMS:
            v.problems.append(ImportProblem(row, col, value, reason))
        else:
            v.truncated = True

    try:
        table = read_table(data, file_name)
    except UnreadableFile as exc:
        problem(None, None, None, str(exc))
        return v
    if not table.header or not table.rows:
        problem(
            None, None, None, "the file is empty: it needs a header row and at least one data row"
        )
        return v
    spec = {c.id: c for c in columns(cat, inst.key)}
    seen_cols: set[str] = set()
    for name in table.header:
        if name in seen_cols:
            problem(table.header_row, name, None, "the column appears twice")
        elif name not in spec:
            reason = f"unknown column for instrument '{inst.key}'"
            problem(table.header_row, name or "(blank)", None, reason)
        seen_cols.add(name)
    for col in spec.values():
        if col.required and col.id not in seen_cols:
            problem(table.header_row, col.id, None, "required column is missing")
    # The rows are checked even when the header has problems, so that one unknown column
    # does not hide the rest: every problem of every kind is reported in one pass. A
    # missing column is reported once (above), not again on every row.
    absent = {c for c in spec if c not in seen_cols}
    keys: dict[str, int] = {}
    total = len(table.rows)
    for i, cells in enumerate(table.rows):
        rownum = table.numbers[i]
        if len(cells) > len(table.header):
            problem(rownum, None, None, "the row has more cells than the header has columns")
            continue
        raw = dict(zip(table.header, cells, strict=True))
        parsed = _parse_row(raw, spec, rownum, problem, absent)
        if all(raw.get(c, "").strip() for c in inst.id_columns):
            key = respondent_key(inst, raw)
            if key in keys:
                cols = "+".join(inst.id_columns)
                problem(rownum, cols, key, f"duplicate respondent id (also on row {keys[key]})")
            keys.setdefault(key, rownum)
        v.rows.append(parsed)
        v.raw.append(raw)
        v.numbers.append(rownum)
        if progress and (i % CHUNK == 0 or i == total - 1):
            progress("checking", i + 1, total)
    if v.problems:
        v.rows, v.raw, v.numbers = [], [], []
    return v


def _parse_row(
    raw: dict[str, str],
    spec: dict[str, Column],
    rownum: int,
    problem: Callable,
    absent: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, col in spec.items():
        cell = raw.get(name, "")
        if not cell.strip():
            if col.required and name not in absent:
                problem(rownum, name, None, "required value is missing")
            continue
        try:
            parsed[name] = col.parse(cell)
        except ValueProblem as exc:
            problem(rownum, name, cell, str(exc))
    return parsed


def problem_frame(problems: Iterable[ImportProblem]) -> pd.DataFrame:
    """Problems as a table: row (as a spreadsheet numbers it), column, value, reason."""
    rows = [(p.row, p.column or "", p.value or "", p.reason) for p in problems]
    frame = pd.DataFrame(rows, columns=["row", "column", "value", "reason"])
    frame["row"] = frame["row"].astype("Int64")
    return frame


def preview_frame(v: Validated, n: int = 10) -> pd.DataFrame:
    """The first ``n`` valid rows as the file gives them, indexed by row number."""
    return pd.DataFrame(v.raw[:n], index=pd.Index(v.numbers[:n], name="row"))
