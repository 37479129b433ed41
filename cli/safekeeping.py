"""``readiness backup`` and ``readiness restore``: a consistent copy of the store, taken while
the dashboard keeps working, and putting it back."""

from __future__ import annotations

from pathlib import Path

import click

from app import store
from cli.common import engine


@click.command("backup")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The new backup file.",
)
def backup_command(out: Path) -> None:
    """Back up the store while it is in use: SQLite's online backup (every committed import
    and account; an import still being written is left out whole), or pg_dump for
    PostgreSQL."""
    click.echo(store.backup(engine(), out))


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace everything in the store with the backup FILE (made by `readiness backup`)."""
    if not yes:
        click.confirm(f"Replace everything in {store.database_label()} with {file}?", abort=True)
    click.echo(store.restore(engine(), file))
