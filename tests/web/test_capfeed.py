"""The CAP 1.2 feed over HTTP. A second event subscribes to the first one's feed with the
real poller (through the test client, with a partner's token) and ends up with the same
threats; Updates and Cancels follow the source and the commanders; every document is valid
CAP 1.2 and holds nothing that partners may not see."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

import pytest
from flask import Flask
from flask.testing import FlaskClient
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.audience import threat_for_partner
from maps import live_service as live
from planner.models import Event, Zone
from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.capschema import assert_valid_cap
from threats.capout.values import event_name
from threats.feeds import cap
from threats.feeds.records import Incident
from threats.ingest_service import EventContext, ingest_incident
from threats.models import OPEN_STATUSES, FeedSource, Threat
from threats.polling.fetch import Access, Fetcher, FetchError, FetchResult
from threats.polling.poll_service import PollResult, poll_feed
from threats.serialize import threat_feature
from web.extensions import db

AT_1625 = datetime(2026, 7, 18, 21, 25, tzinfo=UTC)  # 16:25 CDT, as in the fixtures' README
HOSTS = ("api.weather.gov", "alerts.lakefront-festival.example")
NWS = "https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0"
SVR_ALERT = f"{NWS}.a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932.001.1.cap"
SVR_UPDATE = f"{NWS}.5f35d70b45e31c68af30b20a3ed8440ba9c59917.001.1.cap"
SVR_CANCEL = f"{NWS}.8310c75f35970f1f33facb2b3ab1feb1dad68a09.001.1.cap"
PACKAGE = "https://alerts.lakefront-festival.example/cap/LFS-2026-0718-0007.xml"
# Planted where partners may not look; none may appear in the feed.
MARKERS = {
    "feed": "ZZ-FEED-NAME-4e1",
    "commander": "zzcmdr-5e2",  # closed_reason becomes "by zzcmdr-5e2"
    "assignee": "ZZ-ASSIGNEE-6f3",
    "note": "ZZ-NOTE-7a4",
    "incident": "ZZ-INCIDENT-TEXT-8b5",
    "incident_id": "ZZ-INCIDENT-ID-9c6",
    "kind": "ZZ-KIND-0d7 (Interpol red notice)",
    "title": "ZZ-TITLE-1e8",
    "description": "ZZ-DESCRIPTION-2f9",
    "source_id": "ZZ-SOURCE-ID-3a0",
}
FROM_SOURCES = (  # the source alerts' own identifiers and free text
    "a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932",
    "LFS-2026-0718-0007",
    "Suspicious package near North Avenue Beach house",
    "SVRLOT",
    "w-nws.webmaster@noaa.gov",
)


@dataclass
class World:
    app: Flask
    client: FlaskClient
    engine: object
    fetch: Fetcher
    source: int  # the event whose feed is read
    mirror: int  # the event that subscribes to it
    desk: int  # the source event's CAP feed (from the fixtures)
    subscription: int
    commander: str
    partner: str

    @contextmanager
    def database(self) -> Iterator[Session]:
        """A session of its own: the poller's requests open their own app contexts."""
        with Session(self.engine) as session:
            yield session

    def feed_url(self, event_id: int | None = None) -> str:
        return f"http://localhost/api/v1/events/{event_id or self.source}/cap.atom"

    def get(self, url: str, token: str | None = None, **headers):
        if token or token is None:
            headers["Authorization"] = f"Bearer {token or self.partner}"
        return self.client.get(url, headers=headers)


@pytest.fixture
def world(app, client, feed_server) -> World:
    with db_session(app) as session:
        source = make_event(session, reach_rules=[])
        mirror = make_event(session, name="Partner EOC mirror", reach_rules=[])
        make_fixture_zones(session, source)
        make_fixture_zones(session, mirror)
        desk = FeedSource(name=MARKERS["feed"], kind="cap", url=SVR_ALERT, event_id=source.id)
        subscription = FeedSource(name="Festival", kind="cap-atom", url="", event_id=mirror.id)
        session.add_all([desk, subscription])
        session.commit()
        ids = source.id, mirror.id, desk.id, subscription.id
        commander = make_token(session, "commander", MARKERS["commander"])
        partner = make_token(session, "partner", "eoc-partner")
        engine = db.engine
    fetch = Fetcher(HOSTS, "eventwatch-test", rebase=feed_server.rebase)
    made = World(app, client, engine, fetch, *ids, commander, partner)
    with made.database() as session:
        session.get(FeedSource, made.subscription).url = made.feed_url()
        session.commit()
    return made


def client_fetch(world: World):
    """The poller's fetch, answered by the app through the test client with a partner's token."""

    def fetch(url: str, etag=None, last_modified=None, access: Access | None = None):
        headers = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        headers["Accept"] = access.accept if access else None  # the poller's, per kind
        response = world.get(url, **{k: v for k, v in headers.items() if v})
        if response.status_code not in (200, 304):
            raise FetchError(f"{url}: HTTP {response.status_code}")
        return FetchResult(
            url,
            response.status_code,
            response.get_data(),
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
        )

    return fetch


def source_says(world: World, url: str) -> None:
    """The source event's CAP desk polls one fixture document."""
    with world.database() as session:
        feed = session.get(FeedSource, world.desk)
        feed.url, feed.etag, feed.last_modified = url, None, None
        session.commit()
        result = poll_feed(session, feed, fetch=world.fetch, publish=live.publish, now=AT_1625)
    assert result.ok and result.errors == [], result.errors


def subscribe(world: World) -> PollResult:
    """The mirror event polls the source event's feed, as any CAP consumer would."""
    with world.database() as session:
        feed = session.get(FeedSource, world.subscription)
        result = poll_feed(
            session, feed, fetch=client_fetch(world), publish=live.publish, now=AT_1625
        )
    assert result.ok and result.errors == [], result.errors
    return result


def add_incident_and_watchlist_match(world: World) -> None:
    """A drone seen over Oak Street Beach; a watchlist match near the beach house, kept as
    the screening keeps one (its kind names the list, so partners do not get it)."""
    with world.database() as session:
        ctx = EventContext.load(session, session.get(Event, world.source))
        feed = session.get(FeedSource, world.desk)
        drone = Incident(
            MARKERS["incident_id"],
            "DRONE SIGHTING",
            MARKERS["incident"],
            Point(-87.624, 41.903),
            AT_1625,
        )
        ingest_incident(session, ctx, drone, feed, now=AT_1625, publish=live.publish)
        north = next(z for z, name in ctx.zone_names.items() if name == "north-avenue-beach")
        match = Threat(
            event_id=world.source,
            source="screening",
            source_id=MARKERS["source_id"],
            kind=MARKERS["kind"],
            category="watchlist",
            severity="severe",
            title=MARKERS["title"],
            description=MARKERS["description"],
            geometry=Point(-87.6262, 41.9125),
            zone_ids=[north],
            sent_at=AT_1625,
            first_seen=AT_1625,
            updated_at=AT_1625,
        )
        session.add(match)
        session.flush()
        live.publish(session, world.source, "threat_created", threat_feature(match, ctx.zone_names))
        session.commit()


def command(world: World, kind: str, change: dict) -> None:
    """A commander changes the source event's threat of this kind through the API."""
    with world.database() as session:
        threat_id = session.scalar(
            select(Threat.id).where(Threat.event_id == world.source, Threat.kind == kind)
        )
    response = world.client.patch(
        f"/api/v1/events/{world.source}/threats/{threat_id}",
        json=change,
        headers={"Authorization": f"Bearer {world.commander}"},
    )
    assert response.status_code == 200, response.get_json()


class Seen(NamedTuple):
    """A threat as partners see it."""

    severity: str
    urgency: str
    certainty: str
    zones: list[str]
    open: bool
    expires_at: datetime | None
    geometry: BaseGeometry


def picture(world: World, event_id: int) -> dict[str, Seen]:
    """Each threat of the event, keyed by its partner-visible kind."""
    with world.database() as session:
        query = select(Zone.id, Zone.name).where(Zone.event_id == event_id)
        names = dict(session.execute(query).all())
        threats = session.scalars(select(Threat).where(Threat.event_id == event_id)).all()
        return {
            event_name(threat_for_partner(threat_feature(t, names))["properties"]): Seen(
                t.severity,
                t.urgency,
                t.certainty,
                sorted(names[z] for z in t.zone_ids),
                t.status in OPEN_STATUSES,
                t.expires_at,
                t.geometry,
            )
            for t in threats
        }


def assert_mirrored(world: World) -> dict[str, Seen]:
    """The mirror holds the source's threats (every one that was open when first seen),
    the same in every partner-visible respect, in the same place."""
    source, mirror = picture(world, world.source), picture(world, world.mirror)
    assert sorted(mirror) == sorted(source)
    for kind, seen in source.items():
        copy = mirror[kind]
        assert copy._replace(geometry=None) == seen._replace(geometry=None), kind
        if seen.geometry.geom_type == "Point":  # sent as a small circle around it
            assert copy.geometry.contains(seen.geometry)
            assert copy.geometry.centroid.distance(seen.geometry) < 1e-6
        else:
            assert copy.geometry.equals_exact(seen.geometry, 1e-6), kind
    return mirror


def mirrored(world: World, kind: str) -> Threat:
    """The mirror's one threat of this kind."""
    with world.database() as session:
        query = select(Threat).where(Threat.event_id == world.mirror, Threat.kind == kind)
        threat = session.scalars(query).one()
        session.expunge(threat)
        return threat


def test_a_subscriber_mirrors_the_threats_and_follows_updates_and_cancels(world):
    source_says(world, SVR_ALERT)
    source_says(world, PACKAGE)
    add_incident_and_watchlist_match(world)
    assert len(subscribe(world).threats) == 4
    mirror = assert_mirrored(world)
    assert mirror["Security alert"].zones == ["north-avenue-beach"]  # its kind is withheld
    assert subscribe(world).not_modified  # nothing changed: a 304, nothing read again

    source_says(world, SVR_UPDATE)  # the storm narrows to North Avenue Beach
    command(world, "Suspicious Package", {"status": "assigned", "assignee": MARKERS["assignee"]})
    command(world, "Drone Sighting", {"note": MARKERS["note"]})  # nothing partners see
    updated = {mirrored(world, k).id for k in ("Severe Thunderstorm Warning", "Suspicious Package")}
    assert set(subscribe(world).threats) == updated
    mirror = assert_mirrored(world)
    assert mirror["Severe Thunderstorm Warning"].zones == ["north-avenue-beach"]

    source_says(world, SVR_CANCEL)
    command(world, "Suspicious Package", {"status": "resolved"})
    command(world, "Drone Sighting", {"status": "dismissed"})
    subscribe(world)
    closed = sorted(kind for kind, seen in assert_mirrored(world).items() if not seen.open)
    assert closed == ["Drone Sighting", "Severe Thunderstorm Warning", "Suspicious Package"]
    assert mirrored(world, "Drone Sighting").closed_reason == "cancelled by source"

    command(world, "Suspicious Package", {"status": "new"})  # reopened: an Update revives it
    subscribe(world)
    assert assert_mirrored(world)["Suspicious Package"].open
    assert mirrored(world, "Suspicious Package").status == "new"


def every_document(world: World) -> dict[str, bytes]:
    """The index's messages and every earlier message they reference, by identifier."""
    index = world.get(world.feed_url())
    found, queue = {}, [entry.link for entry in cap.parse_atom_index(index.get_data())]
    while queue:
        response = world.get(queue.pop())
        assert response.status_code == 200 and response.mimetype == "application/cap+xml"
        alert = cap.parse_alert(response.get_data())
        found[alert.identifier] = response.get_data()
        base = f"http://localhost/api/v1/events/{world.source}/cap"
        queue += [
            f"{base}/{r.identifier}.xml" for r in alert.references if r.identifier not in found
        ]
    return {"index": index.get_data(), **found}


def test_every_message_is_valid_cap_and_withholds_what_partners_may_not_see(world):
    source_says(world, SVR_ALERT)
    source_says(world, PACKAGE)
    add_incident_and_watchlist_match(world)
    command(
        world,
        "Suspicious Package",
        {"status": "assigned", "assignee": MARKERS["assignee"], "note": MARKERS["note"]},
    )
    source_says(world, SVR_UPDATE)
    source_says(world, SVR_CANCEL)
    command(world, "Suspicious Package", {"status": "resolved", "note": MARKERS["note"]})
    command(world, "Drone Sighting", {"status": "dismissed"})
    command(world, "Suspicious Package", {"status": "acknowledged"})
    documents = every_document(world)
    chains = {}
    for identifier, body in documents.items():
        leaked = [m for m in (*MARKERS.values(), *FROM_SOURCES) if m.encode() in body]
        assert leaked == [], identifier
        if identifier != "index":
            assert_valid_cap(body)
            alert = cap.parse_alert(body)
            chains.setdefault(alert.incidents, []).append(alert)
    types = {}
    for chain in chains.values():
        chain.sort(key=lambda a: len(a.references))
        for k, alert in enumerate(chain):
            assert [r.key for r in alert.references] == [a.key for a in chain[:k]]
        types[chain[0].info.event] = [a.msg_type for a in chain]
    assert types == {
        "Severe Thunderstorm Warning": ["Alert", "Update", "Cancel"],
        "Suspicious Package": ["Alert", "Update", "Cancel", "Update"],
        "Drone Sighting": ["Alert", "Cancel"],
        "Security alert": ["Alert"],
    }
    staff = world.get(world.feed_url(), token=world.commander)
    assert staff.get_data() == documents["index"]  # one feed for all: the partner copy


def test_pollers_get_304_until_a_threat_changes(world):
    source_says(world, PACKAGE)
    first = world.get(world.feed_url())
    assert first.status_code == 200 and first.mimetype == "application/atom+xml"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert (
        "no-cache" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    )
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        again = world.get(world.feed_url(), **headers)
        assert (again.status_code, again.get_data()) == (304, b"")
        assert again.headers["ETag"] == etag
    [entry] = cap.parse_atom_index(first.get_data())
    document = world.get(entry.link)
    assert document.status_code == 200 and document.headers["Last-Modified"]
    assert world.get(entry.link, **{"If-None-Match": document.headers["ETag"]}).status_code == 304
    command(world, "Suspicious Package", {"status": "acknowledged"})
    changed = world.get(world.feed_url(), **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    [entry_now] = cap.parse_atom_index(changed.get_data())
    assert entry_now.msg_type == "Update" and entry_now.link != entry.link
    assert world.get(entry.link).status_code == 200  # a superseded message is still there


def test_any_login_reads_the_feed_and_an_unknown_message_is_404(world):
    source_says(world, PACKAGE)
    assert world.get(world.feed_url(), token="").status_code == 401
    assert world.get(world.feed_url(), token="ew_not-a-token").status_code == 401
    assert world.get(world.feed_url(), token=world.commander).status_code == 200
    [entry] = cap.parse_atom_index(world.get(world.feed_url()).get_data())
    identifier = entry.link.rsplit("/", 1)[1]
    elsewhere = f"http://localhost/api/v1/events/{world.mirror}/cap/{identifier}"
    missing = world.get(elsewhere)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    for wrong in (identifier.replace(".xml", "9.xml"), "1.xml", "x.y.z.xml"):
        base = entry.link.rsplit("/", 1)[0]
        assert world.get(f"{base}/{wrong}").status_code == 404, wrong
    assert world.get(world.feed_url(event_id=99_999)).status_code == 404
    empty = world.get(world.feed_url(world.mirror))
    assert empty.status_code == 200 and cap.parse_atom_index(empty.get_data()) == []
