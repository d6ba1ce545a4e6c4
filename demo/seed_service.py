"""Seeds an empty database with the Chicago Air and Water Show and its demo feed."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from common.writes import Write
from demo.roster import NEEDS, OVERNIGHT_NEEDS, roster_csv
from planner import (
    deployment_service,
    duty_service,
    event_service,
    people_service,
    zone_service,
)
from planner.models import Event, Person
from threats.models import FeedSource
from threats.polling import feed_service
from threats.polling.fetch import Fetcher

ZONES = Path(__file__).parent / "zones.geojson"
CHICAGO = ZoneInfo("America/Chicago")
EVENT_NAME = "Chicago Air and Water Show"
FEED_NAME = "Demo CAP replay"
# The demo runs now: yesterday, today and tomorrow (Chicago time), each a show watch by day
# and an overnight watch, so some operational period is in force whenever it is opened.
DAYS = (-1, 0, 1)
WATCHES = (("show", time(7, 0), 0, NEEDS), ("overnight", time(19, 0), 1, OVERNIGHT_NEEDS))
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WATCH_END = {"show": time(19, 0), "overnight": time(7, 0)}
# In every third zone one person planned now is left to check in by hand: some zones short.
NOT_YET_IN_EVERY = 3


def demo_days(now: datetime) -> tuple[date, ...]:
    """The demo's days around `now`, in Chicago: yesterday, today and tomorrow."""
    today = now.astimezone(CHICAGO).date()
    return tuple(today + timedelta(days=d) for d in DAYS)


def watches(now: datetime) -> list[tuple[str, datetime, datetime, dict]]:
    """(name, start, end, needs) of each operational period, in Chicago wall time."""
    out = []
    for day in demo_days(now):
        for kind, start, spill, needs in WATCHES:
            ends = _local(day + timedelta(days=spill), WATCH_END[kind])
            out.append((f"{day:%A} {kind}", _local(day, start), ends, needs))
    return out


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=CHICAGO)


def seed_event(w: Write) -> Event:
    periods = watches(w.now)
    event = event_service.create_event(
        w,
        {
            "name": EVENT_NAME,
            "timezone": "America/Chicago",
            "starts_at": periods[0][1].isoformat(),
            "ends_at": periods[-1][2].isoformat(),
            "expected_attendance": 1_000_000,
        },
    ).result
    for feature in json.loads(ZONES.read_text(encoding="utf-8"))["features"]:
        zone_service.create_zone(w, event, feature)
    for name, starts, ends, _ in periods:
        data = {"name": name, "starts_at": starts.isoformat(), "ends_at": ends.isoformat()}
        event_service.create_shift(w, event, data)
    w.session.flush()
    w.session.refresh(event)
    seed_staffing(w, event, {name: needs for name, _, _, needs in periods})
    return event


def seed_staffing(w: Write, event: Event, needs_by_period: dict[str, dict]) -> None:
    """The demo's roster, head counts for every watch, and an auto-assigned plan."""
    if w.session.scalar(select(Person.id).limit(1)) is None:
        people_service.import_roster(w, people_service.read_roster_file(roster_csv()))
    items = [
        {"zone_id": zone.id, "shift_id": shift.id, "role": role, "required": count}
        for shift in event.shifts
        for zone in event.zones
        for role, count in needs_by_period.get(shift.name, {}).get(zone.kind, {}).items()
    ]
    deployment_service.set_requirements(w, event, items, replace=False)
    deployment_service.auto_assign(w, event, apply=True, time_limit_s=5.0)


def redate(w: Write, event: Event) -> bool:
    """Move a demo opened days after its seeding to run now again: whole days in Chicago,
    so every watch keeps its wall-clock hours. False when a watch is already in force."""
    shifts = sorted(event.shifts, key=lambda s: s.starts_at)
    if not shifts or any(s.starts_at <= w.now < s.ends_at for s in shifts):
        return False
    watches_of = [s for s in shifts if _is_watch(s.name)] or shifts
    first = watches_of[0].starts_at.astimezone(CHICAGO).date()
    days = (demo_days(w.now)[0] - first).days
    for row in (*shifts, event):
        row.starts_at = _moved(row.starts_at, days)
        row.ends_at = _moved(row.ends_at, days)
    for shift in shifts:  # the demo's own watches are named by their day; others keep theirs
        if _is_watch(shift.name):
            kind = shift.name.split()[1]
            shift.name = f"{shift.starts_at.astimezone(CHICAGO):%A} {kind}"
    w.session.flush()
    return True


def _is_watch(name: str) -> bool:
    """A watch the demo made ("Sunday show", "Monday overnight"), not one a person added."""
    words = name.split()
    kinds = {kind for kind, *_ in WATCHES}
    return len(words) == 2 and words[0] in WEEKDAYS and words[1] in kinds


def _moved(at: datetime, days: int) -> datetime:
    local = at.astimezone(CHICAGO)
    return _local(local.date() + timedelta(days=days), local.time().replace(tzinfo=None))


def call_on_duty(w: Write, event: Event) -> int:
    """Check in the people planned for the watch in force, unless some already are: the
    command view then opens on live coverage. How many were checked in."""
    planned = duty_service.planned_now(w.session, event, w.now)
    on_duty = duty_service.on_duty_ids(w.session, event.id)
    if not planned or on_duty & {person_id for person_id, _ in planned}:
        return 0
    for person_id in sorted(on_duty):
        duty_service.check_out(w, event, {"person_id": person_id})
    zones = sorted({zone_id for _, zone_id in planned})
    late = {zone_id for n, zone_id in enumerate(zones) if n % NOT_YET_IN_EVERY == 1}
    called = []
    for person_id, zone_id in planned:
        if zone_id in late:
            late.discard(zone_id)  # the first one planned there is not in yet
            continue
        duty_service.check_in(w, event, {"person_id": person_id, "zone_id": zone_id})
        called.append(person_id)
    return len(called)


def ensure_demo(w: Write, feed_url: str, poll_s: int, fetcher: Fetcher) -> Event | None:
    """Seed an empty database, or bring the demo to now with people on duty; point the demo
    feed at this server. None if the demo is gone."""
    session = w.session
    event = session.scalar(select(Event).where(Event.name == EVENT_NAME))
    if event is None and session.scalar(select(Event.id).limit(1)) is not None:
        return None  # a real deployment's database: leave it alone
    if event is None:
        event = seed_event(w)
    redate(w, event)
    call_on_duty(w, event)
    feed = session.scalar(
        select(FeedSource).where(FeedSource.event_id == event.id, FeedSource.name == FEED_NAME)
    )
    where = {"url": feed_url, "interval_s": poll_s}
    if feed is None:
        new = {"name": FEED_NAME, "kind": "cap-atom", "event_id": event.id, **where}
        feed_service.create_feed(w, new, fetcher, min_interval_s=1)
    elif (feed.url, feed.interval_s) != (feed_url, poll_s):
        feed_service.update_feed(w, feed.id, where, fetcher, min_interval_s=1)
    session.flush()
    return event
