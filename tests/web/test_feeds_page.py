"""The feed health page as an admin and a commander use it, and the feed API."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.factories import db_session, make_event, make_fixture_zones
from tests.support.live import HOST, fresh_alert
from threats.models import FeedSource
from threats.polling.fetch import Fetcher


def test_an_admin_adds_pauses_resumes_and_polls_a_feed(app, feed_server, login):
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        session.commit()
        event_id = event.id
    app.extensions["eventwatch.fetcher"] = Fetcher(
        (HOST,), "eventwatch/0.1 (test deployment)", rebase=feed_server.rebase
    )
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("PAGE-1"))
    logged_in = login("admin")
    admin, token = logged_in.client, logged_in.csrf
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
    # Its times are the event's (America/Chicago), not UTC: last success, last and next poll.
    with db_session(app) as session:
        feed = session.get(FeedSource, feed_id)
        polled_at, interval = feed.last_polled_at, feed.interval_s
    chicago = ZoneInfo("America/Chicago")
    last = polled_at.astimezone(chicago)
    following = (polled_at + timedelta(seconds=interval)).astimezone(chicago)
    times = page.split('class="feed-times"')[1]
    # To the second: a feed polled every few seconds shows each poll apart.
    assert f"last poll {last:%a %d %b %Y %H:%M:%S} C" in times  # CST or CDT
    assert f"next poll {following:%a %d %b %Y %H:%M:%S} C" in page
    assert "UTC" not in times.split("</td>")[0]


def test_a_commander_can_poll_but_not_pause_and_a_partner_cannot_even_see_the_page(login):
    commander = login("commander")
    assert commander.client.get("/admin/feeds/").status_code == 200
    paused = commander.client.post("/admin/feeds/1/pause", data={"csrf_token": commander.csrf})
    assert paused.status_code == 403
    partner = login("partner")
    polled = partner.client.post("/admin/feeds/1/poll", data={"csrf_token": partner.csrf})
    assert polled.status_code == 403
    # feed URLs and their errors are not for partners; they see feed health on the shared map
    assert partner.client.get("/admin/feeds/").status_code == 403


def test_the_watchlist_api_lists_entries_and_searches_names(app, feed_server, login):
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
    app.extensions["eventwatch.fetcher"] = Fetcher(
        ("data.opensanctions.org",), "test", rebase=feed_server.rebase
    )
    logged_in = login("admin")
    admin, headers = logged_in.client, {"X-CSRFToken": logged_in.csrf}
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
