"""The feed health page as an admin and a commander use it, and the feed API."""

from __future__ import annotations

from tests.factories import PASSWORD, db_session, make_event, make_fixture_zones, make_user
from tests.web.test_access import csrf_from
from tests.web.test_live import HOST, fresh_alert
from threats.polling.fetch import Fetcher


def login(app, role: str):
    with db_session(app) as session:
        make_user(session, role, role)
        session.commit()
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": role, "password": PASSWORD, "csrf_token": token})
    return client, token


def test_an_admin_adds_pauses_resumes_and_polls_a_feed(app, feed_server):
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        session.commit()
        event_id = event.id
    app.extensions["eventwatch.fetcher"] = Fetcher(
        (HOST,), "eventwatch/0.1 (test deployment)", rebase=feed_server.rebase
    )
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("PAGE-1"))
    admin, token = login(app, "admin")
    added = admin.post(
        "/admin/feeds/",
        data={
            "csrf_token": token,
            "name": "Festival desk",
            "kind": "cap",
            "url": f"https://{HOST}/cap/now.xml",
            "interval_s": "60",
            "event_id": str(event_id),
        },
    )
    assert added.status_code == 302
    refused = admin.post(
        "/admin/feeds/",
        data={"csrf_token": token, "kind": "cap", "url": "http://10.0.0.1/cap.xml"},
        follow_redirects=True,
    )
    assert "not an allowed feed host" in refused.get_data(as_text=True)
    feeds = admin.get("/api/v1/feeds").json["feeds"]
    assert [f["name"] for f in feeds] == ["Festival desk"] and feeds[0]["state"] == "new"
    feed_id = feeds[0]["id"]
    polled = admin.post(
        f"/admin/feeds/{feed_id}/poll", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Polled: 1 items, 1 new threats." in polled
    assert feed_server.log[-1]["headers"]["User-Agent"] == "eventwatch/0.1 (test deployment)"
    admin.post(f"/admin/feeds/{feed_id}/pause", data={"csrf_token": token})
    assert admin.get(f"/api/v1/feeds/{feed_id}").json["state"] == "paused"
    admin.post(f"/admin/feeds/{feed_id}/resume", data={"csrf_token": token})
    status = admin.get(f"/api/v1/feeds/{feed_id}").json
    assert status["state"] == "ok" and status["enabled"] and status["item_count"] == 1
    page = admin.get("/admin/feeds/").get_data(as_text=True)
    assert "Festival desk" in page and "Pause" in page


def test_a_commander_can_poll_but_not_pause_and_a_partner_cannot_even_see_the_page(app):
    commander, token = login(app, "commander")
    assert commander.get("/admin/feeds/").status_code == 200
    assert commander.post("/admin/feeds/1/pause", data={"csrf_token": token}).status_code == 403
    partner, partner_token = login(app, "partner")
    assert (
        partner.post("/admin/feeds/1/poll", data={"csrf_token": partner_token}).status_code == 403
    )
    # feed URLs and their errors are not for partners; they see feed health on the shared map
    assert partner.get("/admin/feeds/").status_code == 403


def test_the_watchlist_api_lists_entries_and_searches_names(app, feed_server):
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
    app.extensions["eventwatch.fetcher"] = Fetcher(
        ("data.opensanctions.org",), "test", rebase=feed_server.rebase
    )
    admin, _ = login(app, "admin")
    headers = {"X-CSRFToken": csrf_from(admin.get("/login").get_data(as_text=True))}
    made = admin.post(
        "/api/v1/feeds",
        headers=headers,
        json={
            "kind": "ftm",
            "event_id": event_id,
            "url": "https://data.opensanctions.org/datasets/latest/default/entities.ftm.json",
        },
    )
    assert made.status_code == 201
    assert admin.post(f"/api/v1/feeds/{made.json['id']}/poll", headers=headers).json["ok"]
    everyone = admin.get("/api/v1/watchlist").json["watchlist"]
    assert len(everyone) == 10
    found = admin.get("/api/v1/watchlist?q=fiktivnov").json["watchlist"]
    assert len(found) == 1 and found[0]["watchlist_id"] and found[0]["aliases"]
