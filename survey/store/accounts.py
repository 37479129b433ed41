"""Accounts, roles and what each role may see.

Passwords are hashed with Argon2id. Five wrong passwords in a row lock an account for
fifteen minutes. A partnership member is bound to one area; every read of evidence goes
through :class:`app.access.ScopedData` with the user's :class:`Scope`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, case, func, select, update
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
    # A demo visitor's scope: every page of the role may be opened, nothing may be changed.
    read_only: bool = False

    def may_see(self, area: str) -> bool:
        return not self.pooled_only and (self.areas is None or area in self.areas)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    area: str | None = None
    display_name: str | None = None
    demo: bool = False  # a demo visitor without a password: read-only

    @property
    def scope(self) -> Scope:
        scope = scope_for(self.role, self.area)
        return replace(scope, read_only=True) if self.demo else scope

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


def authenticate(
    engine: Engine, username: str, password: str, *, now: datetime | None = None
) -> Account:
    """Check a password. Repeated failures lock the account; every attempt is audited.

    Each attempt first claims one of the :data:`MAX_FAILURES` allowed tries in a single
    atomic ``UPDATE … SET failed_logins = failed_logins + 1 … RETURNING`` (the database
    serialises it: a row lock on PostgreSQL, the write lock on SQLite), and only a claimed
    attempt has its password checked. However many wrong guesses arrive at once, exactly
    :data:`MAX_FAILURES` are checked and the rest are refused as locked. A right password
    gives the claim back (the count returns to 0); the last claimed wrong one starts the
    lock. The outcome (count, lock, audit entry) is committed before :class:`LoginError`
    is raised, so a refused attempt is never rolled back."""
    now = now or datetime.now(UTC)
    name = username.strip()
    with engine.connect() as conn:
        user = conn.execute(
            select(User.id, User.username, User.password_hash, User.disabled).where(
                User.username == name
            )
        ).first()
    actor = user.username if user else (name[:100] or "?")
    if user is None or user.password_hash is None or user.disabled:
        _verify(_DUMMY_HASH, password)  # as long as a real check: the time tells nothing
        why = "disabled" if user is not None and user.disabled else "unknown user"
        return _refuse(engine, actor, why)
    claimed = _claim_attempt(engine, user.id, now)
    if claimed is None:
        _verify(_DUMMY_HASH, password)
        return _refuse(engine, actor, "locked")
    if not _verify(user.password_hash, password):
        why = "wrong password"
        if claimed >= MAX_FAILURES:
            why = "wrong password; account locked"
        return _refuse(engine, actor, why)
    values: dict = {"failed_logins": 0, "locked_until": None}
    if _HASHER.check_needs_rehash(user.password_hash):
        values["password_hash"] = _HASHER.hash(password)
    with Session(engine) as session, session.begin():
        session.execute(update(User).where(User.id == user.id).values(**values))
        audit.record(session.connection(), actor, "login", method="password")
        return _account(session.get_one(User, user.id))


_REFUSED = "wrong user name or password, or the account is locked or disabled"


def _claim_attempt(engine: Engine, user_id: int, now: datetime) -> int | None:
    """Count one attempt atomically; the attempt's number, or None while locked.

    An attempt is allowed while the account is not locked and fewer than
    :data:`MAX_FAILURES` are counted, or once a lock has run out (the count then starts
    again at 1)."""
    expired = User.locked_until.is_not(None) & (User.locked_until <= now)
    count = case((expired, 1), else_=User.failed_logins + 1)
    stmt = (
        update(User)
        .where(
            User.id == user_id,
            User.disabled.is_(False),
            User.locked_until.is_(None) | expired,
            (User.failed_logins < MAX_FAILURES) | expired,
        )
        .values(
            failed_logins=count,
            # The try that reaches the limit locks at once, before its password is checked:
            # the lock holds even if that check never finishes, and a right password lifts it.
            locked_until=case((count >= MAX_FAILURES, now + LOCK_FOR), else_=None),
        )
        .returning(User.failed_logins)
    )
    with engine.begin() as conn:
        return conn.execute(stmt).scalar_one_or_none()


def _refuse(engine: Engine, actor: str, why: str) -> Account:
    audit.record(engine, actor, "login_failed", why=why)
    raise LoginError(_REFUSED)


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
