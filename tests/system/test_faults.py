"""Faults on the embedded default (`python app.py`, SQLite, scheduler inside): the server
killed with -9 in the middle of a poll, and feeds that hang, answer garbage or 500 for a
while. Nothing is lost, nothing doubled, clients resync, the rest goes on."""

from __future__ import annotations

import os
import random
import time

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.system import AlertSource, LiveClient, app_process, base_env, wait_for
from threats.models import Threat, ThreatSource

pytestmark = pytest.mark.system


@pytest.fixture
def database(request, tmp_path) -> str:
    """The embedded default's SQLite, or PostgreSQL on the suite's PostgreSQL pass."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'eventwatch.db'}"


def _start(started: list, name: str, env: dict, folder):
    started.append(app_process(name, env, folder))
    return started[-1].wait_listening()


def _env(world, tmp_path, **extra):
    return base_env(world["url"], tmp_path, SCHEDULER="true", FEED_TIMEOUT_S="1", **extra)


def _stored(world) -> dict[str, int]:
    """How many threats each source identifier produced."""
    with Session(world["engine"]) as session:
        # One statement, one snapshot: two would race a poll that commits in between.
        pairs = session.execute(
            select(ThreatSource.source_key, Threat.id).join(
                Threat, ThreatSource.threat_id == Threat.id, full=True
            )
        ).all()
    assert all(key is not None and threat is not None for key, threat in pairs), pairs
    keys = [key for key, _ in pairs]
    return {key: keys.count(key) for key in keys}


def test_kill_9_in_the_middle_of_polls_loses_and_doubles_nothing(
    database, source, tmp_path, seeded, started
):
    world = seeded(database, [source])
    env = _env(world, tmp_path)
    server = _start(started, "app-1", env, tmp_path)
    client = LiveClient(server.url, world["token"], world["event_id"])
    identifiers = [source.add(0), source.add(1)]
    wait_for(lambda: len(client.of_kind("threat_created")) == 2, 20, "two threats")
    client.close()
    last_seen = client.seqs()[-1]

    # 1: killed while it waits for an alert it has found in the index.
    identifiers.append(source.add(2, hold=True))
    arrived, release = source.gate
    assert arrived.wait(20), "the poll never asked for the new alert"
    server.kill()
    release.set()
    # 2-3: killed at random moments of the polls that follow a restart.
    rng = random.Random(7)
    for round_ in range(2):
        server = _start(started, f"app-{round_ + 2}", env, tmp_path)
        identifiers.append(source.add(3 + round_))
        time.sleep(rng.uniform(0.5, 4.0))  # the lease of the killed process expires in 3 s
        server.kill()

    server = _start(started, "app-final", env, tmp_path)
    try:
        resynced = LiveClient(server.url, world["token"], world["event_id"], since=last_seen)
        wait_for(lambda: len(_stored(world)) == len(identifiers), 30, "every alert stored")
        time.sleep(2.5)  # two more polls: anything doubled would show now
        stored = _stored(world)
        assert sorted(stored.values()) == [1] * len(identifiers), stored
        assert all(any(i in key for key in stored) for i in identifiers)
        wait_for(
            lambda: len(resynced.of_kind("threat_created")) == len(identifiers) - 2,
            15,
            "the missed threats on the resynced client",
        )
        seqs = resynced.seqs()
        assert resynced.snapshots == 0, "a short outage is replayed, not re-snapshotted"
        assert seqs == list(range(last_seen + 1, last_seen + 1 + len(seqs))), seqs
        resynced.close()
    finally:
        server.stop()


def test_a_hanging_a_garbage_and_a_failing_feed_leave_the_rest_going(
    database, tmp_path, seeded, started
):
    sources = {name: AlertSource() for name in ("good", "hangs", "garbage", "errors")}
    try:
        _run_faulty_feeds(seeded(database, list(sources.values())), tmp_path, sources, started)
    finally:
        for source in sources.values():
            source.heal()
            source.stop()


def _run_faulty_feeds(world, tmp_path, sources: dict[str, AlertSource], started) -> None:
    feed_of = dict(zip(sources, world["feed_ids"], strict=True))
    sources["hangs"].hang()
    sources["garbage"].break_with(
        200, b"<feed><entry>\x00 not a feed", {"Content-Type": "text/xml"}
    )
    sources["errors"].break_with(500, b"upstream exploded")
    env = _env(world, tmp_path, FEED_BACKOFF_BASE_S="1")
    server = _start(started, "app", env, tmp_path)
    auth = {"Authorization": f"Bearer {world['token']}"}
    try:
        client = LiveClient(server.url, world["token"], world["event_id"])
        backlog = [sources[name].add(n) for n, name in enumerate(("hangs", "garbage", "errors"))]
        for stored in (1, 2):  # the healthy feed goes on meanwhile, for several seconds
            sources["good"].add(2 + stored)
            wait_for(lambda n=stored: len(_stored(world)) == n, 15, "the healthy feed's alert")
            time.sleep(2)
            answer = requests.get(f"{server.url}/api/v1/feeds", headers=auth, timeout=5)
            state = {f["id"]: f for f in answer.json()["feeds"]}
        for name in ("hangs", "garbage", "errors"):
            feed = state[feed_of[name]]
            assert not feed["healthy"] and feed["consecutive_failures"] >= 1, feed
            assert feed["last_error"], feed
        assert state[feed_of["good"]]["healthy"]

        for name in ("hangs", "garbage", "errors"):
            sources[name].heal()
        wait_for(lambda: len(_stored(world)) == 5, 30, "the backlog after recovery")
        time.sleep(2.5)
        stored = _stored(world)
        assert sorted(stored.values()) == [1] * 5, stored
        assert all(any(i in key for key in stored) for i in backlog)
        wait_for(lambda: len(client.of_kind("threat_created")) == 5, 10, "five threats live")
        seqs = client.seqs()
        assert seqs == sorted(set(seqs))
        client.close()
    finally:
        server.stop()
