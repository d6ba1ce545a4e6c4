"""Watchlists read whole, or said to be partial: pagination to the stated total under a
per-reader safety cap, and one malformed record refused while the rest are kept. A real
database, the real readers and parsers, a real local HTTP server."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_event
from tests.support.polling import AT_1625, Recorder, add_feed
from threats.models import WatchlistRecord
from threats.polling import readers
from threats.polling.fetch import Fetcher
from threats.polling.health import feed_state, feed_status
from threats.polling.poll_service import poll_feed

HOSTS = ("api.fbi.gov", "www.treasury.gov", "data.opensanctions.org")
FBI = "https://api.fbi.gov/wanted/v1/list?page=1&pageSize=20"
FBI_HOST, FBI_PATH = "api.fbi.gov", "/wanted/v1/list"


@pytest.fixture
def world(session, feed_server):
    event = make_event(session, reach_rules=[])
    session.commit()
    return event, Fetcher(HOSTS, "eventwatch-test", rebase=feed_server.rebase)


def poll(session, feed, fetch, now):
    return poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=now)


def entries(session, feed, removed=False):
    rows = session.scalars(select(WatchlistRecord).where(WatchlistRecord.feed_id == feed.id))
    return {r.source_id: r for r in rows if (r.removed_at is not None) == removed}


def fbi_pages(feed_server, total: int, size: int = 20, pages: int | None = None) -> list[bytes]:
    """The list as the API pages it: {"total", "items", "page"}, each item shaped like the
    fixture's first poster (its own uid, title and @id)."""
    fixture = json.loads((feed_server.root / "fbi" / "wanted-list-page1.json").read_bytes())
    template = fixture["items"][0]
    count = pages if pages is not None else -(-total // size)
    out = []
    for number in range(1, count + 1):
        items = []
        for i in range((number - 1) * size, min(number * size, total)):
            item = copy.deepcopy(template)
            item["uid"] = f"{i:032x}"
            item["@id"] = f"https://api.fbi.gov/@wanted-person/{item['uid']}"
            item["title"] = f"TESTPERSON NUMBER{i:04d}"
            items.append(item)
        out.append(json.dumps({"total": total, "items": items, "page": number}).encode())
    return out


def serve(feed_server, bodies: list[bytes]) -> None:
    for body in bodies:  # the reader asks for the pages in order
        feed_server.queue(FBI_HOST, FBI_PATH, 200, body, {"Content-Type": "application/json"})


def test_fbi_list_of_1003_is_read_over_51_pages_and_is_complete(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=FBI, kind="fbi-wanted")
    serve(feed_server, fbi_pages(feed_server, 1003))
    result = poll(session, feed, fetch, AT_1625)
    assert result.ok and result.errors == [] and result.items == 1003
    assert len(feed_server.requests_to(FBI_PATH)) == 51
    assert len(entries(session, feed)) == 1003
    assert feed_state(feed, AT_1625) == "ok"
    # complete, so a poster that leaves the list is marked removed at the next read
    pages = fbi_pages(feed_server, 1003)
    last = json.loads(pages[-1])
    last["items"], last["total"] = last["items"][:2], 1002
    serve(feed_server, [*pages[:-1], json.dumps(last).encode()])
    later = AT_1625 + timedelta(minutes=5)
    result = poll(session, feed, fetch, later)
    assert result.ok and result.watchlist["removed"] == 1
    assert list(entries(session, feed, removed=True)) == [f"{1002:032x}"]


def test_the_page_cap_is_reported_and_removes_nothing(session, world, feed_server, monkeypatch):
    event, fetch = world
    feed = add_feed(session, event, url=FBI, kind="fbi-wanted")
    serve(feed_server, fbi_pages(feed_server, 100))
    poll(session, feed, fetch, AT_1625)
    assert len(entries(session, feed)) == 100
    # a source that claims far more than it could hold is cut at the reader's cap
    monkeypatch.setattr(readers, "FBI_MAX_PAGES", 3)
    feed.etag = feed.last_modified = None
    session.commit()
    serve(feed_server, fbi_pages(feed_server, 100, pages=4))
    later = AT_1625 + timedelta(minutes=5)
    result = poll(session, feed, fetch, later)
    assert result.ok and result.watchlist["removed"] == 0
    status = feed_status(feed, later)
    assert status["state"] == "partial"
    assert "stopped after 3 pages (the safety cap) of 100 records" in status["last_error"]
    assert entries(session, feed, removed=True) == {}


def test_interpol_beyond_its_160_results_is_partial(session, world, feed_server):
    event, _ = world
    fetch = Fetcher(("ws-public.interpol.int",), "eventwatch-test", rebase=feed_server.rebase)
    url = "https://ws-public.interpol.int/notices/v1/red?page=1&resultPerPage=20"
    feed = add_feed(session, event, url=url, kind="interpol-red")
    page = json.loads((feed_server.root / "interpol" / "red-page1.json").read_bytes())
    page["total"] = 6300  # the live API answers at most 160 of them, whatever the pages say
    del page["_links"]["next"]
    feed_server.queue("ws-public.interpol.int", "/notices/v1/red", 200, json.dumps(page).encode())
    result = poll(session, feed, fetch, AT_1625)
    assert result.ok and result.watchlist["added"] == 20 and result.watchlist["removed"] == 0
    assert "only the first 160 of 6300 notices" in feed.last_error
    assert feed_state(feed, AT_1625) == "partial"


SDN_XML = "https://www.treasury.gov/ofac/downloads/sdn.xml"


def test_one_empty_sdn_entry_is_refused_the_rest_stored_and_nothing_removed(
    session, world, feed_server
):
    event, fetch = world
    feed = add_feed(session, event, url=SDN_XML, kind="ofac-xml")
    poll(session, feed, fetch, AT_1625)
    assert sorted(entries(session, feed)) == ["990001", "990002", "990004"]
    # the next publication: 990004 delisted, a new person, and an entry with no parts
    refusals = (feed_server.root / "sanctions" / "ofac" / "sdn-refusals.xml").read_bytes()
    feed_server.put("www.treasury.gov", "/ofac/downloads/sdn.xml", refusals)
    later = AT_1625 + timedelta(hours=1)
    result = poll(session, feed, fetch, later)
    assert result.ok and result.watchlist == {"added": 1, "changed": 0, "removed": 0}
    assert sorted(entries(session, feed)) == ["990001", "990002", "990004", "990005"]
    status = feed_status(feed, later)
    assert status["state"] == "partial"
    assert status["last_error"] == (
        "1 of 4 records refused: record 2 (id 990003): sdnEntry has no sdnType"
    )
    assert entries(session, feed, removed=True) == {}  # a partial read removes nothing
    dobs = entries(session, feed)["990005"].birth_dates
    assert dobs == ["1984", "1985", "1986", "1970", "1965-02"]
