"""milestones: each force's register of plan steps for a recommendation, with evidence

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["force_id"], ["forces.id"],
                                name=op.f("fk_milestones_force_id_forces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
        sa.UniqueConstraint("force_id", "key", name="uq_milestones_force_key"),
    )
    op.create_table(
        "milestone_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_milestone_files")),
    )
    op.create_table(
        "milestone_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("uploaded_by", sa.String(length=120), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestones.id"], ondelete="CASCADE",
                                name=op.f("fk_milestone_evidence_milestone_id_milestones")),
        sa.ForeignKeyConstraint(["sha256"], ["milestone_files.sha256"],
                                name=op.f("fk_milestone_evidence_sha256_milestone_files")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_evidence")),
        sa.UniqueConstraint("milestone_id", "sha256", name="uq_milestone_evidence"),
    )


def downgrade() -> None:
    op.drop_table("milestone_evidence")
    op.drop_table("milestone_files")
    op.drop_table("milestones")
