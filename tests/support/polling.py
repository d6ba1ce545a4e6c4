"""Shared by the poll service's tests on a real database: the fixtures' clock, the NWS
index they poll, the package alert's identifier, a recording publish, and feed rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from maps import live_service as live
from threats.models import FeedSource, Threat

AT_1625 = datetime(2026, 7, 18, 21, 25, tzinfo=UTC)  # 16:25 CDT, as in the fixtures' README
INDEX = "https://api.weather.gov/alerts?area=IL&zone=ILC031"
PACKAGE = "LFS-2026-0718-0007"


class Recorder:
    """The real publish, remembering what it published."""

    def __init__(self):
        self.deltas = []

    def __call__(self, session, event_id, kind, payload):
        delta = live.publish(session, event_id, kind, payload)
        self.deltas.append(delta)
        return delta

    def kinds(self):
        return [d["kind"] for d in self.deltas]


def add_feed(session, event, url=INDEX, kind="cap-atom") -> FeedSource:
    feed = FeedSource(name="NWS Cook County", kind=kind, url=url, event_id=event.id)
    session.add(feed)
    session.commit()
    return feed


def threats(session, event):
    return {
        t.source_id: t for t in session.scalars(select(Threat).where(Threat.event_id == event.id))
    }
