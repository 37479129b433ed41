"""initial evidence store

Revision ID: 0001
Revises:
Create Date: 2026-11-21 08:08:25.740297
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("area_id", "name"),
    )
    op.create_table(
        "waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("area_id", "label"),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("instrument_key", sa.String(length=60), nullable=False),
        sa.Column("instrument_version", sa.String(length=20), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["waves.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash"),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("instrument_key", sa.String(length=60), nullable=False),
        sa.Column("instrument_version", sa.String(length=20), nullable=False),
        sa.Column("respondent_key", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=60), nullable=False),
        sa.Column("role_level", sa.String(length=60), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("co_located", sa.Boolean(), nullable=True),
        sa.Column("multi_agency_team", sa.Boolean(), nullable=True),
        sa.Column("group_key", sa.String(length=60), nullable=True),
        sa.Column("coder", sa.String(length=60), nullable=True),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["waves.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wave_id", "instrument_key", "respondent_key"),
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_responses_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_responses_sector"), ["sector"], unique=False)
        batch_op.create_index(batch_op.f("ix_responses_wave_id"), ["wave_id"], unique=False)

    op.create_table(
        "answers",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
        ),
        sa.PrimaryKeyConstraint("response_id", "item_id"),
    )
    op.create_table(
        "interview_codes",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=60), nullable=False),
        sa.Column("rater_sector", sa.String(length=60), nullable=True),
        sa.Column("target_sector", sa.String(length=60), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
        ),
        sa.PrimaryKeyConstraint("response_id", "slot"),
    )
    op.create_table(
        "interview_ratings",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=60), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
        ),
        sa.PrimaryKeyConstraint("response_id", "dimension"),
    )
    op.create_table(
        "vignette_decisions",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("vignette", sa.String(length=60), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
        ),
        sa.PrimaryKeyConstraint("response_id", "vignette"),
    )
    op.create_table(
        "workshop_cards",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("pillar", sa.String(length=60), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
        ),
        sa.PrimaryKeyConstraint("response_id", "slot"),
    )


def downgrade() -> None:
    op.drop_table("workshop_cards")
    op.drop_table("vignette_decisions")
    op.drop_table("interview_ratings")
    op.drop_table("interview_codes")
    op.drop_table("answers")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responses_wave_id"))
        batch_op.drop_index(batch_op.f("ix_responses_sector"))
        batch_op.drop_index(batch_op.f("ix_responses_batch_id"))

    op.drop_table("responses")
    op.drop_table("import_batches")
    op.drop_table("waves")
    op.drop_table("organisations")
    op.drop_table("areas")
