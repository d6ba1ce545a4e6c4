"""Load on the scaled-out deployment (two gevent web processes, one scheduler, Redis,
PostgreSQL): HTTP readers, a commander writing and Socket.IO clients at once, with alerts
arriving. Zero errors and zero lost deltas; the figures are printed, never asserted."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.models import Event
from tests.support.load import run_load
from tests.support.system import base_env, scheduler_process, wait_for, web_process

pytestmark = pytest.mark.system


def test_http_and_socketio_under_load_lose_nothing(world, source, redis_url, channel, tmp_path):
    env = base_env(world["url"], tmp_path, REDIS_URL=redis_url, SOCKETIO_CHANNEL=channel)
    processes = [web_process(f"web-{n}", env, tmp_path) for n in (1, 2)]
    processes.append(scheduler_process("scheduler", env, tmp_path))
    try:
        webs = [p.wait_listening().url for p in processes[:2]]
        source.add(0)
        wait_for(lambda: _latest_seq(world) > 0, 20, "the first alert")
        alerts = threading.Timer(3, source.add, args=(1,))  # one more arrives mid-load
        alerts.start()
        report = run_load(
            webs,
            world["token"],
            world["event_id"],
            seconds=8,
            latest_seq=lambda: _latest_seq(world),
        )
        alerts.join()
    finally:
        for process in processes:
            process.stop()
    print("\n" + "\n".join(f"{name:32} {value}" for name, value in report.rows()))
    assert report.errors == []
    assert report.requests > 100 and report.writes > 10
    assert report.deltas_expected >= report.writes
    assert report.deltas_lost == 0


def _latest_seq(world) -> int:
    with Session(world["engine"]) as session:
        return session.scalar(select(Event.live_seq).where(Event.id == world["event_id"]))
