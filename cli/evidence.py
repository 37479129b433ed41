"""``readiness import``, ``readiness sample-data load`` and ``readiness db …``: evidence in,
and the store kept up to date."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app import derived, evidence, store
from app.exports.tables import csv_bytes
from cli.common import ProgressBar, catalogue, engine


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--instrument", required=True, help="Instrument key, e.g. staff_survey.")
@click.option("--area", required=True, help="Area code, e.g. E06000001.")
@click.option("--wave", required=True, help="Wave label, e.g. 2026-1.")
@click.option("--area-name", default=None, help="The area's name, when the area is new.")
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A mapping (YAML) for a file from another survey tool; draft one with "
    "`readiness mapping suggest`. KoboToolbox/ODK exports of the XLSForm need none.",
)
@click.option(
    "--problems",
    "problems_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the validation report (every problem) to this CSV file.",
)
def import_command(
    file: Path,
    instrument: str,
    area: str,
    wave: str,
    area_name: str | None,
    mapping_file: Path | None,
    problems_csv: Path | None,
) -> None:
    """Validate FILE (CSV or XLSX) and import it; a file with any problem imports nothing.

    FILE is in the instrument's columns (`readiness template`), a KoboToolbox/ODK export of
    its XLSForm, or, with --mapping, a file from any other tool."""
    cat = catalogue()
    db = engine()
    mapping = evidence.Mapping.read(mapping_file) if mapping_file else None
    try:
        data = evidence.read_file(file)
    except evidence.ImportRejected as exc:
        click.echo(f"{file.name}: {exc}", err=True)
        sys.exit(1)
    bar = ProgressBar()
    v = evidence.check_file(
        data, file.name, instrument, catalogue=cat, mapping=mapping, progress=bar
    )
    bar.close()
    if isinstance(v, evidence.MappedValidated):
        for line in v.report.lines():
            click.echo(f"{file.name}: {line}", err=True)
    if not v.ok:
        if problems_csv is not None:
            problems_csv.write_bytes(csv_bytes(evidence.problem_frame(v.problems)))
        click.echo(f"{file.name}: {evidence.problem_summary(v)}", err=True)
        if evidence.needs_mapping(data, file.name, instrument, catalogue=cat) and not mapping:
            click.echo(
                f"{file.name} is not in the columns of {instrument}: draft a mapping with "
                f"`readiness mapping suggest {file.name} --instrument {instrument} --out "
                "map.yaml`, check it, then import with --mapping map.yaml.",
                err=True,
            )
    try:
        result = evidence.write(
            db,
            v,
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


@click.group("mapping")
def mapping_group() -> None:
    """Mappings for files from other survey tools (Microsoft Forms, Google Forms, Qualtrics)."""


@mapping_group.command("suggest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--instrument", required=True, help="Instrument key, e.g. staff_survey.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def mapping_suggest(file: Path, instrument: str, out: Path) -> None:
    """Draft a mapping (YAML) for FILE: its headers matched to the instrument's questions
    and its answer labels to the response scales, every guess with its score (0-100) for
    a person to confirm before `readiness import FILE --mapping OUT`."""
    cat = catalogue()
    cat.get(instrument)
    mapping = evidence.suggest_mapping(file.read_bytes(), file.name, instrument, catalogue=cat)
    out.write_text(mapping.to_yaml(), encoding="utf-8")
    rules = mapping.columns
    sure = sum(1 for r in rules if r.to and (r.score or 0) >= 100)
    guesses = [r for r in rules if r.to and (r.score or 0) < 100]
    click.echo(f"Wrote {out}: {sure} column(s) matched exactly, {len(guesses)} guessed")
    for r in guesses:
        click.echo(f"  check: '{r.header}' -> {r.to} (score {r.score:.0f})")
    for r in rules:
        if r.personal:
            click.echo(f"  refused as personal data (never stored): '{r.header}'")
        elif r.ignore:
            click.echo(f"  ignored (metadata): '{r.header}'")
        elif not r.to:
            hint = f"; best guess {r.guess} (score {r.score:.0f})" if r.guess else ""
            click.echo(f"  NOT MAPPED: '{r.header}'{hint}")


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


@db.command("grant")
@click.argument("role")
def db_grant(role: str) -> None:
    """PostgreSQL: create ROLE for the dashboard to connect as, owning nothing.

    Run as the owner of the tables (who runs the migrations). ROLE may read and write the
    evidence but only add to the audit log, and cannot disable its triggers. Its password is
    READINESS_NEW_PASSWORD when set. Run again after `readiness db upgrade`."""
    for statement in store.grant_app_role(engine(), role):
        click.echo(statement)
    click.echo(f"Connect the dashboard as '{role}' (READINESS_DATABASE_URL).")
