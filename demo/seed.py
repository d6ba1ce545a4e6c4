"""Seeds an empty database with the Chicago Air and Water Show and its demo feed."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.roster import seed_staffing
from planner import services
from planner.models import Event
from threats.models import FeedSource

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


def seed_event(session: Session, today: date) -> Event:
    friday = show_friday(today)
    event = services.create_event(
        session,
        {
            "name": EVENT_NAME,
            "timezone": "America/Chicago",
            "starts_at": _local(friday, time(6, 0)).isoformat(),
            "ends_at": _local(friday + timedelta(days=2), time(20, 0)).isoformat(),
            "expected_attendance": 1_000_000,
        },
    )
    for feature in json.loads(ZONES.read_text(encoding="utf-8"))["features"]:
        services.create_zone(session, event, feature)
    for offset, name, start, end in SHIFTS:
        day = friday + timedelta(days=offset)
        services.create_shift(
            session,
            event,
            {
                "name": name,
                "starts_at": _local(day, start).isoformat(),
                "ends_at": _local(day, end).isoformat(),
            },
        )
    session.flush()
    session.refresh(event)
    seed_staffing(session, event)
    return event


def ensure_demo(session: Session, today: date, feed_url: str, poll_s: int) -> Event | None:
    """Seed an empty database; point the demo feed at this server. None if the demo is gone."""
    event = session.scalar(select(Event).where(Event.name == EVENT_NAME))
    if event is None and session.scalar(select(Event.id).limit(1)) is not None:
        return None  # a real deployment's database: leave it alone
    if event is None:
        event = seed_event(session, today)
    feed = session.scalar(
        select(FeedSource).where(FeedSource.event_id == event.id, FeedSource.name == FEED_NAME)
    )
    if feed is None:
        feed = FeedSource(name=FEED_NAME, kind="cap-atom", event_id=event.id, url=feed_url)
        session.add(feed)
    feed.url, feed.interval_s = feed_url, poll_s
    session.flush()
    return event
