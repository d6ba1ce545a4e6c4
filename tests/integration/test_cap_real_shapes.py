"""Real sources' CAP shapes polled end to end: a real local HTTP server, the real readers,
parsers and database, and what the map and the CAP feed out then show."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from shapely.geometry import Point

from maps import live_service as live
from tests.factories import make_event, make_fixture_zones
from tests.support.capschema import assert_valid_cap
from tests.support.feedserver import FEEDS
from tests.support.polling import AT_1625, Recorder, add_feed, threats
from threats.capout import document as capout
from threats.feeds import cap
from threats.polling import readers
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed

REAL = FEEDS / "cap" / "real"
USGS = "earthquake.usgs.gov"
NAAD = "rss.naad-adna.pelmorex.com"
OPS = "feeds.lakefront-ops.example"
HOSTS = (USGS, NAAD, OPS, "api.weather.gov")
QUAKE = "USGS-earthquakes-us2026lfsq.1.20260718T205500.000Z"
EPICENTRE = Point(-87.6262, 41.9117)  # inside north-avenue-beach


@pytest.fixture
def world(session, feed_server):
    """The event with the fixture zones, footprint rules only, and a fetcher to the server."""
    event = make_event(session, reach_rules=[])
    zones = make_fixture_zones(session, event)
    session.commit()
    return event, zones, Fetcher(HOSTS, "eventwatch-test", rebase=feed_server.rebase)


def serve(feed_server, host: str, path: str, name: str, folder=REAL) -> str:
    feed_server.put(host, path, (folder / name).read_bytes())
    return f"https://{host}{path}"


def poll(session, event, fetch, url: str, kind: str = "cap"):
    feed = add_feed(session, event, url=url, kind=kind)
    published = Recorder()
    result = poll_feed(session, feed, fetch=fetch, publish=published, now=AT_1625)
    return feed, result, published


def cap_documents(session, event) -> list[bytes]:
    """Every message of the event's CAP feed out, as the partner API serves them."""
    rows = live.stored_deltas(session, event.id, capout.THREAT_DELTAS)
    messages = capout.history(capout.partner_versions(rows), "ops.lakefront.example", event.id)
    return [capout.alert_document(m, ZoneInfo(event.timezone)) for m in messages]


def test_a_usgs_epicentre_is_a_point_threat_on_the_map_and_in_the_cap_feed_out(
    session, world, feed_server
):
    event, zones, fetch = world
    url = serve(
        feed_server,
        USGS,
        "/earthquakes/eventpage/us2026lfsq.cap",
        "usgs-earthquake-circle-zero.cap",
    )
    _, result, published = poll(session, event, fetch, url)
    assert result.ok and result.errors == [] and result.rejected == []
    threat = threats(session, event)[QUAKE]
    assert threat.geometry == EPICENTRE
    assert threat.zone_ids == [zones["north-avenue-beach"].id]
    created = published.deltas[0]["data"]
    assert created["geometry"] == {"type": "Point", "coordinates": (-87.6262, 41.9117)}
    assert created["properties"]["point"] == [-87.6262, 41.9117]
    [body] = cap_documents(session, event)
    assert_valid_cap(body)
    circle = cap.parse_alert(body).geometry  # a point goes out as a 10 m circle around it
    assert circle.contains(EPICENTRE) and circle.centroid.distance(EPICENTRE) < 1e-6


def test_a_point_reaches_the_zones_its_rule_gives_it_a_distance_to(session, feed_server):
    """A suspicious package 300 m north of North Avenue Beach: outside every zone, inside
    the NCTC stand-off of the default rules (1,850 ft, 564 m)."""
    event = make_event(session)
    zones = make_fixture_zones(session, event)
    session.commit()
    fetch = Fetcher(HOSTS, "eventwatch-test", rebase=feed_server.rebase)
    package = (
        (REAL / "usgs-earthquake-circle-zero.cap")
        .read_bytes()
        .replace(b"<event>Earthquake</event>", b"<event>Suspicious Package</event>")
        .replace(b"41.9117,-87.6262 0.0", b"41.9177,-87.6262 0.0")
    )
    feed_server.put(OPS, "/cap/package.xml", package)
    _, result, _ = poll(session, event, fetch, f"https://{OPS}/cap/package.xml")
    assert result.ok
    threat = threats(session, event)[QUAKE]
    assert threat.geometry == Point(-87.6262, 41.9177)
    assert threat.zone_ids == [zones["north-avenue-beach"].id]


def test_a_point_outside_every_zone_is_no_threat_under_footprint_rules(session, world, feed_server):
    event, _, fetch = world
    away = (
        (REAL / "usgs-earthquake-circle-zero.cap")
        .read_bytes()
        .replace(b"41.9117,-87.6262 0.0", b"41.9177,-87.6262 0.0")
    )
    feed_server.put(USGS, "/earthquakes/eventpage/away.cap", away)
    _, result, _ = poll(session, event, fetch, f"https://{USGS}/earthquakes/eventpage/away.cap")
    assert result.ok and threats(session, event) == {}


def test_naad_entries_are_read_inline_without_fetching_a_link(session, world, feed_server):
    event, zones, fetch = world
    url = serve(feed_server, NAAD, "/feed.atom", "naad-inline.atom")
    feed, result, _ = poll(session, event, fetch, url, kind="cap-atom")
    assert result.ok and result.errors == []
    assert [r["path"] for r in feed_server.log] == ["/feed.atom"]  # nothing else was fetched
    found = threats(session, event)
    assert set(found) == {"urn:oid:2.49.0.1.124.5a1f0c2e.2026"}  # the heartbeat is System
    threat = found["urn:oid:2.49.0.1.124.5a1f0c2e.2026"]
    assert set(threat.zone_ids) == {z.id for z in zones.values()}
    assert (threat.language, threat.kind) == ("en-CA", "weather")
    assert threat.texts["fr"]["title"] == "bulletin météorologique spécial en vigueur"
    again = Recorder()
    poll_feed(session, feed, fetch=fetch, publish=again, now=AT_1625)
    assert again.kinds() == ["feed_status"]  # both entries are known now


def test_usgs_entries_are_read_from_their_cap_link_never_the_html_page(session, world, feed_server):
    event, zones, fetch = world
    url = serve(feed_server, USGS, "/earthquakes/feed/atom/2.0/day", "usgs-index.atom")
    page = b"<!DOCTYPE html><html><body>Event page</body></html>"
    feed_server.put(USGS, "/earthquakes/eventpage/us2026lfsq", page)
    feed_server.put(USGS, "/earthquakes/eventpage/us2026lfsr", page)
    serve(
        feed_server,
        USGS,
        "/earthquakes/eventpage/us2026lfsq.cap",
        "usgs-earthquake-circle-zero.cap",
    )
    serve(
        feed_server, USGS, "/earthquakes/eventpage/us2026lfsr.xml", "usgs-earthquake-oak-street.cap"
    )
    _, result, _ = poll(session, event, fetch, url, kind="cap-atom")
    assert result.ok and result.errors == []
    paths = [r["path"] for r in feed_server.log]
    assert "/earthquakes/eventpage/us2026lfsq" not in paths  # typed text/html: never fetched
    # An untyped alternate may be CAP: fetched, found to be a page, and the next link read.
    assert paths[-2:] == [
        "/earthquakes/eventpage/us2026lfsr",
        "/earthquakes/eventpage/us2026lfsr.xml",
    ]
    found = threats(session, event)
    assert found[QUAKE].zone_ids == [zones["north-avenue-beach"].id]
    oak = found["USGS-earthquakes-us2026lfsr.1.20260718T205803.000Z"]
    assert oak.zone_ids == [zones["oak-street-beach"].id]


def test_an_edxl_de_1_distribution_makes_a_threat_of_each_alert_and_counts_the_bad_one(
    session, world, feed_server
):
    event, zones, fetch = world
    url = serve(feed_server, OPS, "/edxl/fire.xml", "edxl-de-1.0-fire-service.xml")
    feed, result, _ = poll(session, event, fetch, url)
    assert result.ok and result.items == 3
    found = threats(session, event)
    assert {k: t.zone_ids for k, t in found.items()} == {
        "2026-07-18T15:30:00-05:00:990001": [zones["north-avenue-beach"].id],
        "2026-07-18T15:50:00-05:00:990002": [zones["oak-street-beach"].id],
    }
    assert len(result.rejected) == 1
    assert feed.last_error.startswith(
        "1 of 3 records refused: record 2 (id 2026-07-18T15:40:00-05:00:990003)"
    )
    assert feed.consecutive_failures == 0


def test_an_edxl_de_2_distribution_and_an_ipaws_list_make_a_threat_of_each_alert(
    session, world, feed_server
):
    event, zones, fetch = world
    de2 = serve(feed_server, OPS, "/edxl/ops.xml", "edxl-de-2.0-distribution.xml")
    ipaws = serve(feed_server, OPS, "/ipaws/alerts.xml", "ipaws-alerts.xml")
    assert poll(session, event, fetch, de2)[1].ok and poll(session, event, fetch, ipaws)[1].ok
    found = threats(session, event)
    assert {k: t.zone_ids for k, t in found.items()} == {
        "LAKEFRONT-OPS-2026-0718-0042": [zones["oak-street-beach"].id],
        "IPAWS-LFS-2026-0718-001": [zones["north-avenue-beach"].id],
        "IPAWS-LFS-2026-0718-002": [zones["oak-street-beach"].id],
    }


def test_a_2017_nws_document_keeps_its_good_features_and_counts_the_bad_one(
    session, world, feed_server
):
    event, zones, fetch = world
    url = serve(
        feed_server,
        "api.weather.gov",
        "/alerts/active/zone/ILZ014",
        "alerts-2017-sender-spaces.geojson",
        folder=FEEDS / "nws" / "real",
    )
    feed, result, _ = poll(session, event, fetch, url, kind="nws")
    assert result.ok and result.items == 3
    found = threats(session, event)
    # The Beach Hazards Statement names zones only (geometry null): no place to match.
    assert list(found) == ["NWS-IDP-PROD-2026071801"]
    assert found["NWS-IDP-PROD-2026071801"].zone_ids == [zones["north-avenue-beach"].id]
    assert feed.last_error.startswith(
        "1 of 3 records refused: record 3 (id NWS-IDP-PROD-2026071803)"
    )


def test_an_icelandic_alert_goes_out_labelled_icelandic(session, world, feed_server):
    event, _, fetch = world
    url = serve(feed_server, OPS, "/imo/wind.cap", "imo-two-languages.cap")
    assert poll(session, event, fetch, url)[1].ok
    threat = threats(session, event)["is-IMO-7c1e9a52-3b0d-4f6e-8a21-5d9c0b7e4f13"]
    assert (threat.language, threat.kind) == ("is-IS", "Veðurviðvörun: Vindur")
    assert threat.texts["en"]["title"] == "Southeast gales on the shore (SYNTHETIC)"
    [body] = cap_documents(session, event)
    assert_valid_cap(body)
    info = cap.parse_alert(body).info
    assert (info.language, info.event) == ("is-IS", "Veðurviðvörun: Vindur")


@pytest.mark.parametrize(
    ("name", "kind", "dtd_root"),
    [
        ("edxl-de-1.0-fire-service.xml", "cap", "edxlde:EDXLDistribution"),
        ("naad-inline.atom", "cap-atom", "feed"),
    ],
)
def test_billion_laughs_in_a_wrapper_fails_the_poll_and_keeps_the_last_good_data(
    session, world, feed_server, name, kind, dtd_root
):
    event, _, fetch = world
    good = serve(feed_server, OPS, "/good/ipaws.xml", "ipaws-alerts.xml")
    poll(session, event, fetch, good)
    before = {k: t.status for k, t in threats(session, event).items()}
    laughs = (FEEDS / "cap" / "malicious-billion-laughs.xml").read_text()
    dtd = laughs[laughs.index("<!DOCTYPE") : laughs.index("]>") + 2].replace("alert", dtd_root, 1)
    body = (REAL / name).read_text()
    body = body[body.index("?>", body.index("<?xml")) + 2 :]
    feed_server.put(OPS, "/hostile", (dtd + body.replace("SYNTHETIC", "&lol9;", 1)).encode())
    feed, result, published = poll(session, event, fetch, f"https://{OPS}/hostile", kind=kind)
    assert not result.ok and "DTD" in result.errors[0]
    assert feed.consecutive_failures == 1
    assert {k: t.status for k, t in threats(session, event).items()} == before
    assert published.kinds() == ["feed_status"]


def test_an_entry_of_a_thousand_links_is_not_a_thousand_fetches(session, world, feed_server):
    """A source's Atom entry listing 1,000 links that all fail: the poller tries a few of
    them, not all (no source makes one poll hammer a host on the list)."""
    event, _, fetch = world
    links = "".join(
        f'<link rel="related" href="https://{OPS}/missing/{n}.xml"/>' for n in range(1000)
    )
    index = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:ops</id><title>Ops</title>'
        "<updated>2026-07-18T16:00:00Z</updated><entry><id>urn:ops:1</id><title>x</title>"
        f"<updated>2026-07-18T16:00:00Z</updated>{links}</entry></feed>"
    )
    feed_server.put(OPS, "/ops.atom", index.encode())
    _, result, _ = poll(session, event, fetch, f"https://{OPS}/ops.atom", kind="cap-atom")
    tried = [r for r in feed_server.log if r["path"].startswith("/missing/")]
    assert 1 <= len(tried) <= cap.MAX_ENTRY_LINKS, len(tried)
    assert result.errors  # the entry is missed, and read again at the next poll


def test_an_index_of_many_new_entries_is_read_over_several_polls(
    session, world, feed_server, monkeypatch
):
    """An index listing more new entries than one poll fetches (MAX_ENTRIES_PER_POLL): each
    poll reads that many documents and the rest wait for the next, none lost or fetched
    twice."""
    monkeypatch.setattr(readers, "MAX_ENTRIES_PER_POLL", 5)
    event, _, fetch = world
    document = (REAL / "usgs-earthquake-circle-zero.cap").read_bytes()
    entries = ""
    for n in range(12):
        feed_server.put(OPS, f"/alerts/{n}.xml", document)
        entries += (
            f"<entry><id>urn:ops:{n}</id><title>x</title><updated>2026-07-18T16:00:00Z</updated>"
            f'<link type="application/cap+xml" href="https://{OPS}/alerts/{n}.xml"/></entry>'
        )
    index = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:ops</id><title>Ops</title>'
        f"<updated>2026-07-18T16:00:00Z</updated>{entries}</feed>"
    )
    feed_server.put(OPS, "/many.atom", index.encode())
    feed = add_feed(session, event, url=f"https://{OPS}/many.atom", kind="cap-atom")
    fetched = []
    for _ in range(4):
        poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
        fetched.append(len([r for r in feed_server.log if r["path"].startswith("/alerts/")]))
    assert fetched == [5, 10, 12, 12]
