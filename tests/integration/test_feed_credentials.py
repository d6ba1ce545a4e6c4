"""Feed credentials on the wire, polled on a real database from real local servers: each
kind reaches its source, and only its source's origin; a redirect or a link to another
origin (another port, or http for https) is fetched without it; a credential this key
cannot open, or one given for another origin, fails the poll before anything is sent; no
error text or log record carries the secret. Each kind sends its own Accept."""

from __future__ import annotations

import base64
import logging

import pytest

from tests.factories import make_event, make_fixture_zones
from tests.support.feedserver import FEEDS, FeedServer
from tests.support.live import fresh_alert
from tests.support.polling import AT_1625, Recorder, add_feed
from threats.polling.credentials import Credential, secret_box
from threats.polling.feed_service import set_credential
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed, poll_once

SECRET = "Zq8-feed-secret-4417"
HOST = "alerts.lakefront-festival.example"
PACKAGE_URL = f"https://{HOST}/cap/LFS-2026-0718-0007.xml"
USER_AGENT = "eventwatch/0.1 (credential tests)"


@pytest.fixture
def event(session):
    made = make_event(session, reach_rules=[])
    make_fixture_zones(session, made)
    session.commit()
    return made


def fetcher(feed_server, hosts=(HOST, "api.weather.gov"), key="test-secret-key") -> Fetcher:
    box = secret_box(None, key)
    return Fetcher(hosts, USER_AGENT, rebase=feed_server.rebase, secrets=box)


def with_credential(session, feed, fetch: Fetcher, **given):
    set_credential(feed, given, fetch)
    session.commit()
    return feed


def poll(session, feed, fetch):
    return poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625, force=True)


def sent_anywhere(server: FeedServer, value: str) -> bool:
    return any(value in str(entry["headers"]) for entry in server.log)


BASIC = base64.b64encode(f"eoc:{SECRET}".encode()).decode()


@pytest.mark.parametrize(
    "given, header, value",
    [
        ({"kind": "bearer", "secret": SECRET}, "Authorization", f"Bearer {SECRET}"),
        ({"kind": "basic", "user": "eoc", "secret": SECRET}, "Authorization", f"Basic {BASIC}"),
        ({"kind": "header", "header": "X-App-Token", "secret": SECRET}, "X-App-Token", SECRET),
    ],
)
def test_each_kind_of_credential_opens_its_source(
    session, event, feed_server, given, header, value
):
    feed_server.require(HOST, header, value)
    fetch = fetcher(feed_server)
    feed = add_feed(session, event, PACKAGE_URL, kind="cap")
    refused = poll(session, feed, fetch)
    assert not refused.ok
    assert "HTTP 401 (unauthorized): no credential was sent" in refused.errors[0]
    with_credential(session, feed, fetch, **given)
    result = poll(session, feed, fetch)
    assert result.ok and len(result.threats) == 1, result.errors
    assert feed_server.log[-1]["headers"][header] == value
    assert feed.credential_sealed and SECRET not in feed.credential_sealed


def test_a_wrong_credential_fails_the_poll_with_a_clear_401(session, event, feed_server):
    feed_server.require(HOST, "Authorization", "Bearer the-right-one")
    fetch = fetcher(feed_server)
    feed = with_credential(
        session, add_feed(session, event, PACKAGE_URL, "cap"), fetch, kind="bearer", secret=SECRET
    )
    result = poll(session, feed, fetch)
    assert not result.ok
    assert "HTTP 401 (unauthorized): it refused the credential sent" in feed.last_error
    assert SECRET not in feed.last_error


def test_the_credential_stays_with_its_origin_across_ports(session, event, feed_server):
    """Server A (the feed's origin) links one entry on itself, one on server B (another
    port of the same host), and redirects a third to B: only A ever sees the credential."""
    other = FeedServer().start()
    try:
        a, b = feed_server.base_url, other.base_url
        feed_server.require("127.0.0.1", "Authorization", f"Bearer {SECRET}")
        feed_server.put("127.0.0.1", "/feed.atom", atom_index([f"{a}/a.xml", f"{b}/b.xml",
                                                                 f"{a}/moved.xml"]))  # fmt: skip
        feed_server.put("127.0.0.1", "/a.xml", fresh_alert("ON-A"))
        feed_server.put("127.0.0.1", "/moved.xml", b"", 302, {"Location": f"{b}/moved.xml"})
        other.put("127.0.0.1", "/b.xml", fresh_alert("ON-B"))
        other.put("127.0.0.1", "/moved.xml", fresh_alert("MOVED-TO-B"))
        fetch = Fetcher(("127.0.0.1",), USER_AGENT, secrets=secret_box(None, "k"))
        feed = with_credential(
            session,
            add_feed(session, event, f"{a}/feed.atom", "cap-atom"),
            fetch,
            kind="bearer",
            secret=SECRET,
        )
        result = poll(session, feed, fetch)
        assert result.ok and result.errors == [] and len(result.threats) == 3, result.errors
        assert [e["path"] for e in other.log] == ["/b.xml", "/moved.xml"]
        assert not sent_anywhere(other, SECRET)
        assert all(e["headers"].get("Authorization") == f"Bearer {SECRET}" for e in feed_server.log)
    finally:
        other.stop()


def test_a_redirect_from_https_to_http_on_the_same_host_drops_the_credential(
    session, event, feed_server
):
    feed_server.queue(HOST, "/cap/now.xml", 302, headers={"Location": f"http://{HOST}/cap/plain"})
    feed_server.put(HOST, "/cap/plain", fresh_alert("PLAIN-1"))
    fetch = fetcher(feed_server)
    feed = add_feed(session, event, f"https://{HOST}/cap/now.xml", "cap")
    with_credential(session, feed, fetch, kind="header", header="X-API-Key", secret=SECRET)
    assert poll(session, feed, fetch).ok
    first, hop = feed_server.log
    assert first["headers"]["X-API-Key"] == SECRET
    assert hop["path"] == "/cap/plain" and "X-API-Key" not in hop["headers"]


def test_a_credential_this_key_cannot_open_fails_the_poll_naming_the_setting(
    session, event, feed_server, caplog
):
    feed = add_feed(session, event, PACKAGE_URL, "cap")
    with_credential(session, feed, fetcher(feed_server), kind="bearer", secret=SECRET)
    rotated = fetcher(feed_server, key="SECRET_KEY rotated since")
    with caplog.at_level(logging.DEBUG):
        result = poll_once(session, feed.id, fetch=rotated, publish=Recorder(), now=AT_1625)
    assert not result.ok and feed_server.log == []  # nothing was sent at all
    assert "cannot be opened with FEED_SECRETS_KEY" in feed.last_error
    assert feed.consecutive_failures == 1  # a failed poll like any other: it backs off
    assert any("FEED_SECRETS_KEY" in r.getMessage() for r in caplog.records)


def test_a_credential_moved_to_another_origin_in_the_database_is_not_sent(
    session, event, feed_server
):
    fetch = fetcher(feed_server)
    feed = add_feed(session, event, PACKAGE_URL, "cap")
    with_credential(session, feed, fetch, kind="bearer", secret=SECRET)
    feed.url = "https://api.weather.gov/alerts/active?area=IL"  # not through update_feed
    session.commit()
    result = poll(session, feed, fetch)
    assert not result.ok and feed_server.log == []
    assert f"given for https://{HOST}:443" in feed.last_error


def test_error_text_quoting_a_header_does_not_carry_the_secret(session, event, feed_server, caplog):
    """requests quotes a header value it refuses; the fetcher blots the secret out."""
    fetch = fetcher(feed_server)
    feed = add_feed(session, event, PACKAGE_URL, "cap")
    broken = Credential("header", f"{SECRET}\r\nX-Injected: 1", f"https://{HOST}:443", "", "X-K")
    feed.credential_kind, feed.credential_sealed = "header", fetch.secrets.seal(broken)
    session.commit()
    with caplog.at_level(logging.DEBUG):
        result = poll_once(session, feed.id, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert not result.ok and "[credential]" in feed.last_error
    assert SECRET not in feed.last_error
    assert not any(SECRET in r.getMessage() for r in caplog.records)


def test_api_weather_gov_answers_atom_to_cap_atom_and_geojson_to_nws(session, event, feed_server):
    """api.weather.gov serves GeoJSON unless asked for Atom; each kind asks for its own."""
    bodies = {
        "application/atom+xml": (FEEDS / "cap" / "index.atom").read_bytes(),
        "application/geo+json": (FEEDS / "nws" / "alerts-active.geojson").read_bytes(),
    }
    feed_server.offer("api.weather.gov", "/alerts/active", bodies, "application/geo+json")
    fetch = fetcher(feed_server)
    url = "https://api.weather.gov/alerts/active?area=IL"
    atom = poll(session, add_feed(session, event, url, "cap-atom"), fetch)
    assert atom.ok and atom.errors == [] and atom.items == 4, atom.errors
    index = feed_server.requests_to("/alerts/active")[0]["headers"]
    assert index["Accept"].startswith("application/atom+xml")
    assert index["User-Agent"] == USER_AGENT  # api.weather.gov refuses requests without one
    nws = poll(session, add_feed(session, event, url, "nws"), fetch)
    assert nws.ok and nws.items > 0, nws.errors
    assert feed_server.log[-1]["headers"]["Accept"].startswith("application/geo+json")


def atom_index(links: list[str]) -> bytes:
    entries = "".join(
        f"<entry><id>urn:test:{n}</id><updated>2026-07-18T21:0{n}:00Z</updated>"
        f'<title>entry {n}</title><link rel="alternate" href="{link}"/></entry>'
        for n, link in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<id>urn:test:index</id><title>index</title><updated>2026-07-18T21:25:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


def test_a_validator_longer_than_a_feed_keeps_is_not_kept_and_the_poll_is_read(
    session, event, feed_server
):
    """A source's 600-character ETag (or a 150-character Last-Modified): on PostgreSQL,
    storing it failed the poll, at every poll. It is no validator we can send back."""
    headers = {"ETag": '"' + "e" * 600 + '"', "Last-Modified": "Sat, " + "x" * 150}
    feed_server.put(HOST, "/cap/validators.xml", fresh_alert("VALIDATOR-1"), headers=headers)
    feed = add_feed(session, event, url=f"https://{HOST}/cap/validators.xml")
    fetch = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    session.commit()
    assert result.ok and (feed.etag, feed.last_modified) == (None, None)
