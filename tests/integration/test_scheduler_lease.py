"""One scheduler at a time: the lease in the database, taken, renewed, expired and released."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import db_session, make_event
from tests.support.system import AlertSource
from threats.models import FeedSource, SchedulerLease
from threats.polling import jobs
from threats.polling.lease_service import LeaseKeeper, release, try_hold
from web.extensions import db, new_scheduler

NOW = datetime(2026, 7, 18, 21, 0, tzinfo=UTC)  # 16:00 CDT on the fixtures' festival day
TTL = timedelta(seconds=30)


@pytest.fixture
def source():
    source = AlertSource()
    yield source
    source.stop()


def test_only_one_holder_at_a_time_until_the_lease_expires(session):
    assert try_hold(session, "a", NOW, TTL)
    assert not try_hold(session, "b", NOW + timedelta(seconds=29), TTL)
    assert try_hold(session, "a", NOW + timedelta(seconds=20), TTL)  # renewed to 0:50
    assert not try_hold(session, "b", NOW + timedelta(seconds=45), TTL)
    assert try_hold(session, "b", NOW + timedelta(seconds=51), TTL)  # a stopped renewing
    assert not try_hold(session, "a", NOW + timedelta(seconds=52), TTL)
    lease = session.get(SchedulerLease, "scheduler")
    assert (lease.holder, lease.acquired_at) == ("b", NOW + timedelta(seconds=51))


def test_a_renewal_keeps_the_time_it_was_first_taken(session):
    try_hold(session, "a", NOW, TTL)
    try_hold(session, "a", NOW + timedelta(seconds=10), TTL)
    lease = session.get(SchedulerLease, "scheduler")
    assert lease.acquired_at == NOW
    assert lease.expires_at == NOW + timedelta(seconds=40)


def test_a_released_lease_is_free_at_once_and_only_its_holder_releases_it(session):
    try_hold(session, "a", NOW, TTL)
    release(session, "b")
    assert not try_hold(session, "b", NOW, TTL)
    release(session, "a")
    assert try_hold(session, "b", NOW, TTL)


def test_racing_schedulers_get_exactly_one_lease(app):
    winners, barrier = [], threading.Barrier(6)
    with app.app_context():
        engine = db.engine

    def contend(name: str) -> None:
        with Session(engine) as own:
            barrier.wait()
            if try_hold(own, name, NOW, TTL):
                winners.append(name)

    threads = [threading.Thread(target=contend, args=(f"s{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1


def test_two_keepers_one_runs_and_the_standby_takes_over_when_it_stops(app):
    with app.app_context():
        engine = db.engine

    @contextmanager
    def sessions():
        with Session(engine) as own:
            yield own

    log: list[str] = []

    def keeper(name: str) -> LeaseKeeper:
        return LeaseKeeper(
            sessions, lambda: log.append(f"{name}+"), lambda: log.append(f"{name}-"), ttl_s=0.6
        )

    first = keeper("first").start()
    _wait(first.holds)
    second = keeper("second").start()
    time.sleep(0.5)
    assert first.holds() and not second.holds()
    first.stop()  # releases: the standby takes over within one renewal period
    _wait(second.holds)
    second.stop()
    assert log == ["first+", "first-", "second+", "second-"]


def _wait(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_restarted_scheduler_waits_out_the_interval_since_the_last_poll(app, source):
    with db_session(app) as session:
        event = make_event(session)
        feed = FeedSource(kind="cap-atom", url=source.url, interval_s=4, event_id=event.id)
        session.add(feed)
        session.commit()
    app.config["SCHEDULER_LEASE_S"] = 1.0
    first = jobs.start(app, new_scheduler())
    _wait(lambda: len(source.index_fetches()) == 1, timeout=10)
    first.shutdown()  # hands the lease over at once
    polled_at = source.index_fetches()[0]
    second = jobs.start(app, new_scheduler())
    try:
        _wait(lambda: len(source.index_fetches()) == 2, timeout=10)
    finally:
        second.shutdown()
    # started about when the first one stopped, it still polled one interval after the last
    assert source.index_fetches()[1] - polled_at >= 3.9
