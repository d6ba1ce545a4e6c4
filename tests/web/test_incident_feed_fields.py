"""An incident feed's field map and time zone through both doors (the feed page and the
feeds API), the guessed columns shown on the page and returned by the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import db_session, make_event, make_fixture_zones
from threats.polling.fetch import Fetcher

SODA = "data.lakefront-city.example"
ROWS = Path(__file__).parents[1] / "fixtures" / "feeds" / "incidents" / "chicago-crimes-rows.json"
URL = f"https://{SODA}/resource/ijzp-q8t2.json?$limit=1000"


def api(who, method: str, url: str, body=None):
    return who.client.open(url, method=method, json=body, headers={"X-CSRFToken": who.csrf})


@pytest.fixture
def soda(app, feed_server):
    with db_session(app) as session:
        event = make_event(session, reach_rules=[])
        make_fixture_zones(session, event)
        session.commit()
        event_id = event.id
    app.extensions["eventwatch.fetcher"] = Fetcher(
        (SODA,), "eventwatch-test", rebase=feed_server.rebase
    )
    feed_server.put(SODA, "/resource/ijzp-q8t2.json", ROWS.read_bytes())
    return event_id


def test_the_api_takes_a_field_map_and_zone_and_returns_the_guess_after_a_poll(login, soda):
    admin = login("admin")
    body = {"kind": "incidents", "url": URL, "event_id": soda, "timezone": "America/Chicago"}
    body["field_map"] = {"id": "case_number", "priority": ""}
    made = api(admin, "POST", "/api/v1/feeds", body)
    assert made.status_code == 201, made.json
    feed_id = made.json["id"]
    assert made.json["field_map"] == {"id": "case_number"}  # an empty role is guessed
    assert made.json["timezone"] == "America/Chicago" and made.json["field_guess"] is None
    polled = api(admin, "POST", f"/api/v1/feeds/{feed_id}/poll")
    assert polled.status_code == 200 and polled.json["ok"]
    status = api(admin, "GET", f"/api/v1/feeds/{feed_id}").json
    assert status["field_guess"]["kind"] == "primary_type"
    shown = {f["role"]: (f["column"], f["guessed"]) for f in status["field_roles"]}
    assert shown["id"] == ("case_number", False) and shown["time"] == ("date", True)
    changed = api(admin, "PATCH", f"/api/v1/feeds/{feed_id}", {"field_map": None})
    assert changed.status_code == 200 and changed.json["field_map"] is None


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"field_map": ["id"]}, "field_map", "must be an object"),
        ({"field_map": {"identifier": "id"}}, "field_map", "cannot name identifier"),
        ({"field_map": {"id": 7}}, "field_map.id", "field_map.id must be a string"),
        ({"field_map": {"kind": "a\tb"}}, "field_map.kind", "control characters"),
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown time zone"),
        ({"timezone": "../../etc/passwd"}, "timezone", "unknown time zone"),
    ],
)
def test_a_bad_field_map_or_zone_is_refused_with_a_clear_error(login, soda, change, field, words):
    admin = login("admin")
    made = api(admin, "POST", "/api/v1/feeds", {"kind": "incidents", "url": URL, **change})
    assert made.status_code == 400, made.json
    assert words in made.json["error"]["message"]
    assert made.json["error"]["details"] == {"field": field}


def test_the_page_adds_a_mapped_feed_and_marks_the_guessed_columns(app, login, soda):
    admin = login("admin")
    form = {"csrf_token": admin.csrf, "name": "Chicago crimes", "kind": "incidents"}
    form |= {"url": URL, "interval_s": "60", "event_id": str(soda), "field_id": "case_number"}
    form["timezone"] = "America/Chicago"
    assert admin.client.post("/admin/feeds/", data=form).status_code == 302
    [feed] = api(admin, "GET", "/api/v1/feeds").json["feeds"]
    assert feed["field_map"] == {"id": "case_number"} and feed["timezone"] == "America/Chicago"
    admin.client.post(f"/admin/feeds/{feed['id']}/poll", data={"csrf_token": admin.csrf})
    page = admin.client.get("/admin/feeds/").get_data(as_text=True)
    assert "id ← case_number<" in page  # the feed's own choice, not marked
    assert "kind ← primary_type (guessed)" in page
    assert "time ← date (guessed)" in page and "times in America/Chicago" in page


def test_a_bad_zone_on_the_page_is_refused_and_nothing_added(login, soda):
    admin = login("admin")
    form = {"csrf_token": admin.csrf, "kind": "incidents", "url": URL, "timezone": "Nowhere"}
    refused = admin.client.post("/admin/feeds/", data=form, follow_redirects=True)
    assert "unknown time zone" in refused.get_data(as_text=True)
    assert api(admin, "GET", "/api/v1/feeds").json["feeds"] == []


def test_markup_named_as_a_column_is_shown_as_text_on_the_feed_page(login, soda):
    admin = login("admin")
    markup = "<script>alert(1)</script>"
    body = {"kind": "incidents", "url": URL, "event_id": soda, "field_map": {"kind": markup}}
    assert api(admin, "POST", "/api/v1/feeds", body).status_code == 201
    page = admin.client.get("/admin/feeds/").get_data(as_text=True)
    assert markup not in page
    assert "kind ← &lt;script&gt;alert(1)&lt;/script&gt;" in page
