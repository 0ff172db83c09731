"""referrals and intel_submissions: recommendation 2's NCCU referral and intelligence
submission logs, each row tied to the import batch that first reported it

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _log_table(name: str, date_column: str, extra: list[sa.Column]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column(date_column, sa.Date(), nullable=False),
        sa.Column("officer", sa.String(length=40), nullable=True),
        *extra,
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["force_id"], ["forces.id"],
                                name=op.f(f"fk_{name}_force_id_forces")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"],
                                name=op.f(f"fk_{name}_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("force_id", "reference", name=f"uq_{name}_force_reference"),
    )
    op.create_index(f"ix_{name}_batch", name, ["batch_id"])


def upgrade() -> None:
    _log_table("referrals", "referred_on", [
        sa.Column("nccu_reference", sa.String(length=100), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True)])
    _log_table("intel_submissions", "submitted_on", [
        sa.Column("linked_reference", sa.String(length=100), nullable=True)])


def downgrade() -> None:
    op.drop_index("ix_intel_submissions_batch", table_name="intel_submissions")
    op.drop_table("intel_submissions")
    op.drop_index("ix_referrals_batch", table_name="referrals")
    op.drop_table("referrals")
