"""incident feeds: a field map, the last guessed fields and a time zone per feed source

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 17:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("field_map", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("field_guess", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.drop_column("timezone")
        batch_op.drop_column("field_guess")
        batch_op.drop_column("field_map")
