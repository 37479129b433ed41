"""The audit log: who did what and when for logins (refused ones with their reason), account
changes, imports and exports; and the database itself refusing to change or delete an entry,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import needs_postgres
from helpers import filled_rows, write_csv
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.access import ScopedData
from app.evidence import ImportRejected, import_file
from cli.main import main
from survey.store import audit
from survey.store.accounts import MAX_FAILURES, LoginError, add_user, authenticate, set_disabled

PASSWORD = "correct horse battery"


def log(engine) -> list[dict]:
    """Every entry, oldest first, with its detail parsed."""
    frame = audit.entries(engine, limit=10_000).iloc[::-1]
    frame = frame.astype(object).where(frame.notna(), None)
    return [{**row, "detail": json.loads(row["detail"])} for row in frame.to_dict("records")]


def recent(moment) -> bool:
    at = pd.Timestamp(moment)
    at = at.tz_localize(UTC) if at.tzinfo is None else at
    return abs(pd.Timestamp.now(tz=UTC) - at) < timedelta(minutes=5)


def failed(engine, username, password, **kw) -> None:
    with pytest.raises(LoginError):
        authenticate(engine, username, password, **kw)


def test_logins_and_refusals_are_audited_with_who_when_and_why(engine):
    add_user(engine, "ash", "partnership", password=PASSWORD, area="ASH", actor="boss")
    add_user(engine, "off", "manager", password=PASSWORD)
    set_disabled(engine, "off", True, actor="boss")
    authenticate(engine, "ash", PASSWORD)
    failed(engine, "ash", "not the password")
    failed(engine, "nobody", PASSWORD)
    failed(engine, "off", PASSWORD)
    now = datetime.now(UTC)
    for _ in range(MAX_FAILURES - 1):
        failed(engine, "ash", "not the password", now=now)
    failed(engine, "ash", PASSWORD, now=now)

    entries = log(engine)
    assert all(recent(e["at"]) for e in entries)
    logins = [(e["actor"], e["action"], e["detail"].get("why")) for e in entries]
    wrong = ("ash", "login_failed", "wrong password")
    assert logins[-9:] == [
        ("ash", "login", None),
        wrong,
        ("nobody", "login_failed", "unknown user"),
        ("off", "login_failed", "disabled"),
        wrong,
        wrong,
        wrong,
        ("ash", "login_failed", "wrong password; account locked"),  # the fifth in a row
        ("ash", "login_failed", "locked"),
    ]
    assert entries[-9]["detail"] == {"method": "password"}
    # Nobody's password reaches the log.
    assert not any(PASSWORD in str(e) or "not the password" in str(e) for e in entries)


def test_account_changes_are_audited(sqlite_engine):
    add_user(sqlite_engine, "ash", "partnership", password=PASSWORD, area="ASH", actor="boss")
    set_disabled(sqlite_engine, "ash", True, actor="boss")
    set_disabled(sqlite_engine, "ash", False, actor="cli")
    entries = log(sqlite_engine)
    assert [(e["actor"], e["action"], e["area"]) for e in entries] == [
        ("boss", "user_added", "ASH"),
        ("boss", "user_disabled", None),
        ("cli", "user_enabled", None),
    ]
    assert entries[0]["detail"] == {"user": "ash", "role": "partnership"}
    assert entries[1]["detail"] == {"user": "ash"}
    assert all(recent(e["at"]) for e in entries)


def survey_file(catalogue, path, n=6):
    header, rows = filled_rows(catalogue, "staff_survey", n)
    return write_csv(path, header, rows)


def test_imports_are_audited_with_file_rows_and_instrument(engine, catalogue, tmp_path):
    path = survey_file(catalogue, tmp_path / "north_2026.csv")
    result = import_file(
        engine,
        path,
        instrument="staff_survey",
        area="NTH",
        wave="2026-1",
        catalogue=catalogue,
        imported_by="alice",
    )
    (entry,) = [e for e in log(engine) if e["action"] == "import"]
    assert (entry["actor"], entry["area"]) == ("alice", "NTH")
    assert entry["detail"] == {
        "file": "north_2026.csv",
        "rows": 6,
        "instrument": "staff_survey",
        "version": result.instrument_version,
        "wave": "2026-1",
        "batch": result.batch_id,
    }
    assert recent(entry["at"])


def test_a_rejected_import_is_audited_and_leaves_no_import_entry(
    sqlite_engine, catalogue, tmp_path
):
    header, rows = filled_rows(catalogue, "staff_survey", 3)
    rows[1][header.index("sector")] = "not_a_sector"
    path = write_csv(tmp_path / "bad.csv", header, rows)
    with pytest.raises(ImportRejected):
        import_file(
            sqlite_engine,
            path,
            instrument="staff_survey",
            area="NTH",
            wave="2026-1",
            catalogue=catalogue,
            imported_by="alice",
        )
    entries = log(sqlite_engine)
    assert [e["action"] for e in entries] == ["import_rejected"]
    assert entries[0]["actor"] == "alice"
    assert entries[0]["detail"]["file"] == "bad.csv"
    assert entries[0]["detail"]["problems"] == 1


def test_an_import_that_fails_while_writing_leaves_no_audit_entry(
    sqlite_engine, catalogue, tmp_path
):
    """The entry is written in the import's own transaction: no import, no entry."""
    path = survey_file(catalogue, tmp_path / "a.csv")
    kw = {"instrument": "staff_survey", "area": "NTH", "wave": "2026-1", "catalogue": catalogue}
    import_file(sqlite_engine, path, **kw)
    header, rows = filled_rows(catalogue, "staff_survey", 6)
    rows[0][header.index("organisation")] = "a different file, same respondents"
    clash = write_csv(tmp_path / "b.csv", header, rows)
    with pytest.raises(ImportRejected, match="already imported in this wave"):
        import_file(sqlite_engine, clash, **kw)
    assert [e["detail"]["file"] for e in log(sqlite_engine) if e["action"] == "import"] == ["a.csv"]


def test_exports_are_audited_with_who_and_what(sqlite_engine, catalogue, tmp_path):
    import_file(
        sqlite_engine,
        survey_file(catalogue, tmp_path / "s.csv", n=12),
        instrument="staff_survey",
        area="NTH",
        wave="2026-1",
        catalogue=catalogue,
    )
    add_user(sqlite_engine, "nth", "partnership", password=PASSWORD, area="NTH")
    add_user(sqlite_engine, "prof", "panel", password=PASSWORD)
    ScopedData(
        sqlite_engine, authenticate(sqlite_engine, "nth", PASSWORD), catalogue
    ).export_profile_csv("NTH")
    ScopedData(
        sqlite_engine, authenticate(sqlite_engine, "prof", PASSWORD), catalogue
    ).export_microdata_csv("k" * 32)
    exports = [e for e in log(sqlite_engine) if e["action"] == "export"]
    assert [(e["actor"], e["area"], e["detail"]) for e in exports] == [
        ("nth", "NTH", {"what": "profile"}),
        ("prof", None, {"what": "microdata"}),
    ]
    assert all(recent(e["at"]) for e in exports)
    assert not any("k" * 32 in str(e) for e in log(sqlite_engine))  # the key is never logged


def test_unknown_action_is_refused():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(None, "x", "coffee")


def test_entries_filter_by_action_newest_first(sqlite_engine):
    for actor in ("a", "b", "c"):
        audit.record(sqlite_engine, actor, "logout")
    audit.record(sqlite_engine, "d", "login", method="password")
    assert list(audit.entries(sqlite_engine, action="logout")["actor"]) == ["c", "b", "a"]
    assert list(audit.entries(sqlite_engine, limit=2)["actor"]) == ["d", "c"]


# --- append-only ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'someone else'",
        "UPDATE audit_log SET detail = '{}' WHERE action = 'login_failed'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE action = 'login_failed'",
    ],
)
def test_the_database_refuses_to_change_or_delete_entries(engine, statement):
    add_user(engine, "ash", "partnership", password=PASSWORD, area="ASH")
    failed(engine, "ash", "guess")
    before = audit.entries(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    pd.testing.assert_frame_equal(audit.entries(engine), before)
    audit.record(engine, "ash", "logout")  # still open for appending
    assert len(audit.entries(engine)) == len(before) + 1


@needs_postgres
def test_postgres_refuses_truncating_the_log(pg_engine):
    audit.record(pg_engine, "x", "logout")
    with pytest.raises(DBAPIError, match="append-only"), pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    assert len(audit.entries(pg_engine)) == 1


def test_cli_audit_shows_the_newest_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    runner = CliRunner()
    assert "the audit log is empty" in runner.invoke(main, ["audit"]).output
    monkeypatch.setenv("READINESS_NEW_PASSWORD", PASSWORD)
    assert runner.invoke(main, ["users", "add", "boss", "--role", "admin"]).exit_code == 0
    monkeypatch.setenv("READINESS_PASSWORD", "not the password")
    refused = runner.invoke(
        main,
        [
            "export",
            "microdata",
            "--user",
            "boss",
            "--key",
            "k" * 32,
            "--out",
            str(tmp_path / "m.csv"),
        ],
    )
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    result = runner.invoke(main, ["audit", "--limit", "5"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "login_failed" in lines[1] and "boss" in lines[1] and "wrong password" in lines[1]
    assert "user_added" in lines[2]
    assert not (tmp_path / "m.csv").exists()
