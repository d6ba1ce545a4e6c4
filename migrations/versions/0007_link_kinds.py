"""read-only links of two kinds: wall displays and GIS feeds

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wall_links", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="wall", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("wall_links", schema=None) as batch_op:
        batch_op.drop_column("kind")
