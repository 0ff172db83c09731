"""hydra_sessions and session_invites: the sessions a force plans for a requirement
delivered in person (the Hydra exercise), and the people invited to each

Revision ID: 0008_hydra_sessions
Revises: 0007_referral_times
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_hydra_sessions"
down_revision = "0007_referral_times"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hydra_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.Integer(), nullable=False),
        sa.Column("requirement", sa.String(length=64), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("trainer", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["force_id"], ["forces.id"],
                                name=op.f("fk_hydra_sessions_force_id_forces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hydra_sessions")),
    )
    op.create_index("ix_hydra_sessions_force_date", "hydra_sessions", ["force_id", "held_on"])
    op.create_table(
        "session_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("invited_by", sa.String(length=120), nullable=False),
        sa.Column("invited_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["hydra_sessions.id"], ondelete="CASCADE",
                                name=op.f("fk_session_invites_session_id_hydra_sessions")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_session_invites_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_invites")),
        sa.UniqueConstraint("session_id", "person_id",
                            name="uq_session_invites_session_person"),
    )


def downgrade() -> None:
    op.drop_table("session_invites")
    op.drop_index("ix_hydra_sessions_force_date", table_name="hydra_sessions")
    op.drop_table("hydra_sessions")
