"""Scheduler jobs: thin wrappers that open an app context and call a service."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import click
from apscheduler.schedulers.base import BaseScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.times import utcnow
from common.writes import Write
from maps.live_service import publish
from planner.duty_service import publish_staffing
from planner.models import Event
from threats.ingest_service import EventContext, expire_threats
from threats.models import PUSH_ONLY, FeedSource
from threats.polling.lease_service import LeaseKeeper
from threats.polling.poll_service import PollResult, poll_once
from web.extensions import db, fetcher_for, new_scheduler

log = logging.getLogger(__name__)
SYNC_EVERY_S = 30
FIRST_POLL_DELAY_S = 2  # lets the embedded server start listening before it polls itself
EXPIRE_EVERY_S = 30
BOUNDARY_EVERY_S = 15  # how late after a shift boundary the command view recolours
SCHEDULER = "scheduler"  # the actor of the writes jobs make


def poll_now(app: Flask, feed_id: int) -> PollResult | None:
    """Poll one feed in the current app context, as its schedule says."""
    return poll_once(
        db.session, feed_id, fetch=fetcher_for(app), publish=publish, now=utcnow(),
        backoff_base_s=app.config["FEED_BACKOFF_BASE_S"],
    )  # fmt: skip


def poll_job(
    app: Flask, feed_id: int, scheduler: BaseScheduler | None = None, *, regular: bool = False
) -> None:
    """One poll. A regular (interval) poll is skipped when the feed was polled less than
    half its interval ago: by a scheduler that ran before a restart or a takeover."""
    with app.app_context():
        try:
            feed = db.session.get(FeedSource, feed_id)
            if feed is None or (regular and _polled_lately(feed, utcnow())):
                return
            poll_now(app, feed_id)
            feed = db.session.get(FeedSource, feed_id)
            retry_at = feed.next_attempt_at if feed else None
        finally:
            db.session.remove()
    if scheduler is not None and retry_at is not None:
        _retry_before_next_tick(app, scheduler, feed_id, retry_at)


def _polled_lately(feed: FeedSource, now) -> bool:
    last = feed.last_polled_at
    return last is not None and now - last < timedelta(seconds=feed.interval_s / 2)


def _first_poll_at(feed: FeedSource, now):
    """Soon after start, but never sooner than one interval after the last poll on record."""
    soon = now + timedelta(seconds=FIRST_POLL_DELAY_S)
    if feed.last_polled_at is None:
        return soon
    return max(soon, feed.last_polled_at + timedelta(seconds=feed.interval_s))


def _retry_before_next_tick(app: Flask, scheduler: BaseScheduler, feed_id: int, at) -> None:
    """Honour a Retry-After (or a backoff) shorter than the feed's interval with one extra
    try at that time, instead of waiting for the next regular poll."""
    job = scheduler.get_job(f"feed:{feed_id}")
    if job is None or job.next_run_time is None or at >= job.next_run_time:
        return
    scheduler.add_job(
        poll_job,
        "date",
        run_date=at,
        args=[app, feed_id],
        id=f"feed:{feed_id}:retry",
        replace_existing=True,
    )


def expire_job(app: Flask) -> None:
    with app.app_context():
        try:
            now = utcnow()
            for event in db.session.scalars(select(Event)).all():
                ctx = EventContext.load(db.session, event)
                expire_threats(
                    db.session, event.id, now=now, publish=publish, zone_names=ctx.zone_names
                )
            db.session.commit()
        finally:
            db.session.remove()


def staffing_job(app: Flask, last: dict) -> None:
    """At every shift boundary, push the new staffing picture: who should be where changes."""
    now = utcnow()
    since = last.get("at", now)
    last["at"] = now
    with app.app_context():
        try:
            for event in db.session.scalars(select(Event)).all():
                edges = [t for s in event.shifts for t in (s.starts_at, s.ends_at)]
                if any(since < t <= now for t in edges):
                    publish_staffing(Write(db.session, SCHEDULER, now, publish), event)
            db.session.commit()
        finally:
            db.session.remove()


def sync_feed_jobs(app: Flask, scheduler: BaseScheduler) -> None:
    """Make the scheduled jobs match the enabled feed sources in the database."""
    with app.app_context():
        try:
            feeds = db.session.scalars(select(FeedSource)).all()
            # A cap-push feed has nothing to poll: its partner pushes to it.
            wanted = {f"feed:{f.id}": f for f in feeds if f.enabled and f.kind != PUSH_ONLY}
        finally:
            db.session.remove()
    for job in scheduler.get_jobs():
        if job.id.startswith("feed:") and job.id.removesuffix(":retry") not in wanted:
            job.remove()
    for job_id, feed in wanted.items():
        job = scheduler.get_job(job_id)
        if job is None or job.trigger.interval.total_seconds() != feed.interval_s:
            scheduler.add_job(
                poll_job,
                "interval",
                seconds=feed.interval_s,
                args=[app, feed.id, scheduler],
                kwargs={"regular": True},
                id=job_id,
                replace_existing=True,
                next_run_time=_first_poll_at(feed, utcnow()),
            )


class Runner:
    """A scheduler that runs its jobs only while its process holds the lease."""

    def __init__(self, scheduler: BaseScheduler, keeper: LeaseKeeper) -> None:
        self.scheduler, self.keeper = scheduler, keeper

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=True)  # a poll in flight commits before the lease goes
        self.keeper.stop()

    def pause(self) -> None:
        if self.scheduler.running:  # not once shut down
            self.scheduler.pause()

    def resume(self) -> None:
        if self.scheduler.running:  # a lease gained while shutting down runs nothing
            self.scheduler.resume()


def start(app: Flask, scheduler: BaseScheduler) -> Runner:
    """Schedule every enabled feed, expiry and the feed-table sync, and start paused: the
    jobs run only while this process holds the scheduler lease."""
    keeper = LeaseKeeper(
        lambda: _app_session(app),
        on_gain=lambda: runner.resume(),
        on_loss=lambda: runner.pause(),
        ttl_s=app.config["SCHEDULER_LEASE_S"],
    )
    runner = Runner(scheduler, keeper)
    _schedule(app, scheduler)
    scheduler.start(paused=True)
    keeper.start()
    return runner


@contextmanager
def _app_session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        try:
            yield db.session
        finally:
            db.session.remove()


def _schedule(app: Flask, scheduler: BaseScheduler) -> None:
    sync_feed_jobs(app, scheduler)
    scheduler.add_job(expire_job, "interval", seconds=EXPIRE_EVERY_S, args=[app], id="expire")
    scheduler.add_job(
        staffing_job, "interval", seconds=BOUNDARY_EVERY_S, args=[app, {}], id="staffing"
    )
    scheduler.add_job(
        sync_feed_jobs, "interval", seconds=SYNC_EVERY_S, args=[app, scheduler], id="sync"
    )


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the feed scheduler alone (the one scheduler process of a scaled-out deployment)."""
    app = current_app._get_current_object()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    runner = start(app, new_scheduler())
    click.echo("scheduler started: it runs the jobs while it holds the lease; Ctrl-C to stop")
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    runner.shutdown()


def init_app(app: Flask) -> None:
    app.cli.add_command(scheduler_command)
