"""Signing in and managing accounts, as the dashboard and the command line do it: local
passwords, single sign-on by e-mail, and the demo's stand-in accounts. Every sign-in and
sign-out is audited."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from survey.store import audit
from survey.store.accounts import (
    ROLES,
    Account,
    AccountError,
    LoginError,
    Scope,
    account_for_email,
    add_user,
    authenticate,
    has_users,
    list_users,
    set_disabled,
)

__all__ = [
    "DEMO_PREFIX",
    "DEMO_READ_ONLY",
    "ROLES",
    "Account",
    "AccountError",
    "LoginError",
    "Scope",
    "add_user",
    "audit_entries",
    "demo_account",
    "enter_demo",
    "has_users",
    "is_demo",
    "list_users",
    "may_change",
    "set_disabled",
    "sign_in",
    "sign_in_sso",
    "sign_out",
]

DEMO_PREFIX = "demo:"


def sign_in(engine: Engine, username: str, password: str) -> Account:
    """A local account after checking its password (:class:`LoginError` if refused)."""
    return authenticate(engine, username, password)


def sign_in_sso(engine: Engine, email: str) -> Account | None:
    """The enabled account matching a single-sign-on identity's e-mail address."""
    found = account_for_email(engine, email)
    if found is not None:
        audit.record(engine, found.username, "login", method="sso")
    return found


DEMO_READ_ONLY = (
    "demo mode is read-only: nothing can be imported, opened or changed without an account"
)


def demo_account(role: str, area: str | None = None) -> Account:
    """A stand-in account of ``role`` for the demo (sample data only; no password). It may
    open every page of its role and change nothing (its scope is ``read_only``)."""
    return Account(f"{DEMO_PREFIX}{role}", role, area, f"Demo {ROLES[role].lower()}", demo=True)


def enter_demo(engine: Engine, role: str, area: str | None = None) -> Account:
    """The demo account of ``role``, its entry audited."""
    account = demo_account(role, area)
    audit.record(engine, account.username, "demo_entered", area=area, role=role)
    return account


def is_demo(account: Account) -> bool:
    return account.demo or account.username.startswith(DEMO_PREFIX)


def may_change(account: Account) -> None:
    """Refuse (:class:`AccountError`) any change asked for by a read-only demo account."""
    if account.scope.read_only or is_demo(account):
        raise AccountError(DEMO_READ_ONLY)


def sign_out(engine: Engine, account: Account) -> None:
    if not is_demo(account):
        audit.record(engine, account.username, "logout")


def audit_entries(engine: Engine, *, limit: int = 50) -> pd.DataFrame:
    """The newest audit-log entries (for ``readiness audit``, run on the server)."""
    return audit.entries(engine, limit=limit)
