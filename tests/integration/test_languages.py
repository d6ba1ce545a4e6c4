"""A CAP alert in several languages: every block's words are kept by language, and an
Update replaces them, so each viewer can be shown the alert in their own language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.factories import make_event, make_fixture_zones
from tests.support.capschema import assert_valid_cap
from threats.feeds.cap import parse_alert
from threats.languages import other_languages, subtag
from threats.models import FeedSource, Threat
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed
from threats.serialize import threat_feature

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "multilingual"
HOST = "alerts.lakefront-festival.example"
AT = datetime(2026, 7, 18, 21, 25, tzinfo=UTC)


def test_the_fixtures_are_valid_cap():
    for name in ("alert.xml", "update.xml"):
        assert_valid_cap((HERE / name).read_bytes())


def test_every_other_language_once_and_never_the_first_again():
    alert = parse_alert((HERE / "alert.xml").read_bytes())
    texts = other_languages(alert.infos)
    assert list(texts) == ["es", "fr", "ar"]  # en-GB repeats the first block's language
    assert texts["es"]["title"] == "Paquete sospechoso en la casa de playa - aléjese"
    assert texts["fr"]["instruction"] == "Éloignez-vous du pavillon."
    assert texts["ar"]["description"].startswith("أُبلغ")
    assert other_languages(alert.infos[:1]) == {} and other_languages(()) == {}
    assert [subtag(x) for x in ("es-US", "FR-ca", "", None, "ar")] == ["es", "fr", "en", "en", "ar"]


@pytest.fixture
def feed(session, feed_server):
    event = make_event(session, reach_rules=[])
    make_fixture_zones(session, event)
    feed = FeedSource(
        name="Desk", kind="cap", url=f"https://{HOST}/cap/multi.xml", event_id=event.id
    )
    session.add(feed)
    session.commit()
    return feed


def poll(session, feed, feed_server, name: str) -> Threat:
    feed_server.put(HOST, "/cap/multi.xml", (HERE / name).read_bytes())
    fetch = Fetcher((HOST,), "eventwatch-test", rebase=feed_server.rebase)
    result = poll_feed(session, feed, fetch=fetch, publish=lambda *a: None, now=AT)
    assert result.ok, result.errors
    return session.scalars(select(Threat).where(Threat.event_id == feed.event_id)).one()


def test_a_polled_alert_keeps_its_languages_and_an_update_replaces_them(session, feed, feed_server):
    threat = poll(session, feed, feed_server, "alert.xml")
    assert threat.title == "Suspicious package at the beach house - keep away"  # the first block
    assert set(threat.texts) == {"es", "fr", "ar"}
    props = threat_feature(threat, {})["properties"]
    assert (
        props["texts"]["fr"]["title"] == "Colis suspect près du pavillon de plage - éloignez-vous"
    )
    updated = poll(session, feed, feed_server, "update.xml")
    assert updated.id == threat.id
    assert updated.texts["es"]["title"] == "Paquete sospechoso: el perímetro se amplía a 300 metros"
