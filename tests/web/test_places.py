"""The place codes an event lies in, through the API and the planner page (the county
suggestion from the zones' location), and what the feed page and threat API say of alerts
with no polygon."""

from __future__ import annotations

import html
import json
from datetime import timedelta

from common.times import utcnow
from tests.factories import db_session, make_event, make_fixture_zones
from tests.support.feedserver import FEEDS
from threats.polling.fetch import Fetcher

NWS = "https://api.weather.gov/alerts/active?area=IL"
BEACH = "urn:oid:2.49.0.1.840.0.08e204ef6e1225ebe359df2dc014a7e1a09bb7d8.001.1"
HOSTILE = "<img src=x onerror=alert(1)>"


def lakefront_event(app) -> int:
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        session.commit()
        return event.id


def call(who, method, path, body=None):
    return who.client.open(
        f"/api/v1{path}", method=method, json=body, headers={"X-CSRFToken": who.csrf}
    )


def test_the_api_takes_the_codes_in_any_case_and_returns_them_in_one_form(app, login):
    event_id = lakefront_event(app)
    planner = login("planner")
    changed = call(planner, "PATCH", f"/events/{event_id}", {"geocodes": ["ilc031", "17031"]})
    assert changed.status_code == 200 and changed.json["geocodes"] == ["ILC031", "017031"]
    assert call(planner, "GET", f"/events/{event_id}").json["geocodes"] == ["ILC031", "017031"]
    bad = call(planner, "PATCH", f"/events/{event_id}", {"geocodes": ["ILZ014", "Cook"]})
    assert bad.status_code == 400
    assert bad.json["error"]["details"]["field"] == "geocodes"
    assert "'Cook' is not a place code" in bad.json["error"]["message"]
    assert call(planner, "GET", f"/events/{event_id}").json["geocodes"] == ["ILC031", "017031"]
    created = call(planner, "POST", "/events", {
        "name": "Harbor fest", "timezone": "America/Chicago", "starts_at": "2026-08-01T10:00",
        "ends_at": "2026-08-01T20:00", "geocodes": "ilz014",
    })  # fmt: skip
    assert created.status_code == 201 and created.json["geocodes"] == ["ILZ014"]
    commander = login("commander")
    refused = call(commander, "PATCH", f"/events/{event_id}", {"geocodes": []})
    assert refused.status_code == 403


def test_the_planner_page_suggests_the_county_of_the_zones_and_adds_it(app, login):
    event_id = lakefront_event(app)
    planner = login("planner")
    page = planner.client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "No place codes yet" in page
    assert "Your zones lie in Cook County, IL: SAME 017031, UGC ILC031" in page
    added = planner.client.post(
        f"/events/{event_id}/plan/geocodes",
        data={"csrf_token": planner.csrf, "geocodes": "017031 ILC031"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Saved 2 place codes." in added
    assert "Your zones lie in" not in added  # nothing left to suggest
    assert "Cook County, IL" in added and "UGC county" in added
    typed = planner.client.post(
        f"/events/{event_id}/plan/geocodes",
        data={"csrf_token": planner.csrf, "geocodes": "017031 ILC031 ilz014"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Saved 3 place codes." in typed and "NWS forecast zone" in typed
    assert call(planner, "GET", f"/events/{event_id}").json["geocodes"] == [
        "017031",
        "ILC031",
        "ILZ014",
    ]


def test_a_refused_code_is_said_as_text_never_as_markup(app, login):
    event_id = lakefront_event(app)
    planner = login("planner")
    page = planner.client.post(
        f"/events/{event_id}/plan/geocodes",
        data={"csrf_token": planner.csrf, "geocodes": HOSTILE},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Nothing was saved" in page
    assert "<img src=x" not in page
    assert html.escape("<img") in page
    assert call(planner, "GET", f"/events/{event_id}").json["geocodes"] == []


def test_the_feed_page_counts_alerts_placed_nowhere_and_the_api_says_where_one_reaches(
    app, login, feed_server
):
    event_id = lakefront_event(app)
    app.extensions["eventwatch.fetcher"] = Fetcher(
        ("api.weather.gov",), "eventwatch-test", rebase=feed_server.rebase
    )
    feed_server.put("api.weather.gov", "/alerts/active", beach_statement_now())
    admin = login("admin")
    feed = call(admin, "POST", "/feeds", {"kind": "nws", "url": NWS, "event_id": event_id}).json
    call(admin, "POST", f"/feeds/{feed['id']}/poll")
    assert call(admin, "GET", f"/feeds/{feed['id']}").json["unplaced_count"] == 1
    assert call(admin, "GET", f"/events/{event_id}/threats").json["features"] == []
    page = admin.client.get("/admin/feeds/").get_data(as_text=True)
    assert "1 alert not placed: no area and no matching place code" in page
    call(admin, "PATCH", f"/events/{event_id}", {"geocodes": ["017031"]})
    call(admin, "POST", f"/feeds/{feed['id']}/poll")
    assert call(admin, "GET", f"/feeds/{feed['id']}").json["unplaced_count"] == 0
    assert "not placed" not in admin.client.get("/admin/feeds/").get_data(as_text=True)
    [threat] = call(admin, "GET", f"/events/{event_id}/threats").json["features"]
    props = threat["properties"]
    assert threat["geometry"] is None and props["scope"] == "event"
    assert props["reach"] == "whole event: Cook County, IL (SAME 017031)"
    assert props["places"] == [{"code": "017031", "kind": "SAME", "name": "Cook County, IL"}]
    assert len(props["zones"]) == 2  # every zone of the event


def beach_statement_now() -> bytes:
    """The fixtures' Beach Hazards Statement (no polygon; SAME 017031, UGC ILZ014), sent
    now and live for three hours."""
    document = json.loads((FEEDS / "nws" / "alerts-active.geojson").read_text())
    [feature] = [f for f in document["features"] if f["properties"]["id"] == BEACH]
    now = utcnow()
    times = {"sent": now, "effective": now, "onset": now, "expires": now + timedelta(hours=3)}
    feature["properties"] |= {k: v.isoformat() for k, v in times.items()} | {"ends": None}
    return json.dumps({**document, "features": [feature]}).encode()


def test_ten_thousand_codes_are_refused_whole_and_none_kept(app, login):
    event_id = lakefront_event(app)
    planner = login("planner")
    codes = [f"ILZ{n:03d}" for n in range(1000)] * 10
    flood = call(planner, "PATCH", f"/events/{event_id}", {"geocodes": [*codes, "x" * 10_000]})
    assert flood.status_code == 400 and "x" * 41 not in flood.get_data(as_text=True)
    many = call(planner, "PATCH", f"/events/{event_id}", {"geocodes": codes})
    assert many.status_code == 400 and "at most 100 place codes" in many.json["error"]["message"]
    assert call(planner, "GET", f"/events/{event_id}").json["geocodes"] == []


def test_zones_outside_the_us_suggest_no_county_and_the_page_still_works(app, login):
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
    planner = login("planner")
    concorde = [[2.320, 48.864], [2.323, 48.864], [2.323, 48.867], [2.320, 48.867], [2.320, 48.864]]
    drawn = {"type": "Feature", "properties": {"name": "Place de la Concorde", "kind": "crowd"},
             "geometry": {"type": "Polygon", "coordinates": [concorde]}}  # fmt: skip
    made = call(planner, "POST", f"/events/{event_id}/zones", drawn)
    assert made.status_code == 201, made.json
    page = planner.client.get(f"/events/{event_id}")
    assert page.status_code == 200
    assert "Place de la Concorde" in page.get_data(as_text=True)
    assert "Your zones lie in" not in page.get_data(as_text=True)
