"""action plans (joint actions on weak sector pairs, pillars and gates)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("wave_label", sa.String(length=40), nullable=True),
        sa.Column("about", sa.String(length=20), nullable=False),
        sa.Column("sector_a", sa.String(length=60), nullable=True),
        sa.Column("sector_b", sa.String(length=60), nullable=True),
        sa.Column("pillar", sa.String(length=60), nullable=True),
        sa.Column("gate", sa.String(length=60), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_role", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_action_plans_area_code"), "action_plans", ["area_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_action_plans_area_code"), table_name="action_plans")
    op.drop_table("action_plans")
