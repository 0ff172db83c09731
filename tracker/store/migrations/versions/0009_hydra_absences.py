"""hydra_absences: the delegate-list rows that say a person did not attend a session
(never completions)

Revision ID: 0009_hydra_absences
Revises: 0008_hydra_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_hydra_absences"
down_revision = "0008_hydra_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hydra_absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("raw_status", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_hydra_absences_person_id_people")),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"],
                                name=op.f("fk_hydra_absences_module_id_modules")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], ondelete="CASCADE",
                                name=op.f("fk_hydra_absences_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hydra_absences")),
        sa.UniqueConstraint("person_id", "module_id", "held_on",
                            name="uq_hydra_absences_natural"),
    )
    op.create_index("ix_hydra_absences_batch", "hydra_absences", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_hydra_absences_batch", table_name="hydra_absences")
    op.drop_table("hydra_absences")
