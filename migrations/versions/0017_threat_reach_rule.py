"""what decided a threat's zones: the reach rule, its distance and where it came from

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 20:05:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Threats stored before keep None: the command view then draws and names no reach.
    with op.batch_alter_table("threats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reach_rule", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("threats", schema=None) as batch_op:
        batch_op.drop_column("reach_rule")
