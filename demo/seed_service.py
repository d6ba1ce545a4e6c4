"""Seeds an empty database with the Chicago Air and Water Show and its demo feed."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from common.writes import Write
from demo.roster import NEEDS, SHOW_PERIODS, roster_csv
from planner import (
    deployment_service,
    event_service,
    people_service,
    roles_service,
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
# (day offset from the Friday, name, start, end) in Chicago local time.
SHIFTS = (
    (0, "Friday rehearsal", time(8, 0), time(16, 0)),
    (1, "Saturday ingress", time(6, 0), time(10, 30)),
    (1, "Saturday show", time(9, 30), time(15, 30)),
    (1, "Saturday egress", time(15, 0), time(19, 0)),
    (2, "Sunday ingress", time(6, 0), time(10, 30)),
    (2, "Sunday show", time(9, 30), time(15, 30)),
    (2, "Sunday egress", time(15, 0), time(19, 0)),
)


def show_friday(today: date) -> date:
    """The Friday before the next show: the show is the third weekend of August."""
    for year in (today.year, today.year + 1):
        first = date(year, 8, 1)
        saturday = first + timedelta(days=(5 - first.weekday()) % 7 + 14)
        if saturday >= today:
            return saturday - timedelta(days=1)
    raise AssertionError("unreachable")


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=CHICAGO)


def seed_event(w: Write, today: date) -> Event:
    friday = show_friday(today)
    event = event_service.create_event(
        w,
        {
            "name": EVENT_NAME,
            "timezone": "America/Chicago",
            "starts_at": _local(friday, time(6, 0)).isoformat(),
            "ends_at": _local(friday + timedelta(days=2), time(20, 0)).isoformat(),
            "expected_attendance": 1_000_000,
        },
    ).result
    for feature in json.loads(ZONES.read_text(encoding="utf-8"))["features"]:
        zone_service.create_zone(w, event, feature)
    for offset, name, start, end in SHIFTS:
        day = friday + timedelta(days=offset)
        event_service.create_shift(
            w,
            event,
            {
                "name": name,
                "starts_at": _local(day, start).isoformat(),
                "ends_at": _local(day, end).isoformat(),
            },
        )
    w.session.flush()
    w.session.refresh(event)
    seed_staffing(w, event)
    return event


def seed_staffing(w: Write, event: Event) -> None:
    """The demo's roster, head counts for the show periods, and an auto-assigned plan."""
    if w.session.scalar(select(Person.id).limit(1)) is None:
        roster = people_service.read_roster_file(roster_csv(), roles_service.book(w.session))
        people_service.import_roster(w, roster, event)
    else:
        ids = list(w.session.scalars(select(Person.id)))
        people_service.make_available(w, event, {"person_ids": ids})
    items = [
        {"zone_id": zone.id, "shift_id": shift.id, "role": role, "required": count}
        for shift in event.shifts
        if shift.name in SHOW_PERIODS
        for zone in event.zones
        for role, count in NEEDS.get(zone.kind, {}).items()
    ]
    deployment_service.set_requirements(w, event, items, replace=False)
    deployment_service.auto_assign(w, event, apply=True, time_limit_s=5.0)


def ensure_demo(
    w: Write, today: date, feed_url: str, poll_s: int, fetcher: Fetcher
) -> Event | None:
    """Seed an empty database; point the demo feed at this server. None if the demo is gone."""
    session = w.session
    event = session.scalar(select(Event).where(Event.name == EVENT_NAME))
    if event is None and session.scalar(select(Event.id).limit(1)) is not None:
        return None  # a real deployment's database: leave it alone
    if event is None:
        event = seed_event(w, today)
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
