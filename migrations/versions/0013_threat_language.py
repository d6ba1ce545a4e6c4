"""the language of a threat's words (its CAP alert's first <info> block)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 17:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("threats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("threats", schema=None) as batch_op:
        batch_op.drop_column("language")
