"""audit log guards

The audit log was append-only against UPDATE and DELETE; on SQLite ``INSERT OR REPLACE``
(or ``REPLACE INTO``) with an existing id still removed the old entry, because SQLite's
REPLACE deletes without firing DELETE triggers. A BEFORE INSERT trigger now refuses any
entry whose id is taken. On PostgreSQL nobody but the owner keeps the right to change or
empty the table (``readiness db grant`` gives the app its own role without ownership).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:50:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SQLITE_UP = [
    """CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
       WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
_POSTGRES_UP = ["REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC"]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _SQLITE_UP, "postgresql": _POSTGRES_UP}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
