"""Accounts, roles and what each role may see.

Passwords are hashed with Argon2id. Five wrong passwords in a row lock an account for
fifteen minutes. A partnership member is bound to one area; every read of evidence goes
through :class:`app.access.ScopedData` with the user's :class:`Scope`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from instruments.errors import ReadinessError
from survey.store import audit
from survey.store.models import User

ROLES = {
    "admin": "Administrator",
    "manager": "Engagement manager",
    "partnership": "Partnership member",
    "panel": "Academic panel member",
}
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD = 10
_HASHER = PasswordHasher()
# Checked against when there is no hash to check, so that an unknown user name takes as
# long to refuse as a wrong password (the time taken must not tell which names exist).
_DUMMY_HASH = _HASHER.hash("no account has this password")


class AccountError(ReadinessError):
    """An account cannot be created or changed; the message says why."""


class LoginError(ReadinessError):
    """Login refused. The message never says whether the user name exists."""


@dataclass(frozen=True)
class Scope:
    """What a user may see.

    ``areas`` None means every area; ``pooled_only`` (the panel) means no single area's
    profile, only pooled, pseudonymised data; ``free_text`` and ``quotes`` gate open
    answers and interview quotes."""

    role: str
    areas: frozenset[str] | None
    pooled_only: bool = False
    free_text: bool = False
    quotes: bool = False
    can_import: bool = False
    can_admin: bool = False

    def may_see(self, area: str) -> bool:
        return not self.pooled_only and (self.areas is None or area in self.areas)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    area: str | None = None
    display_name: str | None = None

    @property
    def scope(self) -> Scope:
        return scope_for(self.role, self.area)

    @property
    def label(self) -> str:
        who = self.display_name or self.username
        where = f", {self.area}" if self.area else ""
        return f"{who} ({ROLES[self.role]}{where})"


def scope_for(role: str, area: str | None = None) -> Scope:
    if role == "admin":
        return Scope(role, None, free_text=True, quotes=True, can_import=True, can_admin=True)
    if role == "manager":
        return Scope(role, None, free_text=True, quotes=True, can_import=True)
    if role == "partnership":
        if not area:
            raise AccountError("a partnership member must be bound to an area")
        return Scope(role, frozenset({area}), free_text=True)
    if role == "panel":
        return Scope(role, None, pooled_only=True)
    raise AccountError(f"unknown role '{role}' (roles: {', '.join(ROLES)})")


def _account(user: User) -> Account:
    return Account(user.username, user.role, user.area_code, user.display_name)


def add_user(
    engine: Engine,
    username: str,
    role: str,
    *,
    password: str | None = None,
    area: str | None = None,
    email: str | None = None,
    display_name: str | None = None,
    actor: str = "cli",
) -> Account:
    """Create an account. Local accounts need a password of at least 10 characters;
    single-sign-on accounts are matched by e-mail and have none."""
    username = username.strip()
    if not username or len(username) > 100:
        raise AccountError("the user name must be 1 to 100 characters")
    scope_for(role, area)
    if role != "partnership" and area:
        raise AccountError("only partnership members are bound to an area")
    if password is None and not email:
        raise AccountError("give a password, or an e-mail address for single sign-on")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters")
    with Session(engine) as session, session.begin():
        taken = session.scalar(select(func.count()).where(User.username == username))
        if taken:
            raise AccountError(f"the user name '{username}' is taken")
        if email and session.scalar(select(func.count()).where(User.email == email.lower())):
            raise AccountError(f"another account uses {email}")
        user = User(
            username=username,
            role=role,
            area_code=area,
            email=email.lower() if email else None,
            display_name=display_name,
            password_hash=_HASHER.hash(password) if password is not None else None,
            disabled=False,
            failed_logins=0,
        )
        session.add(user)
        audit.record(session.connection(), actor, "user_added", area=area, user=username, role=role)
        return _account(user)


def set_disabled(engine: Engine, username: str, disabled: bool, *, actor: str = "cli") -> None:
    with Session(engine) as session, session.begin():
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise AccountError(f"no user '{username}'")
        user.disabled = disabled
        user.failed_logins = 0
        user.locked_until = None
        action = "user_disabled" if disabled else "user_enabled"
        audit.record(session.connection(), actor, action, user=username)


def list_users(engine: Engine) -> pd.DataFrame:
    stmt = select(
        User.username,
        User.display_name,
        User.role,
        User.area_code,
        User.email,
        User.disabled,
        User.locked_until,
        User.created_at,
    ).order_by(User.username)
    with engine.connect() as conn:
        rows = conn.execute(stmt).fetchall()
    return pd.DataFrame(
        rows,
        columns=[
            "username",
            "name",
            "role",
            "area",
            "email",
            "disabled",
            "locked_until",
            "created",
        ],
    )


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(User)).scalar_one())


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def authenticate(
    engine: Engine, username: str, password: str, *, now: datetime | None = None
) -> Account:
    """Check a password. Repeated failures lock the account; every attempt is audited.

    The failure is committed (count, lock, audit entry) before :class:`LoginError` is
    raised, so a refused attempt is never rolled back."""
    now = now or datetime.now(UTC)
    account, why = None, None
    with Session(engine) as session, session.begin():
        user = session.scalars(select(User).where(User.username == username.strip())).first()
        actor = user.username if user else (username.strip()[:100] or "?")
        locked = _aware(user.locked_until) if user else None
        stored = user.password_hash if user is not None else None
        correct = _verify(stored or _DUMMY_HASH, password) and stored is not None
        if user is None or user.password_hash is None:
            why = "unknown user"
        elif user.disabled:
            why = "disabled"
        elif locked and locked > now:
            why = "locked"
        elif not correct:
            why = "wrong password"
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + LOCK_FOR
                user.failed_logins = 0
                why = "wrong password; account locked"
        else:
            user.failed_logins = 0
            user.locked_until = None
            if _HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = _HASHER.hash(password)
            account = _account(user)
        if account is None:
            audit.record(session.connection(), actor, "login_failed", why=why)
        else:
            audit.record(session.connection(), actor, "login", method="password")
    if account is None:
        raise LoginError("wrong user name or password, or the account is locked or disabled")
    return account


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def account_for_email(engine: Engine, email: str) -> Account | None:
    """The enabled account matching a single-sign-on identity's e-mail address."""
    with Session(engine) as session:
        user = session.scalars(
            select(User).where(User.email == email.lower(), User.disabled.is_(False))
        ).first()
        return _account(user) if user else None
