"""the first report of a completion is kept on the completion itself

A completion already names the batch that first reported it (``batch_id``); it now also
keeps that report's row (``row``), and ``completion_evidence`` holds only the reports of
*other* batches (an overlapping export, a second source). A first import of a million rows
writes a million rows, not two million. Existing evidence rows of a completion's own batch
move onto the completion.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_OWN = ("FROM completion_evidence e WHERE e.completion_id = completions.id "
        "AND e.batch_id = completions.batch_id")


def upgrade() -> None:
    op.add_column("completions", sa.Column("row", sa.Integer(), nullable=True))
    op.execute(f'UPDATE completions SET "row" = (SELECT e."row" {_OWN})')
    op.execute("DELETE FROM completion_evidence WHERE EXISTS (SELECT 1 FROM completions c "
               "WHERE c.id = completion_evidence.completion_id "
               "AND c.batch_id = completion_evidence.batch_id)")


def downgrade() -> None:
    op.execute('INSERT INTO completion_evidence (completion_id, batch_id, "row") '
               'SELECT id, batch_id, "row" FROM completions WHERE batch_id IS NOT NULL')
    # a plain ALTER (SQLite >= 3.35): batch mode would copy the table, and dropping the old
    # copy would cascade into completion_evidence
    op.execute('ALTER TABLE completions DROP COLUMN "row"')
