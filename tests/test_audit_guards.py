"""The audit log cannot be rewritten: not by SQLite's REPLACE, not by PostgreSQL's
ON CONFLICT, and not by the role the application runs as (``readiness db grant``), which owns
nothing and so cannot disable the triggers."""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner
from conftest import needs_postgres
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from cli.main import main
from survey.store import audit
from survey.store.accounts import add_user, authenticate
from survey.store.engine import open_store
from survey.store.grants import GrantError, grant_app_role


def first_entry(engine) -> tuple:
    with engine.connect() as conn:
        return tuple(
            conn.execute(text("SELECT id, actor, action FROM audit_log WHERE id = 1")).one()
        )


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT OR REPLACE INTO audit_log (id, at, actor, action, detail) "
        "VALUES (1, '2026-01-01', 'someone', 'login', '{}')",
        "REPLACE INTO audit_log (id, at, actor, action, detail) "
        "VALUES (1, '2026-01-01', 'someone', 'login', '{}')",
        "INSERT INTO audit_log (id, at, actor, action, detail) "
        "VALUES (1, '2026-01-01', 'someone', 'login', '{}') "
        "ON CONFLICT (id) DO UPDATE SET actor = excluded.actor",
    ],
)
def test_sqlite_refuses_to_replace_an_entry(sqlite_engine, statement):
    audit.record(sqlite_engine, "ash", "login", method="password")
    before = first_entry(sqlite_engine)
    with pytest.raises(DBAPIError, match="append-only"), sqlite_engine.begin() as conn:
        conn.execute(text(statement))
    assert first_entry(sqlite_engine) == before == (1, "ash", "login")


@needs_postgres
def test_postgres_refuses_an_upsert_over_an_entry(pg_engine):
    audit.record(pg_engine, "ash", "login", method="password")
    with pytest.raises(DBAPIError, match="append-only"), pg_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, detail) "
                "VALUES (1, now(), 'someone', 'login', '{}') "
                "ON CONFLICT (id) DO UPDATE SET actor = excluded.actor"
            )
        )
    assert first_entry(pg_engine) == (1, "ash", "login")


@pytest.fixture
def app_role(pg_engine):
    """A role made by ``grant_app_role`` and an engine connected as it; dropped afterwards."""
    role = f"readiness_app_{uuid.uuid4().hex[:8]}"
    password = "an app password"
    grant_app_role(pg_engine, role, password=password)
    url = pg_engine.url.set(username=role, password=password)
    app = create_engine(url)
    try:
        yield app
    finally:
        app.dispose()
        with pg_engine.begin() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')


@needs_postgres
@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "DROP TABLE audit_log",
        "UPDATE alembic_version SET version_num = '0001'",
    ],
)
def test_the_app_role_cannot_touch_the_audit_log(pg_engine, app_role, statement):
    audit.record(pg_engine, "ash", "login", method="password")
    with pytest.raises(DBAPIError, match=r"owner|permission denied"), app_role.begin() as conn:
        conn.exec_driver_sql(statement)
    assert first_entry(pg_engine) == (1, "ash", "login")


@needs_postgres
def test_the_app_role_can_do_everything_the_app_does(pg_engine, app_role):
    same = open_store(app_role.url.render_as_string(hide_password=False))  # at head: no DDL
    try:
        add_user(same, "ash", "manager", password="correct horse battery")
        assert authenticate(same, "ash", "correct horse battery").username == "ash"
        audit.record(same, "ash", "logout")
        assert list(audit.entries(same).action) == ["logout", "login", "user_added"]
    finally:
        same.dispose()


def test_grant_is_refused_on_sqlite_with_a_reason(sqlite_engine, tmp_path, monkeypatch):
    with pytest.raises(GrantError, match="only on PostgreSQL"):
        grant_app_role(sqlite_engine, "readiness_app")
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    result = CliRunner().invoke(main, ["db", "grant", "readiness_app"])
    assert result.exit_code == 1 and "only on PostgreSQL" in result.output


@needs_postgres
@pytest.mark.parametrize("name", ['x"; DROP TABLE users; --', "Robert", "1abc", "a" * 64])
def test_grant_refuses_a_role_name_that_is_not_plain(pg_engine, name):
    with pytest.raises(GrantError, match="not a usable role name"):
        grant_app_role(pg_engine, name)
