"""``readiness import``, ``readiness sample-data load`` and ``readiness db …``: evidence in,
and the store kept up to date."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app import derived, evidence, store
from cli.common import ProgressBar, catalogue, engine


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--instrument", required=True, help="Instrument key, e.g. staff_survey.")
@click.option("--area", required=True, help="Area code, e.g. E06000001.")
@click.option("--wave", required=True, help="Wave label, e.g. 2026-1.")
@click.option("--area-name", default=None, help="The area's name, when the area is new.")
def import_command(
    file: Path, instrument: str, area: str, wave: str, area_name: str | None
) -> None:
    """Validate FILE (CSV or XLSX) and import it; a file with any problem imports nothing."""
    cat = catalogue()
    db = engine()
    bar = ProgressBar()
    try:
        result = evidence.import_file(
            db,
            file,
            instrument=instrument,
            area=area,
            wave=wave,
            area_name=area_name,
            catalogue=cat,
            progress=bar,
            imported_by="cli",
        )
    except evidence.ImportRejected as exc:
        bar.close()
        click.echo(f"{file.name}: {exc}", err=True)
        sys.exit(1)
    except evidence.AlreadyImported as exc:
        bar.close()
        raise click.ClickException(f"{file.name}: {exc}") from None
    bar.close()
    click.echo(
        f"Imported {result.rows} rows from {file.name} into area {result.area}, wave "
        f"{result.wave} ({result.instrument_key} {result.instrument_version}, "
        f"import #{result.batch_id})"
    )


@click.group("sample-data")
def sample_data() -> None:
    """The sample evidence shipped with the project."""


@sample_data.command("load")
def sample_data_load() -> None:
    """Load the sample data into the configured database through the import path."""
    report = evidence.load_sample_data(engine(), catalogue=catalogue())
    click.echo(report.summary())


@click.group()
def db() -> None:
    """The evidence store."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date (migrations keep existing data)."""
    database = engine()
    derived.ensure_scored(database, catalogue())
    click.echo(f"{store.database_url()} is at schema version {store.schema_version(database)}")


@db.command("rescore")
def db_rescore() -> None:
    """Rebuild the derived stores (packed answers, wave scores; stored profiles are
    forgotten) from the raw answers (after changing scoring)."""

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() and (done % 25 == 0 or done == total):
            click.echo(f"  {done} of {total} waves rebuilt", err=True)

    count = derived.rescore(engine(), catalogue(), progress=progress)
    click.echo(f"Rescored {count} waves from their raw answers")
