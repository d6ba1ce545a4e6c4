"""Migration 0019 on a database with an event in it: the event keeps working with no basemap
and no place, the columns match the models, and the downgrade takes them away."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from common.storage import Base
from web.database import alembic_config, upgrade_database

NEW = {("events", "basemap"), ("events", "center_lat"), ("events", "center_lon")}


def columns(engine) -> set[tuple[str, str]]:
    found = inspect(engine)
    return {(t, c["name"]) for t in found.get_table_names() for c in found.get_columns(t)}


def test_a_database_with_an_event_is_upgraded_and_downgraded(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade_database(engine, "0018")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO events (id, name, timezone, starts_at, ends_at, min_rest_hours, "
                "max_hours_per_day, live_seq, created_at, geocodes) VALUES (1, 'Air and Water "
                "Show', 'America/Chicago', '2027-08-21 15:00:00', '2027-08-22 01:00:00', 8, 12, "
                "0, '2027-01-01 00:00:00', '[]')"
            )
        )
    assert not NEW & columns(engine)
    upgrade_database(engine, "0019")
    assert columns(engine) >= NEW
    with engine.connect() as conn:
        row = conn.execute(text("SELECT name, basemap, center_lat, center_lon FROM events")).one()
        assert tuple(row) == ("Air and Water Show", None, None, None)
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    touched = {(d[2], d[3]) for d in diffs if d[0] in ("add_column", "remove_column")}
    touched |= {(d[0][2], d[0][3]) for d in diffs if isinstance(d, list)}
    assert not NEW & touched, diffs
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0018")
    assert not NEW & columns(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM events")).scalar() == "Air and Water Show"
    engine.dispose()
