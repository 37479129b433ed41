"""Writing a validated file: in one transaction, all of it or nothing.

A file already imported (same content) is refused with the earlier import named; a
respondent already in the wave is refused. What is derived from the answers (wave scores,
read stores) is refreshed inside the same transaction by the ``derive`` hook the caller
hands in, so the store never holds answers without their derived figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session

from instruments.catalogue import Catalogue, default_catalogue
from instruments.errors import ReadinessError
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

    def __init__(self, problems: list[ImportProblem], truncated: bool = False):
        self.problems = problems
        more = " (first 500 shown)" if truncated else ""
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s){more}; nothing was imported:\n{lines}")


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


def import_file(
    engine: Engine,
    path: str | Path,
    *,
    instrument: str,
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
    data: bytes | None = None,
    **where: Any,
) -> ImportResult:
    """Validate then import one file (``data``, or the file at ``path``); ``where`` are
    :func:`write`'s ``area``, ``wave``, ``area_name``, ``imported_by`` and ``derive``.
    Raises :class:`ImportRejected` or :class:`AlreadyImported`; in either case nothing is
    written."""
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportRejected(
                [ImportProblem(None, None, None, f"cannot read file: {exc.strerror}")]
            ) from None
    v = validate(data, path.name, instrument, catalogue=catalogue, progress=progress)
    return write(engine, v, catalogue=catalogue, progress=progress, **where)
