"""stored profiles and packed wave vectors (derived read stores)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_profiles",
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("data_key", sa.String(length=64), nullable=False),
        sa.Column("rules_key", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("area_code", "data_key", "rules_key"),
    )
    op.create_table(
        "wave_vectors",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("instrument_key", sa.String(length=60), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("response_ids", sa.LargeBinary(), nullable=False),
        sa.Column("answer_values", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["waves.id"]),
        sa.PrimaryKeyConstraint("wave_id", "instrument_key"),
    )


def downgrade() -> None:
    op.drop_table("wave_vectors")
    op.drop_table("stored_profiles")
