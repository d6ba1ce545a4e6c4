"""Small builders for tests: an event, zones from a GeoJSON file, users with tokens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from accounts import services as accounts
from accounts.models import User
from extensions import db
from planner import services as planner
from planner.models import Event, Shift, Zone
from storage import utcnow


@contextmanager
def db_session(app) -> Iterator[Session]:
    """A short app context for setup: HTTP and Socket.IO requests in a test must not share
    the test's `g` (and with it the logged-in user) by running inside its context."""
    with app.app_context():
        yield db.session
        db.session.remove()


FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSWORD = "correct horse battery staple"


def make_event(session: Session, **overrides) -> Event:
    data = {
        "name": "Lakefront Summer Festival",
        "timezone": "America/Chicago",
        "starts_at": "2026-07-18T08:00:00",
        "ends_at": "2026-07-18T23:00:00",
        "expected_attendance": 250_000,
    } | overrides
    return planner.create_event(session, data)


def make_shift_now(session: Session, event: Event, name: str = "Now") -> Shift:
    """An operational period in force now (from an hour ago to three hours ahead)."""
    now = utcnow()
    shift = planner.create_shift(
        session,
        event,
        {
            "name": name,
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
        },
    )
    session.flush()
    return shift


def make_fixture_zones(session: Session, event: Event) -> dict[str, Zone]:
    """The two beach zones of the feed fixtures, keyed by their fixture id."""
    collection = json.loads((FIXTURES / "feeds" / "zones" / "event-zones.geojson").read_text())
    zones = {}
    for feature in collection["features"]:
        key = feature["id"]
        feature = {**feature, "properties": {"name": key, "kind": "crowd", "density": 2.0}}
        zones[key] = planner.create_zone(session, event, feature)
    return zones


def make_user(session: Session, role: str, username: str | None = None) -> User:
    new = accounts.create_user(
        session, username or f"{role}-user", role, agency="Test PD", password=PASSWORD
    )
    return new.user


def make_token(session: Session, role: str, username: str | None = None) -> str:
    user = make_user(session, role, username)
    token = accounts.create_token(session, user, "test")
    session.commit()
    return token
