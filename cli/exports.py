"""``readiness export …``: exports as a named user, each scoped to what their role allows
and audited."""

from __future__ import annotations

from pathlib import Path

import click

from app.exports.microdata import MICRODATA_FORMATS, format_for
from app.settings import settings
from cli.common import PASSWORD_HELP, as_user

FORMAT_HELP = (
    "csv, xlsx (with a codebook sheet), sav (SPSS), dta (Stata) or codebook (CSV); "
    "by default from the --out file's extension."
)


@click.group("export")
def export() -> None:
    """Exports, as a named user: each sees only what their role allows."""


@export.command("profile")
@click.argument("area")
@click.option("--wave", default=None)
@click.option("--user", "username", required=True, help="Export as this user.")
@click.option("--password", default=None, help=PASSWORD_HELP)
@click.option(
    "--format", "fmt", type=click.Choice(list(MICRODATA_FORMATS)), default=None, help=FORMAT_HELP
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_profile(area, wave, username, password, fmt, out) -> None:
    """The pillar and scale table of AREA's profile (latest wave unless --wave)."""
    data = as_user(username, password).export_profile(area, wave, format_for(fmt, out.suffix))
    out.write_bytes(data)
    click.echo(f"Wrote {out}")


@export.command("area-microdata")
@click.argument("area")
@click.option("--wave", default=None)
@click.option("--user", "username", required=True, help="Export as this user.")
@click.option("--password", default=None, help=PASSWORD_HELP)
@click.option(
    "--format", "fmt", type=click.Choice(list(MICRODATA_FORMATS)), default=None, help=FORMAT_HELP
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_area_microdata(area, wave, username, password, fmt, out) -> None:
    """AREA's labelled survey microdata (engagement managers): one row per respondent, no
    identifiers or free text, rare categories merged."""
    door = as_user(username, password)
    data = door.export_area_microdata(area, wave, format_for(fmt, out.suffix))
    out.write_bytes(data)
    click.echo(f"Wrote {out}")


@export.command("microdata")
@click.option("--user", "username", required=True, help="Export as this user.")
@click.option("--password", default=None, help=PASSWORD_HELP)
@click.option("--key", default=None, help="Secret key for area codes (or READINESS_PSEUDONYM_KEY).")
@click.option(
    "--format", "fmt", type=click.Choice(list(MICRODATA_FORMATS)), default=None, help=FORMAT_HELP
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_microdata(username, password, key, fmt, out) -> None:
    """Pooled, pseudonymised survey microdata for the panel, labelled, in instrument order."""
    key = key or settings().pseudonym_key
    if not key:
        raise click.UsageError("give --key or set READINESS_PSEUDONYM_KEY")
    data = as_user(username, password).export_microdata(key, format_for(fmt, out.suffix))
    out.write_bytes(data)
    click.echo(f"Wrote {out}")
