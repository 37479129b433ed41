"""Importing evidence: validate a whole file, then write it in one transaction.

Nothing is written from a file with any problem. Every problem names the row (as a
spreadsheet shows it: the header is row 1), the column, the value and the reason. A file
already imported (same content) is refused with the earlier import named."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from survey import audit
from survey.columns import Column, ValueProblem, columns
from survey.instruments import Catalogue, default_catalogue
from survey.models import (
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
from survey.summaries import parsed_frame, refresh_wave
from survey.tables import UnreadableFile, read_table

Progress = Callable[[str, int, int], None]
MAX_PROBLEMS = 500
_CHUNK = 2000


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


class ImportRejected(Exception):
    """The file has problems; nothing was imported."""

    def __init__(self, problems: list[ImportProblem], truncated: bool = False):
        self.problems = problems
        more = " (first 500 shown)" if truncated else ""
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s){more}; nothing was imported:\n{lines}")


class AlreadyImported(Exception):
    """The same file (same content) was imported before."""


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    rows: int
    area: str
    wave: str
    instrument_key: str
    instrument_version: str


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
    if v.problems:
        return v
    keys: dict[str, int] = {}
    total = len(table.rows)
    for i, cells in enumerate(table.rows):
        rownum = table.numbers[i]
        if len(cells) > len(table.header):
            problem(rownum, None, None, "the row has more cells than the header has columns")
            continue
        raw = dict(zip(table.header, cells, strict=True))
        parsed = _parse_row(raw, spec, rownum, problem)
        if all(raw.get(c, "").strip() for c in inst.id_columns):
            key = respondent_key(inst, raw)
            if key in keys:
                cols = "+".join(inst.id_columns)
                problem(rownum, cols, key, f"duplicate respondent id (also on row {keys[key]})")
            keys.setdefault(key, rownum)
        v.rows.append(parsed)
        v.raw.append(raw)
        v.numbers.append(rownum)
        if progress and (i % _CHUNK == 0 or i == total - 1):
            progress("checking", i + 1, total)
    if v.problems:
        v.rows, v.raw, v.numbers = [], [], []
    return v


def _parse_row(
    raw: dict[str, str], spec: dict[str, Column], rownum: int, problem: Callable
) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, col in spec.items():
        cell = raw.get(name, "")
        if not cell.strip():
            if col.required:
                problem(rownum, name, None, "required value is missing")
            continue
        try:
            parsed[name] = col.parse(cell)
        except ValueProblem as exc:
            problem(rownum, name, cell, str(exc))
    return parsed


def _get_or_create(session: Session, model: type, defaults: dict | None = None, **keys: Any) -> Any:
    obj = session.scalars(select(model).filter_by(**keys)).first()
    if obj is None:
        obj = model(**keys, **(defaults or {}))
        session.add(obj)
        session.flush()
    return obj


def write(
    engine: Engine,
    v: Validated,
    *,
    area: str,
    wave: str,
    area_name: str | None = None,
    imported_by: str | None = None,
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Write a validated file in one transaction; all of it or nothing. The import is
    audited in the same transaction; a file rejected for its problems is audited too."""
    if not v.ok:
        audit.record(
            engine,
            imported_by or "unknown",
            "import_rejected",
            area=area[:40],
            file=v.file_name,
            instrument=v.instrument_key,
            wave=wave,
            problems=len(v.problems),
        )
        raise ImportRejected(v.problems, v.truncated)
    labels = [("area code", area, 40), ("wave label", wave, 40), ("area name", area_name, 200)]
    bad = [
        ImportProblem(None, None, value, f"the {what} must be 1 to {limit} characters")
        for what, value, limit in labels
        if value is not None and not (0 < len(value.strip()) <= limit)
    ]
    if bad:
        raise ImportRejected(bad)
    cat = catalogue or default_catalogue()
    inst = cat.get(v.instrument_key)
    with Session(engine) as session, session.begin():
        earlier = session.scalars(
            select(ImportBatch).where(ImportBatch.content_hash == v.content_hash)
        ).first()
        if earlier is not None:
            raise AlreadyImported(_describe(session, earlier))
        area_obj = _get_or_create(session, Area, {"name": area_name or area}, code=area)
        wave_obj = _get_or_create(session, Wave, area_id=area_obj.id, label=wave)
        taken = set(
            session.scalars(
                select(Response.respondent_key).where(
                    Response.wave_id == wave_obj.id, Response.instrument_key == inst.key
                )
            )
        )
        clashes = [
            ImportProblem(
                n, "+".join(inst.id_columns), k, "respondent id already imported in this wave"
            )
            for n, raw in zip(v.numbers, v.raw, strict=True)
            if (k := respondent_key(inst, raw)) in taken
        ]
        if clashes:
            raise ImportRejected(clashes[:MAX_PROBLEMS], len(clashes) > MAX_PROBLEMS)
        batch = ImportBatch(
            content_hash=v.content_hash,
            file_name=v.file_name[-255:],
            instrument_key=inst.key,
            instrument_version=inst.version,
            wave_id=wave_obj.id,
            rows=len(v.rows),
            imported_by=imported_by,
        )
        session.add(batch)
        session.flush()
        orgs = _organisations(session, area_obj.id, v.rows)
        total = len(v.rows)
        for start in range(0, total, _CHUNK):
            chunk = slice(start, start + _CHUNK)
            _write_chunk(session, inst, batch, wave_obj.id, v.rows[chunk], v.raw[chunk], orgs)
            if progress:
                progress("writing", min(start + _CHUNK, total), total)
        if inst.kind == "survey":
            # A wave new to this file is scored from the rows in hand; a wave that already
            # had respondents is rescored from everything stored.
            whole = parsed_frame(v.rows, cat) if not taken else None
            refresh_wave(session.connection(), wave_obj.id, cat, whole)
        audit.record(
            session.connection(),
            imported_by or "unknown",
            "import",
            area=area,
            file=v.file_name,
            rows=total,
            instrument=inst.key,
            version=inst.version,
            wave=wave,
            batch=batch.id,
        )
        return ImportResult(batch.id, total, area, wave, inst.key, inst.version)


def _describe(session: Session, batch: ImportBatch) -> str:
    wave = session.get(Wave, batch.wave_id)
    area = session.get(Area, wave.area_id) if wave else None
    when = batch.imported_at.strftime("%Y-%m-%d %H:%M")
    return (
        f"this file was already imported as import #{batch.id} ('{batch.file_name}', "
        f"{batch.rows} rows, area {area.code if area else '?'}, "
        f"wave {wave.label if wave else '?'}, {when}); nothing was imported again"
    )


def _organisations(session: Session, area_id: int, rows: list[dict[str, Any]]) -> dict[str, int]:
    names = {r["organisation"].strip() for r in rows if r.get("organisation")}
    return {
        n: _get_or_create(session, Organisation, area_id=area_id, name=n).id for n in sorted(names)
    }


_PROFILE_COLUMNS = {"sector", "role_level", "co_located", "multi_agency_team", "coder"}


def _write_chunk(
    session: Session,
    inst: Any,
    batch: ImportBatch,
    wave_id: int,
    rows: list[dict[str, Any]],
    raws: list[dict[str, str]],
    orgs: dict[str, int],
) -> None:
    profile_ids = [f.id for f in inst.profile]
    params = []
    for row, raw in zip(rows, raws, strict=True):
        org = row.get("organisation")
        params.append(
            {
                "batch_id": batch.id,
                "wave_id": wave_id,
                "source": inst.kind,
                "instrument_key": inst.key,
                "instrument_version": inst.version,
                "respondent_key": respondent_key(inst, raw),
                "organisation_id": orgs[org.strip()] if org else None,
                "group_key": row.get("workshop_id"),
                "profile": {k: raw[k] for k in profile_ids if raw.get(k, "").strip()},
                **{k: row.get(k) for k in _PROFILE_COLUMNS},
            }
        )
    ids = session.scalars(
        insert(Response).returning(Response.id, sort_by_parameter_order=True), params
    ).all()
    writer = {"survey": _survey_rows, "interview": _interview_rows, "workshop": _workshop_rows}
    for model, values in writer[inst.kind](inst, ids, rows, raws):
        _bulk_insert(session, model, values)


def _bulk_insert(session: Session, model: type, values: list[dict[str, Any]]) -> None:
    """Insert many rows through the driver's executemany: a survey file of 10,000
    respondents has a million answers, and the ORM's per-row bookkeeping would dominate."""
    if not values:
        return
    conn = session.connection()
    names = list(values[0])
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {model.__tablename__} ({', '.join(names)}) "
        f"VALUES ({', '.join([mark] * len(names))})"
    )
    conn.exec_driver_sql(sql, [tuple(v[n] for n in names) for v in values])


def _survey_rows(inst: Any, ids: list[int], rows: list[dict], raws: list[dict]) -> list:
    profile = {f.id for f in inst.profile}
    answers = []
    for rid, row, raw in zip(ids, rows, raws, strict=True):
        for name, value in row.items():
            if name in profile:
                continue
            number = float(value) if isinstance(value, bool | int) else None
            answers.append({"response_id": rid, "item_id": name, "raw": raw[name], "value": number})
    return [(Answer, answers)]


def _interview_rows(inst: Any, ids: list[int], rows: list[dict], raws: list[dict]) -> list:
    ratings, codes = [], []
    for rid, row, raw in zip(ids, rows, raws, strict=True):
        for d in inst.dimensions:
            if f"rate_{d.id}" in row:
                ratings.append(
                    {"response_id": rid, "dimension": d.id, "rating": row[f"rate_{d.id}"]}
                )
        for n in range(1, inst.coding_frame.max_themes + 1):
            if f"theme_{n}" not in row:
                continue
            pair = row.get(f"theme_{n}_pair") or (None, None)
            quote = raw.get(f"theme_{n}_quote", "").strip() or None
            codes.append(
                {
                    "response_id": rid,
                    "slot": n,
                    "theme": row[f"theme_{n}"],
                    "rater_sector": pair[0],
                    "target_sector": pair[1],
                    "quote": quote,
                }
            )
    return [(InterviewRating, ratings), (InterviewCode, codes)]


def _workshop_rows(inst: Any, ids: list[int], rows: list[dict], raws: list[dict]) -> list:
    decisions, cards = [], []
    for rid, row, raw in zip(ids, rows, raws, strict=True):
        for vg in inst.vignettes:
            if f"v_{vg.id}" in row:
                decisions.append(
                    {
                        "response_id": rid,
                        "vignette": vg.id,
                        "decision": row[f"v_{vg.id}"],
                        "confidence": row.get(f"v_{vg.id}_conf"),
                    }
                )
        for n in range(1, inst.cards.max_cards + 1):
            if f"card_{n}_type" in row:
                cards.append(
                    {
                        "response_id": rid,
                        "slot": n,
                        "type": row[f"card_{n}_type"],
                        "pillar": row.get(f"card_{n}_pillar"),
                        "text": raw.get(f"card_{n}_text", "").strip() or None,
                        "votes": row.get(f"card_{n}_votes", 0),
                    }
                )
    return [(VignetteDecision, decisions), (WorkshopCard, cards)]


def import_file(
    engine: Engine,
    path: str | Path,
    *,
    instrument: str,
    area: str,
    wave: str,
    area_name: str | None = None,
    imported_by: str | None = None,
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
    data: bytes | None = None,
) -> ImportResult:
    """Validate then import one file. Raises :class:`ImportRejected` or
    :class:`AlreadyImported`; in either case nothing is written."""
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportRejected(
                [ImportProblem(None, None, None, f"cannot read file: {exc.strerror}")]
            ) from None
    v = validate(data, path.name, instrument, catalogue=catalogue, progress=progress)
    return write(
        engine,
        v,
        area=area,
        wave=wave,
        area_name=area_name,
        imported_by=imported_by,
        catalogue=catalogue,
        progress=progress,
    )
