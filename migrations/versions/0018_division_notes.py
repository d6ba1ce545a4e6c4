"""communications and special instructions per division (zone) and operational period,
for the ICS 204

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 20:20:00
"""

from alembic import op
import sqlalchemy as sa

from common import storage


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "division_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("communications", sa.Text(), nullable=False),
        sa.Column("special_instructions", sa.Text(), nullable=False),
        sa.Column("updated_at", storage.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_division_notes_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["zones.id"],
            name=op.f("fk_division_notes_zone_id_zones"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shifts.id"],
            name=op.f("fk_division_notes_shift_id_shifts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_division_notes")),
        sa.UniqueConstraint("zone_id", "shift_id", name=op.f("uq_division_notes_zone_id_shift_id")),
    )
    with op.batch_alter_table("division_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_division_notes_event_id"), ["event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("division_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_division_notes_event_id"))
    op.drop_table("division_notes")
