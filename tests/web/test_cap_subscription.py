"""One eventwatch subscribes to another's CAP feed: the other deployment (an app of its
own, with its own database and SECRET_KEY) serves its CAP feed out from a real HTTP server
on 127.0.0.1; it issues a partner a token; the first deployment's admin adds a cap-atom
source with that bearer token through the API, and the app's own fetcher (settings and
all) polls it. A wrong or revoked token fails the poll with a 401 in the feed's health."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import create_engine
from werkzeug.serving import make_server

from accounts import token_service
from accounts.models import ApiToken
from app import create_app
from common.times import utcnow
from common.writes import Write
from maps import live_service as live
from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.live import HOST, fresh_alert
from threats.models import FeedSource
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed
from web.database import upgrade_database


@dataclass
class Other:
    """The other deployment: its app, its CAP feed's URL, and the token it gave us."""

    app: Flask
    feed_url: str
    token: str
    token_id: int


@pytest.fixture
def other(tmp_path, feed_server) -> Iterator[Other]:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    engine = create_engine(url)
    upgrade_database(engine)
    engine.dispose()
    config = {"SECRET_KEY": "the-other-deployment", "SQLALCHEMY_DATABASE_URI": url}
    config |= {"INSTANCE_PATH": str(tmp_path / "other"), "SCHEDULER": False, "DEMO": False}
    config |= {"CAP_SENDER": "other-eoc"}
    other_app = create_app(config)
    event_id = seed_a_threat(other_app, feed_server)
    with db_session(other_app) as session:
        token = make_token(session, "partner", "first-deployment")
        token_id = session.query(ApiToken.id).scalar()
    server = make_server("127.0.0.1", 0, other_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    feed_url = f"http://127.0.0.1:{server.server_port}/api/v1/events/{event_id}/cap.atom"
    try:
        yield Other(other_app, feed_url, token, token_id)
    finally:
        server.shutdown()
        server.server_close()


def seed_a_threat(other_app: Flask, feed_server) -> int:
    """The other deployment's event, and a suspicious package its own desk read."""
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("OTHER-EOC-1"))
    with db_session(other_app) as session:
        event = make_event(session, name="Other EOC")
        make_fixture_zones(session, event)
        desk = FeedSource(name="desk", kind="cap", url=f"https://{HOST}/cap/now.xml")
        desk.event_id = event.id
        session.add(desk)
        session.commit()
        fetch = Fetcher((HOST,), "other", rebase=feed_server.rebase)
        result = poll_feed(session, desk, fetch=fetch, publish=live.publish, now=utcnow())
        assert result.ok and len(result.threats) == 1, result.errors
        return event.id


def test_one_eventwatch_subscribes_to_anothers_cap_feed_with_a_partner_token(app, other, login):
    with db_session(app) as session:
        mirror = make_event(session, name="Our mirror")
        make_fixture_zones(session, mirror)
        session.commit()
        mirror_id = mirror.id
    admin = login("admin")
    api, headers = admin.client, {"X-CSRFToken": admin.csrf}
    subscribed = api.post(
        "/api/v1/feeds",
        headers=headers,
        json={"kind": "cap-atom", "url": other.feed_url, "event_id": mirror_id,
              "name": "Other EOC", "credential": {"kind": "bearer", "secret": other.token}},
    )  # fmt: skip
    assert subscribed.status_code == 201, subscribed.json
    feed = f"/api/v1/feeds/{subscribed.json['id']}"
    polled = api.post(f"{feed}/poll", headers=headers).json
    assert polled["ok"] and polled["errors"] == [] and len(polled["threats"]) == 1, polled
    [threat] = api.get(f"/api/v1/events/{mirror_id}/threats").json["features"]
    said = threat["properties"]
    assert (said["kind"], said["source"], said["source_id"]) == (
        "Suspicious Package",
        "Other EOC",  # the feed's name here
        "other-eoc.1.1.1",  # the other deployment's CAP identifier: its sender first
    )
    assert [z["name"] for z in said["zones"]] == ["north-avenue-beach"]
    assert other.token not in api.get(feed).get_data(as_text=True)

    wrong = {"credential": {"kind": "bearer", "secret": "not-the-token-they-gave"}}
    api.patch(feed, headers=headers, json=wrong)
    assert_refused_with_401(api, feed, headers)

    api.patch(feed, headers=headers, json={"credential": {"kind": "bearer", "secret": other.token}})
    assert api.post(f"{feed}/poll", headers=headers).json["ok"]
    with db_session(other.app) as session:
        w = Write(session, "other-admin", utcnow(), live.publish)
        token_service.revoke_token(w, other.token_id)
        session.commit()
    assert_refused_with_401(api, feed, headers)


def assert_refused_with_401(api, feed: str, headers: dict) -> None:
    polled = api.post(f"{feed}/poll", headers=headers).json
    assert not polled["ok"]
    health = api.get(feed).json
    assert health["state"] in ("failing", "backing off")
    assert "HTTP 401 (unauthorized): it refused the credential sent" in health["last_error"]
