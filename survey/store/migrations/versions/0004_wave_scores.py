"""wave scores

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 09:07:56.156466
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wave_scores",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=60), nullable=False),
        sa.Column("estimate", sa.Float(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["waves.id"],
        ),
        sa.PrimaryKeyConstraint("wave_id", "measure"),
    )


def downgrade() -> None:
    op.drop_table("wave_scores")
