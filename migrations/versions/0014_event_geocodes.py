"""the place codes an event lies in; threats that reach a whole event by them; alerts
placed in no event, counted per feed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("geocodes", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("threats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("places", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unplaced_count", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.drop_column("unplaced_count")
    with op.batch_alter_table("threats", schema=None) as batch_op:
        batch_op.drop_column("places")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("geocodes")
