"""Migration 0017 (issue 19): threats stored before it keep their rows and read no reach
rule (None: the command view then draws and names none); down again, they are kept."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from web.database import alembic_config, upgrade_database


def threat_columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("threats")}


def test_a_threat_stored_at_0016_is_upgraded_with_no_reach_rule_and_back(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade_database(engine, "0016")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO events (id, name, timezone, starts_at, ends_at, min_rest_hours, "
                "max_hours_per_day, live_seq, created_at) VALUES (1, 'Air and Water Show', "
                "'America/Chicago', '2027-08-21 15:00:00', '2027-08-22 01:00:00', 8, 12, 0, "
                "'2027-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO threats (id, event_id, source, source_id, kind, category, "
                "severity, urgency, certainty, status, closed_reason, assignee, reported_by, "
                "title, description, instruction, language, texts, zone_ids, places, "
                "first_seen, updated_at) VALUES (7, 1, 'desk', 'D-1', 'Suspicious Package', "
                "'Security', 'severe', 'immediate', 'likely', 'new', '', '', '[]', "
                "'Bag at the beach house', '', '', '', '{}', '[1, 2]', '[]', "
                "'2027-08-21 15:00:00', '2027-08-21 15:00:00')"
            )
        )
    assert "reach_rule" not in threat_columns(engine)
    upgrade_database(engine, "head")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT title, zone_ids, reach_rule FROM threats")).one()
    assert (row.title, row.zone_ids, row.reach_rule) == ("Bag at the beach house", "[1, 2]", None)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0016")
    assert "reach_rule" not in threat_columns(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM threats")).scalar() == "Bag at the beach house"
    engine.dispose()
