"""Accounts: Argon2id password hashes, refused logins that say nothing about which user names
exist, locking after five wrong passwords, disabled and single-sign-on accounts, the rules for
creating an account, and the ``readiness users`` commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.orm import Session

import survey.store.accounts
from cli.main import main
from survey.store.accounts import (
    LOCK_FOR,
    MAX_FAILURES,
    AccountError,
    LoginError,
    account_for_email,
    add_user,
    authenticate,
    list_users,
    set_disabled,
)
from survey.store.models import User

PASSWORD = "correct horse battery"
WRONG = "wrong horse battery"


def stored_hash(engine, username: str) -> str | None:
    with Session(engine) as session:
        return session.scalars(select(User.password_hash).where(User.username == username)).one()


def refused(engine, username: str, password: str, **kw) -> str:
    """Log in, expecting a refusal; the message the user reads."""
    with pytest.raises(LoginError) as info:
        authenticate(engine, username, password, **kw)
    return str(info.value)


# --- passwords ----------------------------------------------------------------------------


def test_password_is_stored_as_an_argon2id_hash_never_plain(sqlite_engine):
    add_user(sqlite_engine, "ash", "partnership", password=PASSWORD, area="ASH")
    add_user(sqlite_engine, "brk", "partnership", password=PASSWORD, area="BRK")
    first, second = stored_hash(sqlite_engine, "ash"), stored_hash(sqlite_engine, "brk")
    assert first.startswith("$argon2id$")
    assert PASSWORD not in first
    assert first != second  # salted: the same password gives a different hash
    account = authenticate(sqlite_engine, "ash", PASSWORD)
    assert (account.username, account.role, account.area) == ("ash", "partnership", "ASH")
    assert account.scope.areas == frozenset({"ASH"})


def test_wrong_password_is_refused(sqlite_engine):
    add_user(sqlite_engine, "mgr", "manager", password=PASSWORD)
    refused(sqlite_engine, "mgr", WRONG)
    refused(sqlite_engine, "mgr", "")
    refused(sqlite_engine, "mgr", PASSWORD.upper())


def test_refusal_reads_the_same_whatever_the_reason(sqlite_engine):
    """No user enumeration: an unknown name, a wrong password, a locked or a disabled account
    and a single-sign-on account all get the same sentence."""
    add_user(sqlite_engine, "mgr", "manager", password=PASSWORD)
    add_user(sqlite_engine, "off", "manager", password=PASSWORD)
    set_disabled(sqlite_engine, "off", True)
    add_user(sqlite_engine, "sso", "panel", email="Sso.User@example.org")
    messages = {
        refused(sqlite_engine, "nobody", PASSWORD),
        refused(sqlite_engine, "mgr", WRONG),
        refused(sqlite_engine, "off", PASSWORD),
        refused(sqlite_engine, "sso", ""),
    }
    assert len(messages) == 1
    (message,) = messages
    assert "mgr" not in message and "nobody" not in message


def test_unknown_user_costs_a_password_check_too(sqlite_engine, monkeypatch):
    """The time taken must not tell which user names exist: an unknown name is checked
    against a hash as long as a known one."""
    add_user(sqlite_engine, "mgr", "manager", password=PASSWORD)
    checked: list[str] = []
    real = survey.store.accounts._verify

    def counting(hashed: str, password: str) -> bool:
        checked.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(survey.store.accounts, "_verify", counting)
    refused(sqlite_engine, "mgr", WRONG)
    refused(sqlite_engine, "nobody", WRONG)
    assert len(checked) == 2
    assert all(h.startswith("$argon2id$") for h in checked)


# --- locking ------------------------------------------------------------------------------


def test_five_failures_lock_the_account_for_fifteen_minutes(engine):
    add_user(engine, "ash", "partnership", password=PASSWORD, area="ASH")
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for i in range(MAX_FAILURES - 1):
        refused(engine, "ash", WRONG, now=t0 + timedelta(seconds=i))
    authenticate(engine, "ash", PASSWORD, now=t0 + timedelta(seconds=10))  # resets the count
    for i in range(MAX_FAILURES):
        refused(engine, "ash", WRONG, now=t0 + timedelta(seconds=20 + i))
    locked_at = t0 + timedelta(seconds=20 + MAX_FAILURES - 1)
    # Locked: even the right password is refused, right away and near the end of the lock.
    locked = refused(engine, "ash", PASSWORD, now=locked_at + timedelta(seconds=1))
    assert locked == refused(engine, "nobody", PASSWORD)  # a lock says no more than that
    refused(engine, "ash", PASSWORD, now=locked_at + LOCK_FOR - timedelta(seconds=5))
    # After fifteen minutes the right password works again.
    account = authenticate(engine, "ash", PASSWORD, now=locked_at + LOCK_FOR + timedelta(minutes=1))
    assert account.username == "ash"


def test_enable_unlocks_a_locked_account(sqlite_engine):
    add_user(sqlite_engine, "ash", "partnership", password=PASSWORD, area="ASH")
    now = datetime.now(UTC)
    for _ in range(MAX_FAILURES):
        refused(sqlite_engine, "ash", WRONG, now=now)
    refused(sqlite_engine, "ash", PASSWORD, now=now)
    set_disabled(sqlite_engine, "ash", False)
    assert authenticate(sqlite_engine, "ash", PASSWORD, now=now).username == "ash"


def test_disabled_account_is_refused_until_enabled(sqlite_engine):
    add_user(sqlite_engine, "mgr", "manager", password=PASSWORD, email="mgr@example.org")
    set_disabled(sqlite_engine, "mgr", True)
    refused(sqlite_engine, "mgr", PASSWORD)
    assert account_for_email(sqlite_engine, "mgr@example.org") is None  # nor by single sign-on
    set_disabled(sqlite_engine, "mgr", False)
    assert authenticate(sqlite_engine, "mgr", PASSWORD).role == "manager"
    assert account_for_email(sqlite_engine, "MGR@example.org").username == "mgr"


def test_single_sign_on_account_has_no_password_to_guess(sqlite_engine):
    add_user(sqlite_engine, "sso", "manager", email="sso@example.org")
    assert stored_hash(sqlite_engine, "sso") is None
    for attempt in ("", "None", PASSWORD):
        refused(sqlite_engine, "sso", attempt)


# --- creating accounts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "partnership"}, "bound to an area"),
        ({"role": "partnership", "area": ""}, "bound to an area"),
        ({"role": "superuser"}, "unknown role 'superuser'"),
        ({"role": "Admin"}, "unknown role"),
        ({"role": "manager", "area": "ASH"}, "only partnership members"),
        ({"role": "manager", "password": "short"}, "at least 10 characters"),
        ({"role": "manager", "password": "123456789"}, "at least 10 characters"),
        ({"role": "manager", "password": None}, "password, or an e-mail"),
        ({"role": "manager", "username": "  "}, "1 to 100 characters"),
        ({"role": "manager", "username": "x" * 101}, "1 to 100 characters"),
    ],
)
def test_invalid_accounts_are_refused_with_a_reason(sqlite_engine, kwargs, message):
    args = {"username": "someone", "password": PASSWORD, **kwargs}
    with pytest.raises(AccountError, match=message):
        add_user(sqlite_engine, args.pop("username"), args.pop("role"), **args)
    assert list_users(sqlite_engine).empty


def test_duplicate_user_name_or_email_is_refused(sqlite_engine):
    add_user(sqlite_engine, "ash", "partnership", password=PASSWORD, area="ASH")
    with pytest.raises(AccountError, match="'ash' is taken"):
        add_user(sqlite_engine, "ash", "manager", password="another password")
    with pytest.raises(AccountError, match="'ash' is taken"):
        add_user(sqlite_engine, " ash ", "manager", password="another password")
    add_user(sqlite_engine, "sso", "panel", email="Panel@Example.org")
    with pytest.raises(AccountError, match="another account uses"):
        add_user(sqlite_engine, "sso2", "panel", email="panel@example.org")
    # The first account is untouched: same role, and its password still works.
    assert authenticate(sqlite_engine, "ash", PASSWORD).role == "partnership"
    assert list(list_users(sqlite_engine)["username"]) == ["ash", "sso"]


def test_ten_character_password_is_long_enough(sqlite_engine):
    add_user(sqlite_engine, "p", "panel", password="0123456789")
    assert authenticate(sqlite_engine, "p", "0123456789").scope.pooled_only


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run ``readiness`` against a temporary SQLite file; returns (run, engine)."""
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("READINESS_DATABASE_URL", url)
    monkeypatch.setenv("READINESS_NEW_PASSWORD", PASSWORD)
    monkeypatch.delenv("READINESS_PASSWORD", raising=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input)

    return run


def plain_error(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def test_cli_users_add_list_disable_enable(cli):
    added = cli("users", "add", "ash", "--role", "partnership", "--area", "ASH", "--name", "Ash")
    assert added.exit_code == 0, added.output
    assert "Added Ash (Partnership member, ASH)" in added.output
    assert cli("users", "add", "boss", "--role", "admin").exit_code == 0

    listed = cli("users", "list")
    assert listed.exit_code == 0
    assert "ash" in listed.output and "boss" in listed.output and "partnership" in listed.output
    assert "$argon2" not in listed.output and PASSWORD not in listed.output

    from app.store import open_configured_store

    engine = open_configured_store()  # the CLI's database
    assert authenticate(engine, "ash", PASSWORD).area == "ASH"
    assert stored_hash(engine, "ash").startswith("$argon2id$")

    disabled = cli("users", "disable", "ash")
    assert disabled.exit_code == 0 and "Disabled ash" in disabled.output
    refused(engine, "ash", PASSWORD)
    enabled = cli("users", "enable", "ash")
    assert enabled.exit_code == 0 and "Enabled ash" in enabled.output
    assert authenticate(engine, "ash", PASSWORD).username == "ash"
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "add", "p", "--role", "partnership"], "bound to an area"),
        (["users", "add", "m", "--role", "manager", "--area", "ASH"], "only partnership"),
        (["users", "disable", "nobody"], "no user 'nobody'"),
        (["users", "enable", "nobody"], "no user 'nobody'"),
    ],
)
def test_cli_errors_are_plain_sentences(cli, args, message):
    output = plain_error(cli(*args))
    assert message in output
    assert "no accounts yet" in cli("users", "list").output


def test_cli_short_password_and_duplicate_name_are_refused(cli, monkeypatch):
    monkeypatch.setenv("READINESS_NEW_PASSWORD", "short")
    assert "at least 10 characters" in plain_error(cli("users", "add", "m", "--role", "manager"))
    monkeypatch.setenv("READINESS_NEW_PASSWORD", PASSWORD)
    assert cli("users", "add", "m", "--role", "manager").exit_code == 0
    assert "'m' is taken" in plain_error(cli("users", "add", "m", "--role", "panel"))


def test_cli_unknown_role_is_a_usage_error(cli):
    output = plain_error(cli("users", "add", "x", "--role", "superuser"), code=2)
    assert "superuser" in output and "admin" in output


def test_cli_prompts_for_the_password_without_echoing_it(cli, monkeypatch):
    monkeypatch.delenv("READINESS_NEW_PASSWORD")
    result = cli("users", "add", "m", "--role", "manager", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    result = cli("users", "add", "n", "--role", "manager", input="tiny\ntiny\n")
    assert "at least 10 characters" in plain_error(result)
