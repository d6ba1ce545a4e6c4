"""Redirects, index entry links and next links that try to leave the allowed hosts (issue
17, finding 4), against real HTTP servers on 127.0.0.1 and a real database.

The fetcher here allows only `localhost`, where the feed server answers; a second server
on 127.0.0.1 stands for a service inside the network that no feed may reach. No rebase:
the fetcher connects where requests reads the URL, as it does in production."""

from __future__ import annotations

import pytest

from tests.factories import make_event, make_fixture_zones
from tests.support.feedserver import FEEDS, FeedServer
from tests.support.polling import AT_1625, PACKAGE, Recorder, add_feed, threats
from threats.polling.fetch import Fetcher
from threats.polling.health import feed_status
from threats.polling.poll_service import poll_feed

SVR = "urn:oid:2.49.0.1.840.0.a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932.001.1"
PACKAGE_ALERT = (FEEDS / "cap" / "alert-04-circle-suspicious-package.xml").read_bytes()
SVR_ALERT = (FEEDS / "cap" / "alert-01-svr-warning.xml").read_bytes()


@pytest.fixture
def inside():
    """The service a hostile URL aims at; every request it gets is a breach."""
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def world(session, feed_server, inside):
    event = make_event(session, reach_rules=[])
    make_fixture_zones(session, event)
    session.commit()
    fetch = Fetcher(("localhost",), "eventwatch-test")
    feed = f"localhost:{feed_server.httpd.server_port}"
    hidden = f"127.0.0.1:{inside.httpd.server_port}"
    yield event, fetch, feed, hidden
    fetch.http.close()


def poll(session, feed, fetch):
    return poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625, force=True)


@pytest.mark.parametrize(
    "location, problem",
    [
        ("http://{hidden}/cap/alert.xml", "not an allowed feed host"),
        ("http://{hidden}\\@{feed}/cap/alert.xml", "backslash"),
        ("http://ops:secret@{feed}/cap/alert.xml", "user name"),
        ("http://{feed}@{hidden}/cap/alert.xml", "user name"),
        ("/\\{hidden}/cap/alert.xml", "backslash"),  # a browser reads //{hidden}/...
    ],
)
def test_a_redirect_off_the_allowed_hosts_fails_the_poll_and_stores_nothing(
    session, world, feed_server, inside, location, problem
):
    event, fetch, feed, hidden = world
    target = location.format(feed=feed, hidden=hidden)
    feed_server.put("localhost", "/cap/moved.xml", b"", 302, {"Location": target})
    feed_server.put("localhost", "/cap/alert.xml", PACKAGE_ALERT)
    source = add_feed(session, event, url=f"http://{feed}/cap/moved.xml", kind="cap")
    result = poll(session, source, fetch)
    assert not result.ok and problem in result.errors[0]
    assert inside.log == []  # nothing reached the service inside
    assert feed_server.requests_to("/cap/alert.xml") == []  # nor the allowed host, as ops
    assert threats(session, event) == {}
    status = feed_status(source, AT_1625)
    assert status["healthy"] is False and source.consecutive_failures == 1
    assert problem in status["last_error"]


def test_an_index_entry_that_leaves_the_allowed_hosts_is_refused_and_the_rest_is_read(
    session, world, feed_server, inside
):
    event, fetch, feed, hidden = world
    links = {
        "good": f"http://{feed}/cap/package.xml",
        "backslash": f"http://{hidden}\\@{feed}/cap/svr.xml",
        "user-info": f"http://ops:secret@{feed}/cap/svr.xml",
        "tab": f"http://{hidden}&#9;@{feed}/cap/svr.xml",  # XML would make a raw tab a space
    }
    feed_server.put("localhost", "/alerts.atom", atom_index(links))
    feed_server.put("localhost", "/cap/package.xml", PACKAGE_ALERT)
    feed_server.put("localhost", "/cap/svr.xml", SVR_ALERT)
    source = add_feed(session, event, url=f"http://{feed}/alerts.atom")
    result = poll(session, source, fetch)
    assert result.ok and result.items == 4
    assert set(threats(session, event)) == {PACKAGE}  # the good entry is read
    assert inside.log == [] and feed_server.requests_to("/cap/svr.xml") == []
    assert result.refused == 3
    assert source.last_error.startswith("3 refused")
    assert feed_status(source, AT_1625)["state"] == "partial"
    for name in ("backslash", "user-info", "tab"):
        assert f"entry {name}: refused" in source.last_error


def test_a_next_page_link_that_leaves_the_allowed_hosts_is_refused(
    session, world, feed_server, inside
):
    event, fetch, feed, hidden = world
    page = (FEEDS / "interpol" / "red-page1.json").read_text()
    trick = page.replace(
        "https://ws-public.interpol.int/notices/v1/red?page=2",
        f"http://{hidden}\\\\@{feed}/notices/v1/red?page=2",  # a backslash, JSON-escaped
    )
    assert trick != page
    feed_server.put("localhost", "/notices/v1/red", trick.encode())
    url = f"http://{feed}/notices/v1/red?page=1&resultPerPage=20"
    source = add_feed(session, event, url=url, kind="interpol-red")
    result = poll(session, source, fetch)
    assert inside.log == []
    assert result.ok and result.items == 20  # page 1 is kept; the list is incomplete
    assert result.refused == 1 and "page 2: refused" in source.last_error
    assert "backslash" in source.last_error


def atom_index(links: dict[str, str]) -> bytes:
    entries = "".join(
        f"""
  <entry>
    <id>{name}</id>
    <link rel="alternate" href="{href}"/>
    <updated>2026-07-18T16:10:00-05:00</updated>
    <title>{name}</title>
  </entry>"""
        for name, href in links.items()
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>http://localhost/alerts.atom</id>
  <title>hostile index</title>
  <updated>2026-07-18T21:25:00+00:00</updated>{entries}
</feed>""".encode()
