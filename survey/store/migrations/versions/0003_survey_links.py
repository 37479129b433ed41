"""survey links (the web survey's open waves)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 08:47:57.433752
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("wave_label", sa.String(length=40), nullable=False),
        sa.Column("instrument_key", sa.String(length=60), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )


def downgrade() -> None:
    op.drop_table("survey_links")
