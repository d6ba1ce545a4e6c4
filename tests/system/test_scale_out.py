"""Scaled out: two gunicorn/gevent web processes, two schedulers started (one by mistake),
Redis between them, PostgreSQL under them. Deltas reach every client in order; exactly one
scheduler polls; when it is killed, the other takes over without a double poll."""

from __future__ import annotations

import itertools
import re

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.system import (
    LiveClient,
    base_env,
    scheduler_process,
    wait_for,
    web_process,
)
from threats.models import SchedulerLease, Threat

pytestmark = pytest.mark.system


@pytest.fixture
def deployment(world, redis_url, channel, tmp_path):
    env = base_env(
        world["url"],
        tmp_path,
        REDIS_URL=redis_url,
        SOCKETIO_CHANNEL=channel,
    )
    started = []

    def start(factory, name):
        process = factory(name, env, tmp_path)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def test_deltas_reach_every_web_process_in_order_and_one_scheduler_polls(world, source, deployment):
    webs = [deployment(web_process, f"web-{i}").wait_listening() for i in (1, 2)]
    clients = [LiveClient(w.url, world["token"], world["event_id"]) for w in webs for _ in "ab"]
    schedulers = {name: deployment(scheduler_process, name) for name in ("sched-a", "sched-b")}

    for n in range(3):
        source.add(n)
    _wait_for_threats(clients, 3)

    holder = _lease_holder(world)
    leader = next(p for p in schedulers.values() if f":{p.proc.pid}:" in holder)
    holding = [p.name for p in schedulers.values() if _held_lease(p)]
    assert holding == [leader.name], "both schedulers ran their jobs"
    leader.kill()
    source.add(3)
    _wait_for_threats(clients, 4, timeout=30)  # the standby waits out the lease (3 s)
    assert _lease_holder(world) != holder

    # A write on one web process reaches the clients of the other through Redis.
    threat_id = clients[0].of_kind("threat_created")[0]["data"]["id"]
    url = f"{webs[1].url}/api/v1/events/{world['event_id']}/threats/{threat_id}"
    answer = requests.patch(
        url,
        json={"status": "acknowledged"},
        headers={"Authorization": f"Bearer {world['token']}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    wait_for(lambda: all(_acknowledged(c, threat_id) for c in clients), 10, "the acknowledgement")

    for client in clients:
        client.close()
    first = clients[0].seqs()
    assert first == sorted(set(first)), "deltas out of order or repeated"
    assert all(c.seqs() == first for c in clients), "the clients saw different deltas"
    with Session(world["engine"]) as session:
        assert session.scalar(select(func.count(Threat.id))) == 4
    fetches = source.index_fetches()
    gaps = [later - earlier for earlier, later in itertools.pairwise(fetches)]
    assert min(gaps) > 0.45, f"the feed was polled twice within half its interval: {gaps}"


def _wait_for_threats(clients, count: int, timeout: float = 20) -> None:
    wait_for(
        lambda: all(len(c.of_kind("threat_created")) >= count for c in clients),
        timeout,
        f"{count} threats on every client",
    )
    for client in clients:
        assert len(client.of_kind("threat_created")) == count


def _acknowledged(client: LiveClient, threat_id: int) -> bool:
    return any(
        d["data"]["id"] == threat_id and d["data"]["properties"]["status"] == "acknowledged"
        for d in client.of_kind("threat_updated")
    )


def _held_lease(process) -> bool:
    return re.search(r"scheduler \S+ holds the lease", process.output()) is not None


def _lease_holder(world) -> str:
    with Session(world["engine"]) as session:
        lease = session.get(SchedulerLease, "scheduler")
        return lease.holder if lease else ""
