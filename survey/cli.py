"""The ``readiness`` command line. Each command builds the library objects and calls one
function; errors are reported as plain sentences, never tracebacks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from survey.cli_accounts import audit_command, export, users
from survey.cli_common import catalogue as _catalogue
from survey.cli_common import engine as _engine
from survey.codebook import codebook_csv, codebook_markdown, write_template
from survey.imports import AlreadyImported, ImportRejected, import_file
from survey.instruments import (
    InstrumentError,
    UnknownInstrumentError,
    instruments_dir,
    load_catalogue,
)


@click.group()
@click.version_option(package_name="sharing-readiness")
def main() -> None:
    """Sharing Readiness: instruments, evidence and readiness profiles."""


@main.group()
def instruments() -> None:
    """Check instruments and print codebooks."""


@instruments.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def instruments_validate(paths: tuple[Path, ...]) -> None:
    """Validate the instrument files (default: every file in the instruments folder).

    PATHS may be instrument files or folders; a file is checked against the sectors and
    rules of the instruments folder."""
    folders = [p for p in paths if p.is_dir()] or [instruments_dir()]
    files = [p for p in paths if p.is_file()]
    failed = False
    for folder in folders:
        try:
            cat = load_catalogue(folder, extra=files)
        except InstrumentError as exc:
            failed = True
            click.echo(f"{len(exc.problems)} problem(s) in {folder}:", err=True)
            for p in exc.problems:
                click.echo(f"  {p}", err=True)
            continue
        names = ", ".join(f"{k} {i.version}" for k, i in cat.instruments.items())
        click.echo(f"OK: {folder}: {names}; {len(cat.sector_codes)} sectors; readiness rules")
    sys.exit(1 if failed else 0)


@instruments.command("codebook")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["csv", "md"]), default="md", show_default=True)
def instruments_codebook(key: str, fmt: str) -> None:
    """Print the codebook of instrument KEY: item id, text, scale, reverse, options."""
    cat = _catalogue()
    try:
        text = codebook_csv(cat, key) if fmt == "csv" else codebook_markdown(cat, key)
    except UnknownInstrumentError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(text, nl=False)


@main.command("template")
@click.argument("key")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write it; .csv or .xlsx (with a codebook sheet).",
)
def template(key: str, out: Path) -> None:
    """Write the blank import template for instrument KEY."""
    cat = _catalogue()
    try:
        write_template(cat, key, out)
    except UnknownInstrumentError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"Wrote the {key} template to {out}")


class _Bar:
    """Progress on stderr for files large enough to notice."""

    def __init__(self) -> None:
        self.bar = None
        self.stage = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total < 2000:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = click.progressbar(length=total, label=f"{stage:>8}", file=sys.stderr)
            self.bar.__enter__()
            self.done = 0
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--instrument", required=True, help="Instrument key, e.g. staff_survey.")
@click.option("--area", required=True, help="Area code, e.g. E06000001.")
@click.option("--wave", required=True, help="Wave label, e.g. 2026-1.")
@click.option("--area-name", default=None, help="The area's name, when the area is new.")
def import_command(
    file: Path, instrument: str, area: str, wave: str, area_name: str | None
) -> None:
    """Validate FILE (CSV or XLSX) and import it; a file with any problem imports nothing."""
    cat = _catalogue()
    engine = _engine()
    bar = _Bar()
    try:
        result = import_file(
            engine,
            file,
            instrument=instrument,
            area=area,
            wave=wave,
            area_name=area_name,
            catalogue=cat,
            progress=bar,
            imported_by="cli",
        )
    except UnknownInstrumentError as exc:
        raise click.ClickException(str(exc)) from None
    except ImportRejected as exc:
        bar.close()
        click.echo(f"{file.name}: {exc}", err=True)
        sys.exit(1)
    except AlreadyImported as exc:
        bar.close()
        raise click.ClickException(f"{file.name}: {exc}") from None
    bar.close()
    click.echo(
        f"Imported {result.rows} rows from {file.name} into area {result.area}, wave "
        f"{result.wave} ({result.instrument_key} {result.instrument_version}, "
        f"import #{result.batch_id})"
    )


@main.group("sample-data")
def sample_data() -> None:
    """The sample evidence shipped with the project."""


@sample_data.command("load")
def sample_data_load() -> None:
    """Load the sample data into the configured database through the import path."""
    from survey.sampledata import SampleDataError, load_sample_data

    cat = _catalogue()
    engine = _engine()
    try:
        report = load_sample_data(engine, catalogue=cat)
    except SampleDataError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.summary())


@main.command("profile")
@click.argument("area", required=False)
@click.option("--wave", default=None, help="Wave label (default: the latest wave).")
@click.option("--all", "all_areas", is_flag=True, help="Every area and wave.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
def profile_command(area: str | None, wave: str | None, all_areas: bool, as_json: bool) -> None:
    """The readiness profile and verdict of AREA (or of every area with --all)."""
    import json

    from survey.profiles import load_profiles

    if bool(area) == all_areas:
        raise click.UsageError("give an AREA code or --all")
    cat = _catalogue()
    engine = _engine()
    profiles = load_profiles(engine, cat, None if all_areas else [area])
    if not all_areas:
        if not profiles:
            raise click.ClickException(f"no evidence for area '{area}'")
        waves = [p.wave for p in profiles]
        if wave is not None and wave not in waves:
            raise click.ClickException(
                f"area '{area}' has no wave '{wave}' (waves: {', '.join(waves)})"
            )
        profiles = [p for p in profiles if p.wave == (wave or waves[-1])]
    if as_json:
        data = [p.to_dict() for p in profiles]
        click.echo(json.dumps(data if all_areas else data[0], indent=2, ensure_ascii=False))
        return
    for p in profiles:
        click.echo(_profile_text(p, cat))


def _profile_text(p, cat) -> str:
    lines = [f"{p.area} wave {p.wave}: {p.verdict.label} ({p.respondents} survey respondents)"]
    lines += [f"  - {r.text}" for r in p.verdict.reasons]
    lines.append("  Pillars:")
    for _, row in p.pillars.iterrows():
        if row["n"]:
            lines.append(
                f"    {row['title']:<48} {row['estimate']:.2f} "
                f"[{row['low']:.2f}, {row['high']:.2f}] n={row['n']} {row['band']}"
            )
    if p.change is not None:
        pillars = p.change[p.change["kind"] == "pillar"]
        lines.append(f"  Change since wave {pillars['previous_wave'].iloc[0]}:")
        for pid, row in pillars.iterrows():
            lines.append(
                f"    {p.pillars.loc[pid, 'title']:<48} {row['difference']:+.2f} "
                f"[{row['low']:+.2f}, {row['high']:+.2f}]"
            )
    if p.disagreement:
        lines.append(
            "  Respondents disagree too much for an area score to be trusted (rwg(j) below "
            f"{cat.rules.agreement.rwg_j_min:.2f}) on: {', '.join(p.disagreement)}"
        )
    if p.missing_key_sectors:
        names = ", ".join(cat.sector_name(s) for s in p.missing_key_sectors)
        lines.append(f"  Key sectors without enough evidence: {names}")
    return "\n".join(lines)


@main.command("psychometrics")
@click.option("--instrument", "key", required=True, help="staff_survey or stakeholder_interview.")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "csv", "json"]), default="md", show_default=True
)
def psychometrics_command(key: str, fmt: str) -> None:
    """The panel's psychometrics report of an instrument, pooled over every area."""
    from analysis.psychometrics import coder_agreement, markdown_table, panel_report
    from analysis.readiness import context_from_catalogue
    from survey.evidence import evidence

    cat = _catalogue()
    try:
        inst = cat.get(key)
    except UnknownInstrumentError as exc:
        raise click.ClickException(str(exc)) from None
    engine = _engine()
    ev = evidence(engine)
    if inst.kind == "interview":
        table = coder_agreement(ev.ratings)
        if table.empty:
            raise click.ClickException("no interview ratings in the database yet")
        if fmt == "json":
            click.echo(table.reset_index().to_json(orient="records", indent=2))
        elif fmt == "csv":
            click.echo(table.to_csv(), nl=False)
        else:
            click.echo("# Inter-coder agreement (Cohen's kappa) per interview dimension\n")
            click.echo(markdown_table(table))
        return
    if inst.kind != "survey":
        raise click.ClickException(
            f"'{key}' is a {inst.kind}: psychometrics cover the staff survey and the interview"
        )
    if ev.survey.empty:
        raise click.ClickException("no survey responses in the database yet")
    report = panel_report(ev.survey, context_from_catalogue(cat).model, instrument=key)
    click.echo({"md": report.to_markdown, "csv": report.to_csv, "json": report.to_json}[fmt]())


main.add_command(users)
main.add_command(audit_command)
main.add_command(export)


@main.group()
def db() -> None:
    """The evidence store."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date (migrations keep existing data)."""
    from survey.store import database_url, schema_version
    from survey.summaries import ensure_scored

    engine = _engine()
    ensure_scored(engine, _catalogue())
    click.echo(f"{database_url()} is at schema version {schema_version(engine)}")


@db.command("rescore")
def db_rescore() -> None:
    """Rebuild the derived wave scores from the raw answers (after changing scoring)."""
    from survey.summaries import rescore

    count = rescore(_engine(), _catalogue())
    click.echo(f"Rescored {count} waves from their raw answers")


if __name__ == "__main__":
    main()
