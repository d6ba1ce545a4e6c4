"""Migration 0020 on a database with a plan in it: every role in use becomes a managed role
(the standard ones with their labels in four languages), and everyone assigned to an event
is available to it; the demo event keeps its whole roster."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from shapely.geometry import box
from sqlalchemy import create_engine, inspect, select, text

from common.storage import Base
from planner.models import Agency, Assignment, Event, Person, Requirement, Shift, Zone
from web.database import alembic_config, upgrade_database

AT = datetime(2027, 8, 14, 15, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """An empty database: SQLite, or a schema of its own in TEST_DATABASE_URL's PostgreSQL."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
        yield engine
        engine.dispose()
        return
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL names no PostgreSQL database")
    schema = f"migration_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _plan_at_0019(conn) -> None:
    """Two events (one the demo), one zone and shift each, three people, a requirement for a
    role no roster holds and an assignment in a role of the roster's own."""
    for event_id, name in ((1, "Chicago Air and Water Show"), (2, "Harbour Fest")):
        conn.execute(
            Event.__table__.insert(),
            {
                "id": event_id,
                "name": name,
                "timezone": "UTC",
                "starts_at": AT,
                "ends_at": AT,
                "geocodes": [],
                "live_seq": 0,
                "min_rest_hours": 8.0,
                "max_hours_per_day": 12.0,
                "created_at": AT,
            },
        )
        conn.execute(
            Zone.__table__.insert(),
            {
                "id": event_id,
                "event_id": event_id,
                "name": "Z",
                "kind": "crowd",
                "geometry": box(0, 0, 1, 1),
                "area_m2": 1.0,
                "notes": "",
                "updated_at": AT,
            },
        )
        conn.execute(
            Shift.__table__.insert(),
            {"id": event_id, "event_id": event_id, "name": "Day", "starts_at": AT, "ends_at": AT},
        )
    conn.execute(Agency.__table__.insert(), {"id": 1, "name": "Harbour Stewards"})
    for person_id, roles in ((1, ["traffic_warden"]), (2, ["crowd_manager"]), (3, ["emt"])):
        conn.execute(
            Person.__table__.insert(),
            {
                "id": person_id,
                "agency_id": 1,
                "name": f"P{person_id}",
                "unit": "",
                "roles": roles,
                "phone": "",
                "active": True,
            },
        )
    conn.execute(
        Requirement.__table__.insert(),
        {"event_id": 2, "zone_id": 2, "shift_id": 2, "role": "steward", "required": 3},
    )
    conn.execute(
        Assignment.__table__.insert(),
        {
            "event_id": 2,
            "person_id": 1,
            "zone_id": 2,
            "shift_id": 2,
            "role": "traffic_warden",
            "created_at": AT,
        },
    )


def test_roles_in_use_become_managed_and_assigned_people_stay_available(engine):
    upgrade_database(engine, "0019")
    with engine.begin() as conn:
        _plan_at_0019(conn)
    upgrade_database(engine, "head")
    with engine.connect() as conn:
        roles = dict(conn.execute(text("SELECT code, labels FROM roles")).all())
        available = set(conn.execute(text("SELECT event_id, person_id FROM event_people")))
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    labels = {c: json.loads(v) if isinstance(v, str) else v for c, v in roles.items()}
    assert labels["traffic_warden"] == {"en": "Traffic warden"}  # from a roster
    assert labels["steward"] == {"en": "Steward"}  # from a requirement
    assert labels["bike_team"]["fr"] == "Équipe cycliste"  # standard, though no one holds it
    assert set(labels["crowd_manager"]) == {"en", "ar", "es", "fr"}
    assert available == {(2, 1), (1, 1), (1, 2), (1, 3)}  # Harbour Fest: its assigned one
    assert [d for d in diffs if "roles" in str(d) or "event_people" in str(d)] == []


def test_the_downgrade_removes_both_tables_and_keeps_the_plan(engine):
    upgrade_database(engine, "0019")
    with engine.begin() as conn:
        _plan_at_0019(conn)
    upgrade_database(engine, "head")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0019")
    tables = set(inspect(engine).get_table_names())
    assert "roles" not in tables and "event_people" not in tables and "personnel" in tables
    with engine.connect() as conn:
        assert conn.execute(select(Assignment.__table__.c.role)).scalar() == "traffic_warden"
