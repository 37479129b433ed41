"""Opening the evidence store at a SQLAlchemy URL: an embedded SQLite file, or PostgreSQL for
a multi-user deployment (which URL is configuration: :mod:`app.settings`). The schema is
brought up to date by migrations, so an existing database upgrades without losing data."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver we ship (SQLAlchemy would
    otherwise look for psycopg2)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    # REPLACE deletes a row; with this on, that delete meets the DELETE triggers too.
    cur.execute("PRAGMA recursive_triggers=ON")
    cur.close()


# How long a SQLite connection waits for another's write to finish before giving up. An
# import of a national file holds the write lock for seconds; a login or a read waits.
SQLITE_BUSY_SECONDS = 60


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url)


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Apply every pending migration."""
    command.upgrade(_alembic_config(engine), "head")


def open_store(url: str) -> Engine:
    """An engine on an up-to-date schema."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


def schema_version(engine: Engine) -> str | None:
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
