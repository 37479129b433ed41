"""survey link limits (expiry, response cap) and respondents' saved unfinished answers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_links") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("max_responses", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("responses", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "survey_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["survey_links.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_survey_drafts_expires_at", "survey_drafts", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_survey_drafts_expires_at", table_name="survey_drafts")
    op.drop_table("survey_drafts")
    with op.batch_alter_table("survey_links") as batch:
        batch.drop_column("responses")
        batch.drop_column("max_responses")
        batch.drop_column("expires_at")
