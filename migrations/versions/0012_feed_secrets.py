"""feed sources may carry a credential: its kind and header name, and the sealed secret

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feed_sources") as batch:
        batch.add_column(sa.Column("credential_kind", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("credential_header", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("credential_sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feed_sources") as batch:
        batch.drop_column("credential_sealed")
        batch.drop_column("credential_header")
        batch.drop_column("credential_kind")
