"""Loading the shipped sample data, file by file, through the public import path."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select

from instruments.catalogue import Catalogue
from instruments.errors import ReadinessError
from survey.ingest.write import AlreadyImported, Derive, ImportRejected, import_file
from survey.store.models import ImportBatch, Response

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
MANIFEST = "manifest.csv"
SAMPLE_IMPORTER = "sample-data"
Progress = Callable[[int, int], None]  # (files done, files in all)


class SampleDataError(ReadinessError):
    """The sample data could not be loaded; the message says which file and why."""


@dataclass
class LoadReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rows: int = 0

    def summary(self) -> str:
        text = f"Loaded {len(self.imported)} sample files ({self.rows} rows)"
        if self.skipped:
            text += f"; {len(self.skipped)} were already loaded"
        return text + "."


def only_sample_data(engine: Engine) -> bool:
    """True while every import in the store came from the shipped sample data: the only
    state in which the dashboard's demo mode may be offered."""
    with engine.connect() as conn:
        other = conn.execute(
            select(func.count())
            .select_from(ImportBatch)
            .where(ImportBatch.imported_by.is_distinct_from(SAMPLE_IMPORTER))
        ).scalar_one()
    return other == 0


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Response)).scalar_one() == 0


def load_sample_data(
    engine: Engine,
    *,
    folder: Path = SAMPLE_DIR,
    catalogue: Catalogue | None = None,
    derive: Derive,
    progress: Progress | None = None,
) -> LoadReport:
    """Import every file named in ``folder/manifest.csv``; files already loaded are skipped.
    ``progress(done, total)`` is called before the first file and after each one."""
    manifest = folder / MANIFEST
    if not manifest.exists():
        raise SampleDataError(f"no sample data manifest at {manifest}")
    report = LoadReport()
    with manifest.open(encoding="utf-8", newline="") as fh:
        entries = list(csv.DictReader(fh))
    for done, entry in enumerate(entries):
        if progress is not None:
            progress(done, len(entries))
        path = folder / entry["file"]
        try:
            result = import_file(
                engine,
                path,
                instrument=entry["instrument"],
                area=entry["area"],
                area_name=entry.get("area_name") or None,
                wave=entry["wave"],
                catalogue=catalogue,
                imported_by=SAMPLE_IMPORTER,
                derive=derive,
            )
        except AlreadyImported:
            report.skipped.append(entry["file"])
            continue
        except ImportRejected as exc:
            raise SampleDataError(f"sample file {entry['file']} was rejected: {exc}") from None
        report.imported.append(entry["file"])
        report.rows += result.rows
    if progress is not None:
        progress(len(entries), len(entries))
    return report
