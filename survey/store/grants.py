"""The PostgreSQL role the application runs as: it may read and write the evidence, but it
does not own any table, so it can neither disable the audit log's triggers nor change, delete
or empty its entries. The owner (who runs the migrations) creates it with
``readiness db grant ROLE``; run it again after ``readiness db upgrade`` adds a table."""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from instruments.errors import ReadinessError

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
APPEND_ONLY = ("audit_log",)
READ_ONLY = ("alembic_version",)


class GrantError(ReadinessError):
    """The application role cannot be created or granted; the message says why."""


def grant_app_role(engine: Engine, role: str, *, password: str | None = None) -> list[str]:
    """Create (or bring up to date) the login role the application connects as, on the
    database of ``engine`` (connected as its owner). Returns the statements run.

    The role gets SELECT, INSERT, UPDATE and DELETE on every table, except the audit log
    (SELECT and INSERT only) and the migration version (SELECT only), and the sequences the
    inserts need. It owns nothing, so ``ALTER TABLE … DISABLE TRIGGER`` is refused to it."""
    if engine.dialect.name != "postgresql":
        raise GrantError(
            "roles exist only on PostgreSQL; an embedded SQLite file is protected by its "
            "file permissions (and its audit-log triggers)"
        )
    if not _ROLE_NAME.match(role):
        raise GrantError(
            f"'{role[:80]}' is not a usable role name: lower-case letters, digits and _, "
            "starting with a letter or _, at most 63 characters"
        )
    with engine.begin() as conn:
        owner = conn.execute(text("SELECT current_user")).scalar_one()
        if role == owner:
            raise GrantError(
                f"'{role}' is the role that owns the tables; the application needs its own"
            )
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first()
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        statements = []
        if not exists:
            statements.append(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB')
        if password is not None:
            literal = conn.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
            statements.append(f'ALTER ROLE "{role}" PASSWORD {literal}')
        statements += [
            f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
            f'GRANT USAGE ON SCHEMA public TO "{role}"',
            f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
        ]
        for table in sorted(tables):
            statements.append(f'REVOKE ALL ON "{table}" FROM "{role}"')
            if table in APPEND_ONLY:
                rights = "SELECT, INSERT"
            elif table in READ_ONLY:
                rights = "SELECT"
            else:
                rights = "SELECT, INSERT, UPDATE, DELETE"
            statements.append(f'GRANT {rights} ON "{table}" TO "{role}"')
        for statement in statements:
            conn.exec_driver_sql(statement)
    return [
        s if "PASSWORD" not in s else s.split(" PASSWORD")[0] + " PASSWORD …" for s in statements
    ]
