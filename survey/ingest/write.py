"""Writing a validated file: in one transaction, all of it or nothing.

A file already imported (same content) is refused with the earlier import named; a
respondent already in the wave is refused. What is derived from the answers (wave scores,
read stores) is refreshed inside the same transaction by the ``derive`` hook the caller
hands in, so the store never holds answers without their derived figures."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from instruments.catalogue import Catalogue, default_catalogue
from instruments.errors import ReadinessError
from survey.ingest.limits import MB, Limits, OverLimit, mb
from survey.ingest.validate import (
    CHUNK,
    MAX_PROBLEMS,
    ImportProblem,
    Progress,
    Validated,
    respondent_key,
    validate,
)
from survey.store import audit
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


class Derive(Protocol):
    """Refresh what is derived from a wave's answers, inside the import's transaction.

    ``rows`` are the parsed rows of the file when they are every response of that
    instrument in the wave (a new wave), else None (read the stored answers)."""

    def __call__(
        self, conn: Connection, wave_id: int, instrument: str, rows: list[dict] | None
    ) -> None: ...


class ImportRejected(ReadinessError):
    """The file has problems; nothing was imported."""

    def __init__(
        self,
        problems: list[ImportProblem],
        truncated: bool = False,
        summary: list[str] | None = None,
        total: int | None = None,
    ):
        self.problems = problems
        total = total if total is not None else len(problems)
        self.summary = summary if summary is not None else [str(p) for p in problems]
        lines = "\n".join(f"  {line}" for line in self.summary)
        super().__init__(f"{total:,} problem(s); nothing was imported:\n{lines}")


class ImportConflict(ReadinessError):
    """Another import into the same wave got in the way; nothing was imported."""


# How many times an import is tried when another one, at the same moment, gets in its way.
ATTEMPTS = 3


class AlreadyImported(ReadinessError):
    """The same file (same content) was imported before."""


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    rows: int
    area: str
    wave: str
    instrument_key: str
    instrument_version: str


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
    derive: Derive,
) -> ImportResult:
    """Write a validated file in one transaction; all of it or nothing. ``derive``
    refreshes what is derived from the wave's answers in that transaction. The import is
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
        total = sum(g.count for g in v.groups.values()) or None
        raise ImportRejected(v.problems, v.truncated, v.summary or None, total)
    area, wave = area.strip(), wave.strip()
    area_name = area_name.strip() if area_name is not None else None
    labels = [("area code", area, 40), ("wave label", wave, 40), ("area name", area_name, 200)]
    bad = [
        ImportProblem(None, None, value, f"the {what} must be 1 to {limit} characters")
        for what, value, limit in labels
        if value is not None and not (0 < len(value) <= limit)
    ] + [
        ImportProblem(None, None, value, f"the {what} contains a control character")
        for what, value, _ in labels
        if value is not None and any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in value)
    ]
    if bad:
        raise ImportRejected(bad)
    cat = catalogue or default_catalogue()
    inst = cat.get(v.instrument_key)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _write_once(
                engine, v, inst, area, wave, area_name, imported_by, progress, derive
            )
        except IntegrityError:
            # Another import created the same area, wave or file at the same moment: try
            # again, now seeing it (a clash of respondents is then a plain refusal).
            if attempt == ATTEMPTS:
                raise ImportConflict(
                    "another import into the same area and wave was written at the same "
                    "moment; nothing was imported from this file. Import it again"
                ) from None
        except OperationalError as exc:
            if "locked" not in str(exc) and "deadlock" not in str(exc):
                raise
            if attempt == ATTEMPTS:
                raise ImportConflict(
                    "the database stayed busy with another import; nothing was imported "
                    "from this file. Import it again when that import has finished"
                ) from None
    raise AssertionError("unreachable")


def _write_once(
    engine: Engine,
    v: Validated,
    inst: Any,
    area: str,
    wave: str,
    area_name: str | None,
    imported_by: str | None,
    progress: Progress | None,
    derive: Derive,
) -> ImportResult:
    with Session(engine) as session, session.begin():
        earlier = session.scalars(
            select(ImportBatch).where(ImportBatch.content_hash == v.content_hash)
        ).first()
        if earlier is not None:
            raise AlreadyImported(_describe(session, earlier))
        area_obj = _existing(session, Area, Area.code, area) or _get_or_create(
            session, Area, {"name": area_name or area}, code=area
        )
        area = area_obj.code
        wave_obj = _existing(
            session, Wave, Wave.label, wave, Wave.area_id == area_obj.id
        ) or _get_or_create(session, Wave, area_id=area_obj.id, label=wave)
        wave = wave_obj.label
        # Imports into one wave take turns from here (a row lock on PostgreSQL, the write
        # lock on SQLite), so each sees the other's respondents and derives the wave's
        # scores from all of them.
        session.execute(update(Wave).where(Wave.id == wave_obj.id).values(label=Wave.label))
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
        for start in range(0, total, CHUNK):
            chunk = slice(start, start + CHUNK)
            _write_chunk(session, inst, batch, wave_obj.id, v.rows[chunk], v.raw[chunk], orgs)
            if progress:
                progress("writing", min(start + CHUNK, total), total)
        # A wave new to this instrument is derived from the rows in hand; a wave that
        # already had respondents from everything stored.
        derive(session.connection(), wave_obj.id, inst.key, None if taken else v.rows)
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


def _existing(session: Session, model: type, column: Any, code: str, *where: Any) -> Any:
    """The row whose code is ``code`` ignoring case and surrounding spaces (``ash`` and
    ``ASH `` are the area ``ASH``); None if there is none."""
    stmt = select(model).where(func.lower(column) == code.lower(), *where)
    return session.scalars(stmt.order_by(model.id)).first()


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
    for model, values in WRITERS[inst.kind](inst, ids, rows, raws):
        _bulk_insert(session, model, values)


def _bulk_insert(session: Session, model: type, values: list[dict[str, Any]]) -> None:
    """Insert many rows through the driver's executemany (COPY on PostgreSQL): a survey
    file of 10,000 respondents has a million answers, and the ORM's per-row bookkeeping
    would dominate."""
    if not values:
        return
    conn = session.connection()
    names = list(values[0])
    if conn.dialect.name == "postgresql":
        _copy(conn, model.__tablename__, names, values)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {model.__tablename__} ({', '.join(names)}) "
        f"VALUES ({', '.join([mark] * len(names))})"
    )
    conn.exec_driver_sql(sql, [tuple(v[n] for n in names) for v in values])


def _copy(conn: Connection, table: str, names: list[str], values: list[dict[str, Any]]) -> None:
    """PostgreSQL's bulk path: ``COPY ... FROM STDIN`` in the import's own transaction,
    several times faster than even a batched INSERT for the answers of a large file."""
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for v in values:
            copy.write_row(tuple(v[n] for n in names))


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


# How each instrument kind's rows are stored (see :data:`instruments.kinds.KINDS`).
WRITERS = {"survey": _survey_rows, "interview": _interview_rows, "workshop": _workshop_rows}


def read_bounded(path: str | Path, limits: Limits | None = None) -> bytes:
    """The bytes of the import file at ``path``, refused (:class:`ImportRejected`) before a
    byte of it is read when it is over the size limit of ``limits``."""
    path, limits = Path(path), limits or Limits()
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            too_big = OverLimit(f"the file is {mb(size / MB)}", mb(limits.file_mb), "max_file_mb")
            raise ImportRejected([ImportProblem(None, None, None, str(too_big))])
        return path.read_bytes()
    except OSError as exc:
        raise ImportRejected(
            [ImportProblem(None, None, None, f"cannot read file: {exc.strerror}")]
        ) from None


def import_file(
    engine: Engine,
    path: str | Path,
    *,
    instrument: str,
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
    data: bytes | None = None,
    limits: Limits | None = None,
    **where: Any,
) -> ImportResult:
    """Validate then import one file (``data``, or the file at ``path``); ``where`` are
    :func:`write`'s ``area``, ``wave``, ``area_name``, ``imported_by`` and ``derive``.
    Raises :class:`ImportRejected` or :class:`AlreadyImported`; in either case nothing is
    written."""
    path = Path(path)
    limits = limits or Limits()
    if data is None:
        data = read_bounded(path, limits)
    v = validate(data, path.name, instrument, catalogue=catalogue, progress=progress, limits=limits)
    return write(engine, v, catalogue=catalogue, progress=progress, **where)
