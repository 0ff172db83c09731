"""referrals.referred_at and intel_submissions.submitted_at: the time of day a referral
or an intelligence document was logged, when the log gives one (matching stays by date)

Revision ID: 0007_referral_times
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_referral_times"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("referred_at", sa.Time(), nullable=True))
    with op.batch_alter_table("intel_submissions") as batch:
        batch.add_column(sa.Column("submitted_at", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intel_submissions") as batch:
        batch.drop_column("submitted_at")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("referred_at")
