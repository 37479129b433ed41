"""``readiness instruments …`` and ``readiness template``: check instruments, print
codebooks, write blank import templates."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.exports.codebook import FORMATS, write_template
from app.exports.xlsform import LANGUAGES, xlsform_bytes
from app.settings import settings
from cli.common import catalogue
from instruments.catalogue import load_catalogue
from instruments.errors import InstrumentError


@click.group()
def instruments() -> None:
    """Check instruments and print codebooks."""


@instruments.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def instruments_validate(paths: tuple[Path, ...]) -> None:
    """Validate the instrument files (default: every file in the instruments folder).

    PATHS may be folders, or files (an instrument, the sector list or the readiness rules),
    each checked against the rest of the instruments folder."""
    folders = [p for p in paths if p.is_dir()] or [settings().instruments_dir]
    files = [p for p in paths if p.is_file()]
    failed = False
    for folder in folders:
        checked = ", ".join(str(f) for f in files) if files else str(folder)
        try:
            cat = load_catalogue(folder, extra=files)
        except InstrumentError as exc:
            failed = True
            click.echo(f"{len(exc.problems)} problem(s) in {checked}:", err=True)
            for p in exc.problems:
                click.echo(f"  {p}", err=True)
            continue
        names = ", ".join(f"{k} {i.version}" for k, i in cat.instruments.items())
        click.echo(f"OK: {checked}: {names}; {len(cat.sector_codes)} sectors; readiness rules")
    sys.exit(1 if failed else 0)


@instruments.command("codebook")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="md", show_default=True)
def instruments_codebook(key: str, fmt: str) -> None:
    """Print the codebook of instrument KEY: item id, text, scale, reverse, options."""
    click.echo(FORMATS[fmt](catalogue(), key), nl=False)


@instruments.command("xlsform")
@click.argument("key")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the XLSForm (.xlsx).",
)
@click.option(
    "--lang",
    type=click.Choice(list(LANGUAGES)),
    default="en",
    show_default=True,
    help="Language of the labels (English where a text has no translation).",
)
def instruments_xlsform(key: str, out: Path, lang: str) -> None:
    """Write instrument KEY as an XLSForm for KoboToolbox, ODK or SurveyCTO: survey,
    choices and settings sheets, fields named by their import columns."""
    data = xlsform_bytes(catalogue(), key, lang)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"Wrote the {key} XLSForm to {out}")


@click.command("template")
@click.argument("key")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write it; .csv or .xlsx (with a codebook sheet).",
)
def template(key: str, out: Path) -> None:
    """Write the blank import template for instrument KEY."""
    cat = catalogue()
    cat.get(key)
    try:
        write_template(cat, key, out)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"Wrote the {key} template to {out}")
