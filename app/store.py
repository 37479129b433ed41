"""The configured store and instruments: what :mod:`app.settings` names, opened once per
process by the dashboard and once per command by the CLI."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.settings import settings
from instruments.catalogue import Catalogue, default_catalogue
from survey.store import backup as _backup
from survey.store.backup import BackupError
from survey.store.engine import normalise_url, open_store, schema_version, upgrade
from survey.store.grants import GrantError
from survey.store.grants import grant_app_role as _grant
from survey.store.readers import latest_import

__all__ = [
    "BackupError",
    "GrantError",
    "backup",
    "catalogue",
    "data_version",
    "database_label",
    "database_url",
    "grant_app_role",
    "open_configured_store",
    "restore",
    "schema_version",
]


def catalogue() -> Catalogue:
    """The instruments of the configured folder (loaded once per process and folder)."""
    return default_catalogue(settings().instruments_dir)


def database_url() -> str:
    return normalise_url(settings().store_url)


def database_label() -> str:
    """The database URL with any password hidden, for messages and the dashboard."""
    return make_url(database_url()).render_as_string(hide_password=True)


def open_configured_store() -> Engine:
    """The configured database, schema brought up to date by its migrations."""
    return open_store(database_url())


def data_version(engine: Engine) -> int:
    """Grows with every import: part of every cache key, so new evidence is seen at once."""
    return latest_import(engine)


def grant_app_role(engine: Engine, role: str) -> list[str]:
    """Create or refresh the PostgreSQL role the dashboard should connect as (no ownership,
    the audit log append-only); its password is ``READINESS_NEW_PASSWORD`` when set."""
    return _grant(engine, role, password=settings().new_password)


def backup(engine: Engine, out: Path) -> str:
    """Copy the configured store to ``out`` while it is in use (a sentence saying what)."""
    return _backup.backup(engine, out)


def restore(engine: Engine, source: Path) -> str:
    """Replace the configured store's contents with the backup ``source``, then bring its
    schema up to date (a backup from an older version gains the newer migrations)."""
    said = _backup.restore(engine, source)
    upgrade(engine)
    return said
