"""Fixtures of the system tests: Redis and a PostgreSQL database of their own, a CAP source."""

from __future__ import annotations

import re
import uuid

import pytest
import redis
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from migrate import upgrade_database
from tests.conftest import required_in_ci
from tests.factories import make_event, make_fixture_zones, make_token
from tests.support.system import AlertSource, fresh_database
from threats.models import FeedSource

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        required_in_ci(f"these tests need Redis on 127.0.0.1:6379 ({exc})")
    return REDIS_URL


@pytest.fixture
def channel() -> str:
    """A Socket.IO channel of this test's own, so runs sharing one Redis never mix."""
    return f"eventwatch-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def pg_url(request) -> str:
    name = "ew_sys_" + re.sub(r"\W", "_", request.node.name)[:40].lower()
    try:
        return fresh_database(name)
    except OperationalError as exc:
        required_in_ci(f"these tests need PostgreSQL on 127.0.0.1:5432 ({exc})")


@pytest.fixture
def source():
    source = AlertSource()
    yield source
    source.stop()


def seed(url: str, sources: list[AlertSource]) -> dict:
    """Migrate, then add an event with its zones, a commander's token and one feed a source."""
    engine = create_engine(url)
    upgrade_database(engine)
    with Session(engine) as session:
        event = make_event(session, reach_rules=[])
        make_fixture_zones(session, event)
        feeds = [
            FeedSource(name=f"CAP {n}", kind="cap-atom", url=s.url, interval_s=1, event_id=event.id)
            for n, s in enumerate(sources)
        ]
        session.add_all(feeds)
        session.commit()
        token = make_token(session, "commander", "incident-commander")
        world = {"event_id": event.id, "feed_ids": [f.id for f in feeds], "token": token}
    return world | {"engine": engine, "url": url}


@pytest.fixture
def seeded():
    """seed(), with every engine it opened disposed of after the test."""
    worlds = []

    def make(url: str, sources: list[AlertSource]) -> dict:
        worlds.append(seed(url, sources))
        return worlds[-1]

    yield make
    for world in worlds:
        world["engine"].dispose()


@pytest.fixture
def world(pg_url, source, seeded):
    """PostgreSQL, one CAP source polled every second."""
    return seeded(pg_url, [source])
