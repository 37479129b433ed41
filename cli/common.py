"""What every command shares: the instruments, the database, signing in, and the one place
where an error a user caused becomes a plain sentence and exit status 1."""

from __future__ import annotations

import sys
from typing import Any

import click
from sqlalchemy import Engine

from app import store
from app.access import ScopedData
from app.accounts import Account, sign_in
from app.settings import settings
from instruments.catalogue import Catalogue
from instruments.errors import InstrumentError, ReadinessError


class Commands(click.Group):
    """A command group whose commands report :class:`ReadinessError` (anything a user can
    cause) as ``Error: <message>`` with exit status 1, never as a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InstrumentError as exc:
            raise click.ClickException(f"the instruments are invalid:\n{exc}") from None
        except ReadinessError as exc:
            raise click.ClickException(str(exc)) from None


def catalogue() -> Catalogue:
    """The configured instruments (an invalid folder is reported by :class:`Commands`)."""
    return store.catalogue()


def engine() -> Engine:
    """The configured database, schema brought up to date."""
    try:
        return store.open_configured_store()
    except ReadinessError:
        raise
    except Exception as exc:  # any driver error: say which database and why
        raise click.ClickException(
            f"cannot open the database {store.database_label()}: {exc}"
        ) from None


def login(db: Engine, username: str, password: str | None) -> Account:
    """Sign in as ``username`` (password from the option, ``READINESS_PASSWORD`` or a
    prompt)."""
    if password is None:
        password = settings().password
    if password is None:
        password = click.prompt("Password", hide_input=True)
    return sign_in(db, username, password)


PASSWORD_HELP = "Prompted for when not given (or READINESS_PASSWORD)."


def as_user(username: str, password: str | None) -> ScopedData:
    """The one door to the evidence, for ``username`` once signed in."""
    db = engine()
    return ScopedData(db, login(db, username, password), catalogue())


class ProgressBar:
    """Progress on stderr for work large enough to notice."""

    def __init__(self) -> None:
        self.bar = None
        self.stage = None
        self.done = 0

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
