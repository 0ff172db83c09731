"""source profiles: a column mapping saved per force, kind and layout of file

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["force_id"], ["forces.id"],
                                name=op.f("fk_source_profiles_force_id_forces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_profiles")),
        sa.UniqueConstraint("force_id", "kind", "signature", name="uq_source_profiles"),
    )


def downgrade() -> None:
    op.drop_table("source_profiles")
