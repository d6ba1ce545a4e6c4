"""Small builders for tests: an event, zones from a GeoJSON file, users with tokens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from accounts import services as accounts
from accounts import token_service
from accounts.models import User
from common.times import utcnow
from common.writes import Write
from planner import event_service, zone_service
from planner.models import Event, Shift, Zone
from web.extensions import db


@contextmanager
def db_session(app) -> Iterator[Session]:
    """A short app context for setup: HTTP and Socket.IO requests in a test must not share
    the test's `g` (and with it the logged-in user) by running inside its context."""
    with app.app_context():
        yield db.session
        db.session.remove()


FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSWORD = "correct horse battery staple"


def write(session: Session, actor: str = "test", *, told=None) -> Write:
    """A write as the services take it. A test's setup tells no viewer (so the sequence
    numbers a test asserts start at its own first delta) unless `told` is a publish."""
    return Write(session, actor, utcnow(), told or _setup_publish)


def _setup_publish(session, event_id, kind, payload) -> None:
    return None


def make_event(session: Session, **overrides) -> Event:
    data = {
        "name": "Lakefront Summer Festival",
        "timezone": "America/Chicago",
        "starts_at": "2026-07-18T08:00:00",
        "ends_at": "2026-07-18T23:00:00",
        "expected_attendance": 250_000,
    } | overrides
    return event_service.create_event(write(session), data).result


def make_shift_now(session: Session, event: Event, name: str = "Now") -> Shift:
    """An operational period in force now (from an hour ago to three hours ahead)."""
    now = utcnow()
    shift = event_service.create_shift(
        write(session),
        event,
        {
            "name": name,
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
        },
    ).result
    session.flush()
    return shift


def make_fixture_zones(session: Session, event: Event) -> dict[str, Zone]:
    """The two beach zones of the feed fixtures, keyed by their fixture id."""
    collection = json.loads((FIXTURES / "feeds" / "zones" / "event-zones.geojson").read_text())
    zones = {}
    for feature in collection["features"]:
        key = feature["id"]
        feature = {**feature, "properties": {"name": key, "kind": "crowd", "density": 2.0}}
        zones[key] = zone_service.create_zone(write(session), event, feature).result
    return zones


def make_user(session: Session, role: str, username: str | None = None) -> User:
    new = accounts.create_user(
        write(session), username or f"{role}-user", role, agency="Test PD", password=PASSWORD
    )
    return new.result.user


def make_token(session: Session, role: str, username: str | None = None) -> str:
    user = make_user(session, role, username)
    token = token_service.create_token(write(session), user, "test").result
    session.commit()
    return token
