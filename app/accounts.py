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
    "ROLES",
    "Account",
    "AccountError",
    "LoginError",
    "Scope",
    "add_user",
    "audit_entries",
    "demo_account",
    "has_users",
    "is_demo",
    "list_users",
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


def demo_account(role: str, area: str | None = None) -> Account:
    """A stand-in account of ``role`` for the demo (sample data only; no password)."""
    return Account(f"{DEMO_PREFIX}{role}", role, area, f"Demo {ROLES[role].lower()}")


def is_demo(account: Account) -> bool:
    return account.username.startswith(DEMO_PREFIX)


def sign_out(engine: Engine, account: Account) -> None:
    if not is_demo(account):
        audit.record(engine, account.username, "logout")


def audit_entries(engine: Engine, *, limit: int = 50) -> pd.DataFrame:
    """The newest audit-log entries (for ``readiness audit``, run on the server)."""
    return audit.entries(engine, limit=limit)
