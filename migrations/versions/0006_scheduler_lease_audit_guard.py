"""scheduler lease, append-only audit log, login throttle indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 15:20:00
"""

from alembic import op
import sqlalchemy as sa
from common import storage
from accounts import audit_guard


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", storage.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_leases")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_action_target_at", ["action", "target", "at"])
        batch_op.create_index("ix_audit_log_action_remote_addr_at", ["action", "remote_addr", "at"])
    audit_guard.install(op.get_bind())


def downgrade() -> None:
    audit_guard.remove(op.get_bind())
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_action_remote_addr_at")
        batch_op.drop_index("ix_audit_log_action_target_at")
    op.drop_table("scheduler_leases")
