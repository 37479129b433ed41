"""``readiness export …``: exports as a named user, each scoped to what their role allows
and audited."""

from __future__ import annotations

from pathlib import Path

import click

from app.settings import settings
from cli.common import PASSWORD_HELP, as_user


@click.group("export")
def export() -> None:
    """Exports, as a named user: each sees only what their role allows."""


@export.command("profile")
@click.argument("area")
@click.option("--wave", default=None)
@click.option("--user", "username", required=True, help="Export as this user.")
@click.option("--password", default=None, help=PASSWORD_HELP)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_profile(area, wave, username, password, out) -> None:
    """The profile table of AREA as CSV."""
    data = as_user(username, password).export_profile_csv(area, wave)
    out.write_bytes(data)
    click.echo(f"Wrote {out}")


@export.command("microdata")
@click.option("--user", "username", required=True, help="Export as this user.")
@click.option("--password", default=None, help=PASSWORD_HELP)
@click.option("--key", default=None, help="Secret key for area codes (or READINESS_PSEUDONYM_KEY).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_microdata(username, password, key, out) -> None:
    """Pooled, pseudonymised survey microdata for the panel, as CSV."""
    key = key or settings().pseudonym_key
    if not key:
        raise click.UsageError("give --key or set READINESS_PSEUDONYM_KEY")
    data = as_user(username, password).export_microdata_csv(key)
    out.write_bytes(data)
    click.echo(f"Wrote {out}")
