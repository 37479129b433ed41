"""Bringing evidence in, as the command line and the dashboard do it: the ingest layer's
validated, all-or-nothing import, with the hook that keeps derived scores in step
(:func:`app.derived.derive_for`). Every way in (a file, a form, a survey link, the sample
data) goes through here."""

from __future__ import annotations

from collections.abc import Mapping as Answers
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from app import derived, store
from app.access import AccessDenied
from app.accounts import DEMO_READ_ONLY
from app.derived import derive_for
from app.settings import settings
from instruments.catalogue import Catalogue
from survey.ingest import mapping as mappings
from survey.ingest import sample, web_survey
from survey.ingest import validate as checks
from survey.ingest import write as ingest
from survey.ingest.mapping import (
    ColumnRule,
    MappedValidated,
    Mapping,
    MappingError,
    MappingReport,
)
from survey.ingest.sample import SAMPLE_DIR, LoadReport, is_empty, only_sample_data
from survey.ingest.validate import Validated, preview_frame, problem_frame
from survey.ingest.write import AlreadyImported, ImportConflict, ImportRejected, ImportResult
from survey.store import audit
from survey.store.accounts import Account
from survey.store.readers import waves

__all__ = [
    "AlreadyImported",
    "ColumnRule",
    "ImportConflict",
    "ImportRejected",
    "ImportResult",
    "MappedValidated",
    "Mapping",
    "MappingError",
    "MappingReport",
    "Validated",
    "check_file",
    "first_start",
    "import_file",
    "known_waves",
    "load_sample_data",
    "may_import",
    "needs_mapping",
    "only_sample_data",
    "preview_frame",
    "problem_counts",
    "problem_frame",
    "problem_summary",
    "record_refusal",
    "submit_response",
    "suggest_mapping",
    "validate",
    "write",
]


def import_file(
    engine: Engine, path: str | Path, *, catalogue: Catalogue | None = None, **options: Any
) -> ImportResult:
    """Validate then import one file; nothing is written from a file with any problem
    (:class:`ImportRejected`) or one imported before (:class:`AlreadyImported`).

    ``options`` are those of :func:`survey.ingest.write.import_file` (``instrument``,
    ``area``, ``wave``, ``area_name``, ``imported_by``, ``progress``, ``data``)."""
    cat = catalogue or store.catalogue()
    options.setdefault("limits", settings().limits)
    return ingest.import_file(engine, path, catalogue=cat, derive=derive_for(cat), **options)


def validate(
    data: bytes, file_name: str, instrument: str, *, catalogue: Catalogue | None = None, **options
) -> Validated:
    """Check a file against ``instrument``, within the configured import limits; nothing is
    written. ``options``: ``progress``."""
    cat = catalogue or store.catalogue()
    options.setdefault("limits", settings().limits)
    return checks.validate(data, file_name, instrument, catalogue=cat, **options)


def read_file(path: Path) -> bytes:
    """The bytes of an import file, refused (:class:`ImportRejected`) before a byte of it is
    read when it is over the configured size limit (``READINESS_MAX_FILE_MB``)."""
    return ingest.read_bounded(path, settings().limits)


def check_file(
    data: bytes,
    file_name: str,
    instrument: str,
    *,
    catalogue: Catalogue | None = None,
    mapping: Mapping | None = None,
    progress: Any = None,
) -> Validated:
    """Check a file, writing nothing: in the instrument's own columns as it is; a
    KoboToolbox/ODK export of the instrument's XLSForm through the mapping its header
    implies; a file from any other tool through ``mapping`` (:func:`suggest_mapping`). A
    mapped file's result is a :class:`MappedValidated` whose ``report`` says what became of
    every column."""
    cat = catalogue or store.catalogue()
    if mapping is not None or mappings.recognised(data, file_name, instrument, cat):
        return mappings.validate_mapped(
            data,
            file_name,
            instrument,
            catalogue=cat,
            mapping=mapping,
            progress=progress,
            limits=settings().limits,
        )
    return validate(data, file_name, instrument, catalogue=cat, progress=progress)


def problem_counts(v: Validated) -> pd.DataFrame:
    """The validation report grouped by column: how many problems each column has (every
    one in the file, not only those listed), of which kinds (the whole file's first)."""
    frame = pd.DataFrame(
        [
            (g.first.column or "(whole file or row)", g.count, g.first.reason)
            for g in v.groups.values()
        ],
        columns=["column", "count", "reason"],
    )
    if frame.empty:
        return pd.DataFrame(columns=["column", "problems", "reasons"])
    grouped = frame.groupby("column", sort=False)
    return pd.DataFrame(
        {
            "problems": grouped["count"].sum(),
            "reasons": grouped["reason"].agg(lambda r: "; ".join(dict.fromkeys(r))),
        }
    ).reset_index()


def problem_summary(v: Validated) -> str:
    """One line: how many problems, in how many columns, with the count of each."""
    counts = problem_counts(v)
    parts = ", ".join(
        f"{c} ({n})" for c, n in zip(counts["column"], counts["problems"], strict=True)
    )
    return f"{counts['problems'].sum():,} problem(s) in {len(counts)} column(s): {parts}"


def needs_mapping(
    data: bytes, file_name: str, instrument: str, *, catalogue: Catalogue | None = None
) -> bool:
    """Whether a file is from another tool and needs a mapping to import."""
    return mappings.needs_mapping(data, file_name, instrument, catalogue or store.catalogue())


def suggest_mapping(
    data: bytes, file_name: str, instrument: str, *, catalogue: Catalogue | None = None
) -> Mapping:
    """A draft mapping of a file from another survey tool, every guess scored."""
    return mappings.suggest(data, file_name, catalogue or store.catalogue(), instrument)


def write(
    engine: Engine,
    v: Validated,
    *,
    catalogue: Catalogue | None = None,
    account: Account | None = None,
    **options: Any,
) -> ImportResult:
    """Write a file already validated (:func:`validate`) in one transaction; ``options``
    as :func:`survey.ingest.write.write` (``area``, ``wave``, ``area_name``,
    ``imported_by``, ``progress``). With ``account``, only if it may import (a demo
    visitor may not), as that account."""
    if account is not None:
        may_import(account)
        options.setdefault("imported_by", account.username)
    cat = catalogue or store.catalogue()
    return ingest.write(engine, v, catalogue=cat, derive=derive_for(cat), **options)


def submit_response(
    engine: Engine, token: str, answers: Answers[str, str], *, catalogue: Catalogue | None = None
) -> None:
    """Save one web respondent's answers through the import path."""
    cat = catalogue or store.catalogue()
    web_survey.submit_response(engine, token, answers, catalogue=cat, derive=derive_for(cat))


def load_sample_data(
    engine: Engine,
    *,
    folder: Path = SAMPLE_DIR,
    catalogue: Catalogue | None = None,
    progress: sample.Progress | None = None,
) -> LoadReport:
    """Import every file of the shipped sample data (files already loaded are skipped);
    ``progress(done, total)`` hears of each file."""
    cat = catalogue or store.catalogue()
    return sample.load_sample_data(
        engine, folder=folder, catalogue=cat, derive=derive_for(cat), progress=progress
    )


def first_start(
    engine: Engine,
    catalogue: Catalogue | None = None,
    progress: sample.Progress | None = None,
) -> str | None:
    """On a new, empty embedded database, load the sample data and say so (None
    otherwise). A PostgreSQL deployment is never filled with sample data."""
    derived.ensure_scored(engine, catalogue or store.catalogue())
    if engine.dialect.name != "sqlite" or not is_empty(engine):
        return None
    report = load_sample_data(engine, catalogue=catalogue, progress=progress)
    return (
        f"This was a new, empty database, so the sample data was loaded: {report.summary()} "
        "It is fictional and for demonstration only."
    )


def may_import(account: Account) -> None:
    """Refuse (:class:`AccessDenied`) an account that may not import: not a manager, or a
    read-only demo visitor."""
    if not account.scope.can_import:
        raise AccessDenied("importing evidence is for engagement managers")
    if account.scope.read_only:
        raise AccessDenied(DEMO_READ_ONLY)


def known_waves(engine: Engine, account: Account) -> pd.DataFrame:
    """Every area and wave (codes, names and counts) for choosing where evidence goes:
    for accounts that may import only."""
    if not account.scope.can_import:
        raise AccessDenied("importing evidence is for engagement managers")
    return waves(engine)


def record_refusal(engine: Engine, account: Account, *, area: str, wave: str, **what) -> None:
    """Audit an import refused after validation (already imported, or a respondent id
    already in the wave); a file refused for its own problems is audited by the writer."""
    audit.record(engine, account.username, "import_rejected", area=area, wave=wave, **what)
