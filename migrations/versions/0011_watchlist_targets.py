"""watchlist entries say whether they are a list's target; feeds may screen non-targets

An FtM export carries people who are only context (party donors, relatives): they are
stored with target = false and screened only when their feed's screen_non_targets is on.
Rows already stored are targets until their feed is read again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("watchlist") as batch_op:
        batch_op.add_column(
            sa.Column("target", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("feed_sources") as batch_op:
        batch_op.add_column(
            sa.Column("screen_non_targets", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("feed_sources") as batch_op:
        batch_op.drop_column("screen_non_targets")
    with op.batch_alter_table("watchlist") as batch_op:
        batch_op.drop_column("target")
