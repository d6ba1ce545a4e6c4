"""Migrations 0011-0016 (issue 18) from an empty database and from 0010 with a feed in it,
on SQLite and, when TEST_DATABASE_URL names one, PostgreSQL (in a schema of its own): the
tables match the models, and the downgrade to 0010 goes back cleanly."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from common.storage import Base
from web.database import alembic_config, upgrade_database

# threats.texts (migration 0009, before issue 18) is nullable where the model is not.
OLDER_DRIFT = {("threats", "texts")}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
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


def drift(engine) -> list:
    """What differs between the tables and the models, beyond what predates issue 18."""
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    return [d for d in flat if not (d[0] == "modify_nullable" and (d[2], d[3]) in OLDER_DRIFT)]


def downgrade(engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_an_empty_database_upgraded_to_head_matches_the_models(engine):
    upgrade_database(engine, "head")
    assert drift(engine) == []
    downgrade(engine, "0010")
    upgrade_database(engine, "head")
    assert drift(engine) == []


def test_a_feed_written_at_0010_is_upgraded_with_no_senders_and_back(engine):
    upgrade_database(engine, "0010")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO feed_sources (id, name, kind, url, enabled, interval_s, "
                "consecutive_failures, item_count, "
                "created_at) VALUES (1, 'Desk', 'cap', 'https://example.org/cap.xml', "
                "true, 60, 0, 0, '2027-01-01 00:00:00')"
            )
        )
    upgrade_database(engine, "head")
    assert drift(engine) == []
    with engine.connect() as conn:
        senders = conn.execute(text("SELECT push_senders FROM feed_sources")).scalar()
    assert senders in ("[]", [])  # no sender: the door refuses every push
    downgrade(engine, "0010")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM feed_sources")).scalar() == "Desk"
