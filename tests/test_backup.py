"""``readiness backup`` and ``readiness restore``: a backup taken while an import is being
written holds every committed answer and account (and the running import whole or not at
all), and restores them."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from conftest import needs_postgres
from helpers import count_rows, filled_rows, write_csv

import app.evidence
import survey.store.accounts
from app import store
from app.evidence import import_file
from cli.main import main
from survey.store.accounts import add_user, authenticate, list_users
from survey.store.backup import BackupError
from survey.store.engine import open_store

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(survey.store.accounts, "_HASHER", quick)


def survey_file(catalogue, path, n, start=0):
    header, rows = filled_rows(catalogue, "staff_survey", start + n)
    return write_csv(path, header, rows[start:])


def test_a_backup_taken_during_an_import_restores_every_committed_answer_and_account(
    engine, catalogue, tmp_path, monkeypatch
):
    import_file(
        engine,
        survey_file(catalogue, tmp_path / "a.csv", 50),
        instrument="staff_survey",
        area="ASH",
        wave="2026-1",
        catalogue=catalogue,
    )
    add_user(engine, "boss", "admin", password=PASSWORD)
    committed = count_rows(engine)
    started = threading.Event()
    real = app.evidence.derive_for

    def slow_derive_for(cat):  # holds the import's transaction open while the backup runs
        derive = real(cat)

        def slow(conn, wave_id, instrument, rows):
            derive(conn, wave_id, instrument, rows)
            started.set()
            time.sleep(1.5)

        return slow

    monkeypatch.setattr(app.evidence, "derive_for", slow_derive_for)
    running = threading.Thread(
        target=import_file,
        args=(engine, survey_file(catalogue, tmp_path / "b.csv", 400, start=50)),
        kwargs={
            "instrument": "staff_survey",
            "area": "ASH",
            "wave": "2026-2",
            "catalogue": catalogue,
        },
    )
    running.start()
    assert started.wait(60)
    add_user(engine, "late", "manager", password=PASSWORD)  # committed during the import
    out = tmp_path / ("backup.dump" if engine.dialect.name == "postgresql" else "backup.db")
    said = store.backup(engine, out)
    running.join()
    assert "Backed up" in said
    everything = count_rows(engine)
    restored_into = (
        open_store(f"sqlite:///{tmp_path / 'restored.db'}")
        if (engine.dialect.name == "sqlite")
        else engine
    )
    store.restore(restored_into, out)
    got = count_rows(restored_into)
    assert got in (committed, everything), got  # the running import whole, or not at all
    assert set(list_users(restored_into).username) == {"boss", "late"}
    assert authenticate(restored_into, "late", PASSWORD).role == "manager"
    if restored_into is not engine:
        restored_into.dispose()


def test_backup_refuses_to_overwrite_and_restore_refuses_a_stranger(sqlite_engine, tmp_path):
    out = tmp_path / "b.db"
    out.write_text("keep me")
    with pytest.raises(BackupError, match="already exists"):
        store.backup(sqlite_engine, out)
    assert out.read_text() == "keep me"
    with pytest.raises(BackupError, match="not a backup"):
        store.restore(sqlite_engine, out)


def test_the_commands_back_up_and_restore(tmp_path, monkeypatch, catalogue):
    db = tmp_path / "live.db"
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{db}")
    engine = open_store(f"sqlite:///{db}")
    add_user(engine, "boss", "admin", password=PASSWORD)
    runner = CliRunner()
    result = runner.invoke(main, ["backup", "--out", str(tmp_path / "b.db")])
    assert result.exit_code == 0, result.output
    add_user(engine, "after", "manager", password=PASSWORD)
    engine.dispose()
    result = runner.invoke(main, ["restore", str(tmp_path / "b.db"), "--yes"])
    assert result.exit_code == 0, result.output
    engine = open_store(f"sqlite:///{db}")
    assert list(list_users(engine).username) == ["boss"]
    engine.dispose()
    result = runner.invoke(main, ["restore", str(tmp_path / "b.db")], input="n\n")
    assert result.exit_code == 1  # not confirmed: nothing happens


@needs_postgres
def test_postgres_backup_needs_the_client_tools(pg_engine, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BackupError, match="postgresql-client"):
        store.backup(pg_engine, tmp_path / "b.dump")
