"""roles with a label per language; the people available to each event

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 20:10:00
"""

import json
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from common import storage


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

DEMO_EVENT = "Chicago Air and Water Show"
# The roles as this migration found them named (planner.roles.STANDARD_ROLES, copied).
STANDARD_ROLES = {
    "crowd_manager": {
        "en": "Crowd manager",
        "ar": "مدير الحشود",
        "es": "Gestor de multitudes",
        "fr": "Gestionnaire de foule",
    },
    "patrol_officer": {
        "en": "Patrol officer",
        "ar": "ضابط دورية",
        "es": "Agente de patrulla",
        "fr": "Agent de patrouille",
    },
    "sergeant": {"en": "Sergeant", "ar": "رقيب", "es": "Sargento", "fr": "Sergent"},
    "emt": {
        "en": "EMT",
        "ar": "مسعف طوارئ",
        "es": "Técnico de emergencias médicas",
        "fr": "Secouriste (EMT)",
    },
    "bike_team": {
        "en": "Bike team",
        "ar": "فريق الدراجات",
        "es": "Equipo en bicicleta",
        "fr": "Équipe cycliste",
    },
    "marine_unit": {
        "en": "Marine unit",
        "ar": "الوحدة البحرية",
        "es": "Unidad marítima",
        "fr": "Unité nautique",
    },
    "k9": {
        "en": "K-9 unit",
        "ar": "وحدة الكلاب البوليسية",
        "es": "Unidad canina",
        "fr": "Brigade cynophile",
    },
}


def upgrade() -> None:
    roles = op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roles")),
        sa.UniqueConstraint("code", name=op.f("uq_roles_code")),
    )
    available = op.create_table(
        "event_people",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("added_at", storage.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_people_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["personnel.id"],
            name=op.f("fk_event_people_person_id_personnel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "person_id", name=op.f("pk_event_people")),
    )
    with op.batch_alter_table("event_people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_people_person_id"), ["person_id"], unique=False)
    now = datetime.now(UTC)
    conn = op.get_bind()
    op.bulk_insert(roles, [{"code": c, "labels": ls, "created_at": now} for c, ls in _roles(conn)])
    op.bulk_insert(
        available, [{"event_id": e, "person_id": p, "added_at": now} for e, p in _available(conn)]
    )


def _roles(conn) -> list[tuple[str, dict]]:
    """The standard roles, and every other code requirements, assignments, check-ins and
    rosters use today (labelled from the code: bike_team -> Bike team)."""
    used = set()
    for table in ("requirements", "assignments", "checkins"):
        used |= {r for (r,) in conn.execute(sa.text(f"SELECT DISTINCT role FROM {table}")) if r}
    for (held,) in conn.execute(sa.text("SELECT roles FROM personnel")):
        held = json.loads(held) if isinstance(held, str) else held
        used |= {r for r in held or [] if isinstance(r, str) and r}
    found = {c: {"en": c.replace("_", " ").capitalize()} for c in sorted(used)}
    return sorted((found | STANDARD_ROLES).items())


def _available(conn) -> set[tuple[int, int]]:
    """Everyone assigned to an event stays available to it; the demo keeps its whole roster."""
    pairs = set(conn.execute(sa.text("SELECT DISTINCT event_id, person_id FROM assignments")))
    demo = conn.execute(sa.text("SELECT id FROM events WHERE name = :n"), {"n": DEMO_EVENT})
    people = [p for (p,) in conn.execute(sa.text("SELECT id FROM personnel"))]
    for (event_id,) in demo:
        pairs |= {(event_id, p) for p in people}
    return {(int(e), int(p)) for e, p in pairs}


def downgrade() -> None:
    with op.batch_alter_table("event_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_people_person_id"))
    op.drop_table("event_people")
    op.drop_table("roles")
