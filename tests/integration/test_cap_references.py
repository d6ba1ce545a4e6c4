"""CAP references act only within their own feed and their own sender (issue 17, finding 7).

Feed A carries the NWS warning; feed B, another source on the same event, publishes a
Cancel or an Update whose <references> name A's message. Both feeds are polled from a
real local HTTP server into a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.factories import make_event, make_fixture_zones
from tests.support.feedserver import FEEDS
from tests.support.polling import AT_1625, Recorder, add_feed, threats
from threats.models import ActivityEntry, ThreatSource
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed

SVR = "urn:oid:2.49.0.1.840.0.a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932.001.1"
NWS = "w-nws.webmaster@noaa.gov"
A_URL = f"https://api.weather.gov/alerts/{SVR}.cap"
PARTNER = "cap.partner-desk.example"
B_URL = f"https://{PARTNER}/cap/latest.xml"
ORIGINAL = (FEEDS / "cap" / "alert-01-svr-warning.xml").read_text()


def message(msg_type: str, sender: str, identifier: str = "partner-desk-0001") -> bytes:
    """B's message: the warning's own area and event, saying the storm is over, and
    naming A's warning in its references."""
    text = ORIGINAL.replace(SVR, identifier).replace(f"<sender>{NWS}", f"<sender>{sender}")
    text = text.replace("<msgType>Alert", f"<msgType>{msg_type}")
    text = text.replace("<sent>2026-07-18T15:42:00", "<sent>2026-07-18T16:20:00")
    text = text.replace("<severity>Severe", "<severity>Minor")
    text = text.replace("<headline>Severe Thunderstorm Warning issued", "<headline>ALL CLEAR")
    reference = f"<references>{NWS},{SVR},2026-07-18T15:42:00-05:00</references>"
    return text.replace("<info>", f"{reference}\n    <info>", 1).encode()


@pytest.fixture
def world(session, feed_server):
    event = make_event(session, reach_rules=[])
    make_fixture_zones(session, event)
    session.commit()
    fetch = Fetcher(("api.weather.gov", PARTNER), "eventwatch-test", rebase=feed_server.rebase)
    a = add_feed(session, event, url=A_URL, kind="cap")
    b = add_feed(session, event, url=B_URL, kind="cap")
    b.name = "Partner desk"
    session.commit()
    return event, fetch, a, b


def poll(session, feed, fetch):
    return poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625, force=True)


def picture(threat) -> tuple:
    """What a source's message could change of a threat."""
    return (
        threat.status,
        threat.closed_reason,
        threat.title,
        threat.severity,
        threat.geometry.wkt,
        threat.sent_at,
        threat.zone_ids,
    )


@pytest.mark.parametrize("msg_type", ["Cancel", "Update"])
@pytest.mark.parametrize("sender", [NWS, "ops@partner-desk.example"], ids=["same", "other"])
def test_another_feeds_reference_leaves_the_threat_alone(
    session, world, feed_server, msg_type, sender
):
    event, fetch, a, b = world
    assert poll(session, a, fetch).ok
    warning = threats(session, event)[SVR]
    before = picture(warning)
    feed_server.put(PARTNER, "/cap/latest.xml", message(msg_type, sender))
    result = poll(session, b, fetch)
    session.expire_all()
    assert picture(threats(session, event)[SVR]) == before  # neither closed nor rewritten
    assert result.ok and result.refused == 1
    assert "refused" in b.last_error and SVR in b.last_error  # in B's health
    assert b.last_error.startswith("1 refused")
    logged = session.scalars(
        select(ActivityEntry).where(ActivityEntry.action == "reference refused")
    ).all()
    assert [(e.threat_id, e.actor) for e in logged] == [(warning.id, "feed: Partner desk")]
    assert "partner-desk-0001" in logged[0].note and logged[0].to_status == "new"


def test_a_reference_that_arrives_before_the_original_does_not_suppress_it(
    session, world, feed_server
):
    """B names A's warning before A has published it: A's warning must still become A's
    threat, not be taken for a message already seen."""
    event, fetch, a, b = world
    feed_server.put(PARTNER, "/cap/latest.xml", message("Update", NWS))
    poll(session, b, fetch)
    assert poll(session, a, fetch).ok
    warning = threats(session, event)[SVR]
    assert warning.feed_id == a.id and warning.status == "new"
    assert warning.title.startswith("Severe Thunderstorm Warning issued")


def test_the_feeds_own_update_and_cancel_still_work(session, world, feed_server):
    event, fetch, a, b = world
    feed_server.put(PARTNER, "/cap/latest.xml", message("Cancel", NWS))
    poll(session, a, fetch)
    poll(session, b, fetch)  # refused, as above
    path = f"/alerts/{SVR}.cap"
    newer = (FEEDS / "cap" / "alert-02-svr-update.xml").read_bytes()
    feed_server.put("api.weather.gov", path, newer)
    result = poll(session, a, fetch)
    assert result.ok and result.refused == 0 and a.last_error is None
    warning = threats(session, event)[SVR]
    assert warning.status == "new" and "at 4:05PM CDT until" in warning.title  # the update's
    cancel = (FEEDS / "cap" / "alert-03-svr-cancel.xml").read_bytes()
    feed_server.put("api.weather.gov", path, cancel)
    assert poll(session, a, fetch).ok
    session.expire_all()
    warning = threats(session, event)[SVR]
    assert (warning.status, warning.closed_reason) == ("resolved", "cancelled by source")


def test_a_second_feed_carrying_the_same_messages_is_linked_and_not_refused(
    session, world, feed_server
):
    """Two feeds of the same NWS messages (a mirror): the second's copy is the same report,
    linked to the first's threat; its own chain names only what it carried itself, so
    nothing is refused, and it still does not rewrite the first feed's threat."""
    event, fetch, a, b = world
    poll(session, a, fetch)
    before = picture(threats(session, event)[SVR])
    feed_server.put(PARTNER, "/cap/latest.xml", ORIGINAL.encode())
    assert poll(session, b, fetch).refused == 0
    newer = (FEEDS / "cap" / "alert-02-svr-update.xml").read_bytes()
    feed_server.put(PARTNER, "/cap/latest.xml", newer)
    result = poll(session, b, fetch)
    assert result.ok and result.refused == 0 and b.last_error is None
    session.expire_all()
    warning = threats(session, event)[SVR]
    assert picture(warning) == before and warning.reported_by == ["Partner desk"]


def test_rows_from_before_keys_named_their_feed_still_belong_to_it(session, world, feed_server):
    """A database written before this change keys messages as cap:<sender>|<identifier>:
    its feed still knows them, and other feeds still may not name them."""
    event, fetch, a, b = world
    poll(session, a, fetch)
    session.execute(
        update(ThreatSource)
        .where(ThreatSource.source_key == f"cap:{a.id}|{NWS}|{SVR}")
        .values(source_key=f"cap:{NWS}|{SVR}")
    )
    a.etag = a.last_modified = None
    session.commit()
    assert poll(session, a, fetch).threats == []  # known: not a second threat
    assert len(threats(session, event)) == 1
    feed_server.put(PARTNER, "/cap/latest.xml", message("Cancel", NWS))
    assert poll(session, b, fetch).refused == 1
    assert threats(session, event)[SVR].status == "new"
    cancel = (FEEDS / "cap" / "alert-03-svr-cancel.xml").read_bytes()
    feed_server.put("api.weather.gov", f"/alerts/{SVR}.cap", cancel)
    assert poll(session, a, fetch).ok
    session.expire_all()
    assert threats(session, event)[SVR].status == "resolved"
