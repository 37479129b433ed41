"""Backing up and restoring the store while it is in use.

SQLite: the online backup API copies a consistent snapshot page by page while the dashboard
keeps working (a plain ``cp`` of a WAL-mode file can miss what is still in the WAL, such as
a new account). Every committed import and account is in the copy; an import still being
written is wholly absent. PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore``, which
must be on the PATH (the PostgreSQL client tools)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from instruments.errors import ReadinessError


class BackupError(ReadinessError):
    """A backup or restore cannot be made; the message says why."""


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """The engine's URL as the PostgreSQL client tools read it, and the environment that
    carries its password (never on the command line, where any user could read it)."""
    url = engine.url.set(drivername="postgresql")
    env = {"PGPASSWORD": url.password} if url.password else {}
    return url.set(password=None).render_as_string(hide_password=False), env


def _is_readiness_file(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        return False
    return {"alembic_version", "responses", "users", "audit_log"} <= tables


def backup(engine: Engine, out: Path) -> str:
    """Copy the whole store to ``out`` while it stays in use; a sentence saying what."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file for the backup")
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(out) as target:
                raw.driver_connection.backup(target)
            target.close()
        except sqlite3.Error as exc:
            out.unlink(missing_ok=True)
            raise BackupError(f"the backup failed: {exc}") from None
        finally:
            raw.close()
        return f"Backed up to {out} ({out.stat().st_size / 1024 / 1024:,.1f} MB, SQLite)"
    if engine.dialect.name == "postgresql":
        url, env = _libpq(engine)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={out}", url], env)
        return f"Backed up to {out} ({out.stat().st_size / 1024 / 1024:,.1f} MB, pg_dump custom)"
    raise BackupError(f"no backup for a {engine.dialect.name} database")


def restore(engine: Engine, source: Path) -> str:
    """Replace everything in the store with the backup ``source`` (made by :func:`backup`)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"there is no backup file {source}")
    if engine.dialect.name == "sqlite":
        if not _is_readiness_file(source):
            raise BackupError(f"{source} is not a backup of this project's SQLite store")
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_file:
                backup_file.backup(raw.driver_connection)
            backup_file.close()
        except sqlite3.Error as exc:
            raise BackupError(f"the restore failed: {exc}") from None
        finally:
            raw.close()
        engine.dispose()  # no pooled connection keeps a view of the old contents
        return f"Restored {source} into {make_url(str(engine.url)).database}"
    if engine.dialect.name == "postgresql":
        url, env = _libpq(engine)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={url}",
                str(source),
            ],
            env,
        )
        engine.dispose()
        return f"Restored {source} (pg_restore)"
    raise BackupError(f"no restore for a {engine.dialect.name} database")


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools "
            "(Debian/Ubuntu: apt-get install postgresql-client), or run pg_dump/pg_restore "
            "yourself as the README shows"
        )
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, **env}
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")
