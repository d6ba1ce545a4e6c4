"""Fixtures of the system tests: Redis and a PostgreSQL database of their own, a CAP source."""

from __future__ import annotations

import re
import uuid

import pytest
import redis
from sqlalchemy.exc import OperationalError

from tests.support.ci import required_in_ci
from tests.support.system import AlertSource, fresh_database, seed

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


@pytest.fixture
def started():
    """Every process a test starts, stopped afterwards even when the test fails midway."""
    processes = []
    yield processes
    for process in processes:
        process.stop()


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
