"""Validating an import file: every cell checked against the instrument, nothing written.

Every problem names the row (as a spreadsheet shows it: the header is row 1), the column,
the value (at most :data:`MAX_VALUE` characters of it) and the reason; the same problem in
many rows is also counted as one group ("column 'q1': 4,912 rows expected whole number 1-5,
first at row 2"), so a report stays short however bad the file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from instruments.catalogue import Catalogue, default_catalogue
from instruments.columns import Column, ValueProblem, columns
from survey.ingest.limits import Limits, OverLimit
from survey.ingest.tables import UnreadableFile, read_table

Progress = Callable[[str, int, int], None]
MAX_PROBLEMS = 500
MAX_VALUE = 80
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


def shorten(value: str | None) -> str | None:
    """At most :data:`MAX_VALUE` characters of a value, marked when cut."""
    if value is None or len(value) <= MAX_VALUE:
        return value
    return value[: MAX_VALUE - 1] + "…"


@dataclass
class ProblemGroup:
    """Every problem with the same column and reason: how many, and the first."""

    first: ImportProblem
    count: int = 1

    def __str__(self) -> str:
        if self.count == 1:
            return str(self.first)
        p = self.first
        where = f"column '{p.column}'" if p.column else "file"
        at = f", first at row {p.row}" if p.row else ""
        value = f" (value '{p.value}')" if p.value not in (None, "") else ""
        return f"{where}: {self.count:,} rows {p.reason}{at}{value}"


def add_to_groups(
    groups: dict[tuple[str | None, str], ProblemGroup], found: ImportProblem, count: int = 1
) -> None:
    """Count ``found`` (``count`` times) in the group of its column and reason."""
    group = groups.get((found.column, found.reason))
    if group is None:
        groups[found.column, found.reason] = ProblemGroup(found, count)
    else:
        group.count += count


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
    # Every problem (not only the first MAX_PROBLEMS), grouped by column and reason.
    groups: dict[tuple[str | None, str], ProblemGroup] = field(default_factory=dict)

    @property
    def summary(self) -> list[str]:
        """One line per kind of problem, in the order first met."""
        return [str(g) for g in self.groups.values()]

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
    limits: Limits | None = None,
) -> Validated:
    """Check every cell of a file against the instrument; write nothing. A file over one
    of ``limits`` is one problem naming that limit."""
    cat = catalogue or default_catalogue()
    inst = cat.get(instrument)
    v = Validated(file_name, hashlib.sha256(data).hexdigest(), inst.key, inst.version, inst.kind)

    def problem(row: int | None, col: str | None, value: str | None, reason: str) -> None:
        found = ImportProblem(row, col, shorten(value), reason)
        add_to_groups(v.groups, found)
        if len(v.problems) < MAX_PROBLEMS:
            v.problems.append(found)
        else:
            v.truncated = True

    try:
        table = read_table(data, file_name, limits)
    except (UnreadableFile, OverLimit) as exc:
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
    short = dict(table.short_rows)
    keys: dict[str, int] = {}
    total = len(table.rows)
    for i, cells in enumerate(table.rows):
        rownum = table.numbers[i]
        if len(cells) > len(table.header):
            problem(rownum, None, None, "the row has more cells than the header has columns")
            continue
        if rownum in short:
            width = len(table.header)
            reason = f"the row has fewer fields than the header's {width} (is the file cut off?)"
            problem(rownum, None, f"{short[rownum]} fields", reason)
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
