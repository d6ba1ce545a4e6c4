"""an event's basemap (a tile file's name, or the instance default) and the place its map
opens on before it has zones

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 20:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basemap", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("center_lat", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("center_lon", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("center_lon")
        batch_op.drop_column("center_lat")
        batch_op.drop_column("basemap")
