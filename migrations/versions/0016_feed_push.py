"""a feed's own push token (hashed), the CAP senders a push may carry, its push counter

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 17:00:00
"""

from alembic import op
import sqlalchemy as sa

from common import storage


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("push_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("push_token_set_at", storage.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("push_senders", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("push_window_at", storage.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("push_window_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_feed_sources_push_token_hash"), ["push_token_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_feed_sources_push_token_hash"), type_="unique")
        batch_op.drop_column("push_window_count")
        batch_op.drop_column("push_window_at")
        batch_op.drop_column("push_senders")
        batch_op.drop_column("push_token_set_at")
        batch_op.drop_column("push_token_hash")
