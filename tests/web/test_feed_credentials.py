"""A feed's credential through both doors: given once (API or form), kept sealed, never
shown back. The secret is searched for in every answer and page, every row of every
table (the audit log and the live deltas included) and every log record."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from app import create_app
from common.audience import for_partner
from common.storage import Base
from maps.models import LiveDelta
from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.live import HOST, fresh_alert, joined, received
from threats.polling.fetch import Fetcher
from web.extensions import db, feed_secrets

SECRET = "Zq8-partner-token-5521"
URL = f"https://{HOST}/cap/now.xml"


@pytest.fixture
def desk(app, feed_server, login, caplog):
    """An event, a fetcher that may reach the festival desk's feed (which wants the
    secret), and an admin's session; every log record is kept for the end."""
    caplog.set_level(logging.DEBUG)
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        session.commit()
        event_id = event.id
    app.extensions["eventwatch.fetcher"] = Fetcher(
        (HOST, "api.weather.gov"), "test", rebase=feed_server.rebase, secrets=feed_secrets(app)
    )
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("CRED-1"))
    feed_server.require(HOST, "Authorization", f"Bearer {SECRET}")
    admin = login("admin")
    yield admin, event_id
    everything = everything_stored(app)
    assert SECRET not in everything
    assert not [r for r in caplog.records if SECRET in r.getMessage()]


def everything_stored(app) -> str:
    """Every row of every table, as text."""
    with app.app_context(), db.engine.connect() as conn:
        return repr([conn.execute(t.select()).all() for t in Base.metadata.sorted_tables])


def test_the_api_takes_a_credential_and_never_gives_it_back(app, desk, feed_server):
    admin, event_id = desk
    api, headers = admin.client, {"X-CSRFToken": admin.csrf}
    made = api.post(
        "/api/v1/feeds",
        headers=headers,
        json={"kind": "cap", "url": URL, "event_id": event_id,
              "credential": {"kind": "bearer", "secret": SECRET}},
    )  # fmt: skip
    assert made.status_code == 201 and made.json["credential"] == {"kind": "bearer"}
    feed = f"/api/v1/feeds/{made.json['id']}"
    polled = api.post(f"{feed}/poll", headers=headers)
    assert polled.json["ok"] and len(polled.json["threats"]) == 1, polled.json
    renamed = api.patch(feed, headers=headers, json={"name": "Festival desk"})
    assert renamed.json["credential"] == {"kind": "bearer"}  # kept when not given
    assert api.post(f"{feed}/poll", headers=headers).json["ok"]
    answers = [made, polled, renamed, api.get(feed), api.get("/api/v1/feeds")]
    answers.append(api.get("/admin/feeds/"))
    assert "Credential: bearer token set" in answers[-1].get_data(as_text=True)
    assert not [a for a in answers if SECRET in a.get_data(as_text=True)]


def test_the_credential_does_not_follow_the_feed_to_another_site(app, desk):
    admin, event_id = desk
    api, headers = admin.client, {"X-CSRFToken": admin.csrf}
    feed = api.post(
        "/api/v1/feeds",
        headers=headers,
        json={"kind": "cap", "url": URL, "event_id": event_id,
              "credential": {"kind": "header", "header": "X-App-Token", "secret": SECRET}},
    ).json  # fmt: skip
    assert feed["credential"] == {"kind": "header", "header": "X-App-Token"}
    path = f"/api/v1/feeds/{feed['id']}"
    moved = api.patch(path, headers=headers, json={"url": "https://api.weather.gov/alerts"})
    assert moved.status_code == 400 and moved.json["error"]["details"]["field"] == "credential"
    same_site = api.patch(path, headers=headers, json={"url": f"https://{HOST}/cap/other.xml"})
    assert same_site.status_code == 200 and same_site.json["credential"]
    plain = api.patch(
        path,
        headers=headers,
        json={"url": f"http://{HOST}/cap.xml", "credential": {"kind": "bearer", "secret": SECRET}},
    )
    assert plain.status_code == 400 and "only over https" in plain.json["error"]["message"]
    spaced = {"kind": "bearer", "secret": f"{SECRET} x"}
    bad = api.patch(path, headers=headers, json={"credential": spaced})
    assert bad.status_code == 400 and SECRET not in bad.get_data(as_text=True)
    removed = api.patch(path, headers=headers, json={"credential": None})
    assert removed.json["credential"] is None
    polled = api.post(f"{path}/poll", headers=headers).json
    assert not polled["ok"] and "no credential was sent" in polled["errors"][0]


def test_the_page_adds_keeps_replaces_and_removes_a_credential(app, desk, feed_server):
    admin, event_id = desk
    page, form = admin.client, {"csrf_token": admin.csrf}
    added = page.post(
        "/admin/feeds/",
        data={**form, "kind": "cap", "url": URL, "event_id": str(event_id),
              "credential_kind": "bearer", "credential_secret": "first-one"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Credential: bearer token set" in added.get_data(as_text=True)
    feed_id = page.get("/api/v1/feeds").json["feeds"][0]["id"]
    kept = page.post(
        f"/admin/feeds/{feed_id}/credential",
        data={**form, "credential_kind": "bearer", "credential_secret": ""},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The credential is unchanged" in kept
    slip = page.post(
        f"/admin/feeds/{feed_id}/credential",
        data={**form, "credential_kind": "none", "credential_secret": SECRET},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "choose its kind" in slip and "Credential: bearer token set" in slip
    replaced = page.post(
        f"/admin/feeds/{feed_id}/credential",
        data={**form, "credential_kind": "bearer", "credential_secret": SECRET},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "credential replaced" in replaced and SECRET not in replaced
    assert 'value=""' in replaced  # the secret field comes back empty
    polled = page.post(f"/admin/feeds/{feed_id}/poll", data=form, follow_redirects=True)
    assert "Polled: 1 items, 1 new threats." in polled.get_data(as_text=True)
    removed = page.post(
        f"/admin/feeds/{feed_id}/credential", data={**form, "remove": "1"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "credential removed" in removed and "Credential: bearer token set" not in removed


def test_a_partner_and_the_live_map_learn_nothing_of_the_credential(app, desk, login):
    admin, event_id = desk
    made = admin.client.post(
        "/api/v1/feeds",
        headers={"X-CSRFToken": admin.csrf},
        json={"kind": "cap", "url": URL, "event_id": event_id,
              "credential": {"kind": "basic", "user": "eoc-desk", "secret": SECRET}},
    ).json  # fmt: skip
    assert made["credential"] == {"kind": "basic"}  # not even the user name
    polled = admin.client.post(
        f"/api/v1/feeds/{made['id']}/poll", headers={"X-CSRFToken": admin.csrf}
    ).json
    assert not polled["ok"]  # the desk wants a bearer token, not basic: still a status delta
    with db_session(app) as session:
        partner = make_token(session, "partner", "eoc-partner")
        [delta] = session.scalars(select(LiveDelta).where(LiveDelta.kind == "feed_status"))
        assert delta.data["credential"] == {"kind": "basic"}
        assert "credential" not in for_partner("feed_status", delta.data)
    sio = joined(admin, event_id)
    [snapshot] = received(sio, "snapshot")
    assert snapshot["feeds"][0]["credential"] == {"kind": "basic"}
    assert SECRET not in repr(sio.get_received("/live")) + repr(snapshot)
    viewer = app.test_client()
    seen = viewer.get("/api/v1/feeds", headers={"Authorization": f"Bearer {partner}"})
    assert seen.status_code == 200 and "credential" not in seen.json["feeds"][0]
    assert "eoc-desk" not in everything_stored(app)


def test_a_feed_secrets_key_that_is_no_key_stops_the_start_naming_the_setting(tmp_path):
    config = {"TESTING": True, "SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path)}
    config |= {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SCHEDULER": False}
    config |= {"DEMO": False, "FEED_SECRETS_KEY": "hunter2"}
    with pytest.raises(ValueError, match="FEED_SECRETS_KEY: key 1 is not a Fernet key"):
        create_app(config)
