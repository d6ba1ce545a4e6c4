"""Live joins at a shift change (issue 17, finding 12): two of the largest legal zones, and
300 clients joining one event at the same moment. Every one gets its snapshot, and the
snapshot carries the zones simplified, not their 100,000 vertices."""

from __future__ import annotations

import pytest
from shapely.geometry import mapping
from sqlalchemy.orm import Session

from planner import zone_service
from planner.models import Event
from tests.factories import write
from tests.support.joins import join_all, largest_legal_zone
from tests.support.system import app_process, base_env, web_process

pytestmark = pytest.mark.system

CLIENTS = 300
SNAPSHOT_BYTES = 200_000  # two zones of 50,000 vertices were 3.7 MB a join


def add_largest_zones(world: dict) -> None:
    with Session(world["engine"]) as session:
        event = session.get(Event, world["event_id"])
        for name, lon in (("Fence north", -87.630), ("Fence south", -87.615)):
            feature = {"type": "Feature", "geometry": mapping(largest_legal_zone(lon, 41.912))}
            feature["properties"] = {"name": name, "kind": "crowd"}
            zone_service.create_zone(write(session), event, feature)
        session.commit()


def assert_all_joined(url: str, world: dict) -> None:
    joins = join_all(url, world["token"], world["event_id"], CLIENTS, timeout=120)
    failed = [j.error for j in joins if not j.ok]
    assert failed == [], f"{len(failed)} of {CLIENTS} joins failed, first: {failed[:3]}"
    biggest = max(j.snapshot_bytes for j in joins)
    assert biggest < SNAPSHOT_BYTES, biggest


def test_300_joins_at_once_on_the_embedded_default_all_get_their_snapshot(
    tmp_path, seeded, started
):
    """`eventwatch run`: one process, threading, SQLite."""
    url = f"sqlite:///{tmp_path / 'joins.db'}"
    world = seeded(url, [])
    add_largest_zones(world)
    started.append(app_process("app", base_env(url, tmp_path), tmp_path))
    assert_all_joined(started[-1].wait_listening().url, world)


def test_300_joins_at_once_on_a_gevent_web_process_all_get_their_snapshot(
    tmp_path, pg_url, seeded, redis_url, channel, started
):
    """Production: gunicorn with one gevent worker, PostgreSQL, Redis."""
    world = seeded(pg_url, [])
    add_largest_zones(world)
    env = base_env(pg_url, tmp_path, REDIS_URL=redis_url, SOCKETIO_CHANNEL=channel)
    started.append(web_process("web", env, tmp_path))
    assert_all_joined(started[-1].wait_listening().url, world)
