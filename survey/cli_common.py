"""What every command shares: the instruments and the database, with errors said as
plain sentences."""

from __future__ import annotations

import click

from survey.instruments import InstrumentError, default_catalogue


def catalogue():
    """The instruments, or a plain error naming what is wrong with them."""
    try:
        return default_catalogue()
    except InstrumentError as exc:
        raise click.ClickException(f"the instruments are invalid:\n{exc}") from None


def engine():
    """The configured database, schema brought up to date."""
    from survey.store import open_store

    try:
        return open_store()
    except Exception as exc:  # any driver error: say which database and why
        from sqlalchemy.engine import make_url

        from survey.store import database_url

        shown = make_url(database_url()).render_as_string(hide_password=True)
        raise click.ClickException(f"cannot open the database {shown}: {exc}") from None
