"""The JSON API as an integration sees it: Bearer tokens, GeoJSON, named errors."""

from __future__ import annotations

from io import BytesIO

import pytest

from tests.factories import db_session, make_event, make_token
from tests.support.live import HOST, fresh_alert
from tests.support.shapes import SQUARE
from threats.polling.fetch import Fetcher

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [
            [-87.626, 41.911],
            [-87.624, 41.913],
            [-87.624, 41.911],
            [-87.626, 41.913],
            [-87.626, 41.911],
        ]
    ],
}


@pytest.fixture
def api(app, client):
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
        tokens = {role: make_token(session, role) for role in ("planner", "commander", "admin")}

    def call(method, path, role="planner", **kwargs):
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    call.event_id = event_id
    return call


def zone(geometry, name="Viewing area A", kind="crowd", density=2.0):
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"name": name, "kind": kind, "density": density},
    }


def test_a_zone_is_created_with_its_area_in_square_metres_and_capacity(api):
    response = api("POST", f"/events/{api.event_id}/zones", json=zone(SQUARE))
    assert response.status_code == 201
    props = response.json["properties"]
    # 0.002° x 0.002° at 41.9° N: about 166 m x 222 m
    assert 36_000 < props["area_m2"] < 38_000
    assert abs(props["capacity"] - props["area_m2"] * 2.0) <= 1  # area is shown rounded
    listed = api("GET", f"/events/{api.event_id}/zones").json
    assert listed["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in listed["features"]] == ["Viewing area A"]


def test_a_self_crossing_zone_is_repaired(api):
    response = api("POST", f"/events/{api.event_id}/zones", json=zone(BOW_TIE))
    assert response.status_code == 201
    assert response.json["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert response.json["properties"]["area_m2"] > 0


@pytest.mark.parametrize(
    "geometry, words",
    [
        ({"type": "Point", "coordinates": [-87.62, 41.91]}, "Polygon or MultiPolygon"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[447000, 4640000], [448000, 4640000], [448000, 4641000], [447000, 4640000]]
                ],
            },
            "EPSG:4326",
        ),
        ({"type": "Polygon", "coordinates": "nonsense"}, "not a GeoJSON geometry"),
        (None, "not a GeoJSON geometry"),
    ],
)
def test_a_bad_zone_is_refused_with_its_name_and_nothing_is_written(api, geometry, words):
    response = api("POST", f"/events/{api.event_id}/zones", json=zone(geometry, name="Gate 3"))
    assert response.status_code == 400
    assert "Gate 3" in response.json["error"]["message"]
    assert words in response.json["error"]["message"]
    assert api("GET", f"/events/{api.event_id}/zones").json["features"] == []


def test_an_unknown_zone_kind_is_refused(api):
    response = api("POST", f"/events/{api.event_id}/zones", json=zone(SQUARE, kind="beach"))
    assert response.status_code == 400 and response.json["error"]["details"]["field"] == "kind"


def test_shift_times_are_read_in_the_event_time_zone_across_dst(api):
    summer = api(
        "POST",
        f"/events/{api.event_id}/shifts",
        json={
            "name": "Saturday show",
            "starts_at": "2026-07-18T09:30:00",
            "ends_at": "2026-07-18T15:30:00",
        },
    )
    assert summer.status_code == 201
    assert summer.json["starts_at"] == "2026-07-18T09:30:00-05:00"
    over_the_change = api(
        "POST",
        f"/events/{api.event_id}/shifts",
        json={
            "name": "Night of the change",
            "starts_at": "2026-11-01T00:00:00",
            "ends_at": "2026-11-01T04:00:00",
        },
    )
    assert over_the_change.json["starts_at"].endswith("-05:00")
    assert over_the_change.json["ends_at"].endswith("-06:00")
    backwards = api(
        "POST",
        f"/events/{api.event_id}/shifts",
        json={"name": "x", "starts_at": "2026-07-18T15:00:00", "ends_at": "2026-07-18T09:00:00"},
    )
    assert backwards.status_code == 400
    names = [s["name"] for s in api("GET", f"/events/{api.event_id}/shifts").json["shifts"]]
    assert names == ["Saturday show", "Night of the change"]


def test_an_unknown_event_is_a_json_404(api):
    response = api("GET", "/events/999999/zones")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_feeds_are_limited_to_allowed_hosts_and_to_admins(api):
    body = {"kind": "cap", "url": "http://169.254.169.254/latest/meta-data", "interval_s": 60}
    refused = api("POST", "/feeds", role="admin", json=body)
    assert refused.status_code == 400 and refused.json["error"]["details"]["field"] == "url"
    body["url"] = "https://api.weather.gov/alerts/active?area=IL"
    assert api("POST", "/feeds", role="planner", json=body).status_code == 403
    assert api("POST", "/feeds", role="admin", json={**body, "kind": "rss"}).status_code == 400
    made = api("POST", "/feeds", role="admin", json={**body, "event_id": api.event_id})
    assert made.status_code == 201 and made.json["id"]
    [listed] = api("GET", "/feeds").json["feeds"]
    assert listed["url"] == body["url"] and listed["last_success_at"] is None


def test_threats_of_an_event_as_geojson_with_their_zones(app, api, feed_server):
    api("POST", f"/events/{api.event_id}/zones", json=zone(SQUARE, name="North Avenue Beach"))
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("API-1"))
    feed = api(
        "POST",
        "/feeds",
        role="admin",
        json={"kind": "cap", "url": f"https://{HOST}/cap/now.xml", "event_id": api.event_id},
    ).json
    polled = api("POST", f"/feeds/{feed['id']}/poll", role="commander").json
    assert polled["ok"] and polled["feed"]["healthy"]
    collection = api("GET", f"/events/{api.event_id}/threats").json
    [threat] = collection["features"]
    props = threat["properties"]
    assert props["source_id"] == "API-1" and props["source"] == "cap"
    assert props["status"] == "new" and props["severity"] == "severe"
    assert [z["name"] for z in props["zones"]] == ["North Avenue Beach"]
    assert props["first_seen"] and props["updated_at"] and threat["geometry"]["type"] == "Polygon"
    assert api("GET", f"/events/{api.event_id}/threats?status=resolved").json["features"] == []
    assert api("GET", f"/events/{api.event_id}/threats?status=bogus").status_code == 400
    by_ids = api("GET", f"/events/{api.event_id}/threats?ids={props['id']},99999").json
    assert [f["id"] for f in by_ids["features"]] == [props["id"]]
    bad_ids = api("GET", f"/events/{api.event_id}/threats?ids=1,drop").json
    assert bad_ids["error"]["details"] == {"field": "ids"}
    one = api("GET", f"/events/{api.event_id}/threats/{props['id']}")
    assert one.json["properties"]["id"] == props["id"]
    assert api("GET", f"/events/999/threats/{props['id']}").status_code == 404
    again = api("POST", f"/feeds/{feed['id']}/poll", role="commander").json
    assert again["threats"] == []  # the same alert again is not a second threat
    assert len(api("GET", f"/events/{api.event_id}/threats").json["features"]) == 1


def test_zones_import_from_a_geopackage_in_utm_and_a_bad_file_writes_nothing(api, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    frame = gpd.GeoDataFrame(
        {"name": ["Beach North", "Viewing Deck"], "kind": ["crowd", "vip"]},
        geometry=[box(-87.628, 41.912, -87.626, 41.914), box(-87.627, 41.913, -87.625, 41.915)],
        crs="EPSG:4326",
    ).to_crs("EPSG:32616")
    path = tmp_path / "zones.gpkg"
    frame.to_file(path, driver="GPKG")
    imported = api(
        "POST",
        f"/events/{api.event_id}/zones/import",
        data={"file": (path.open("rb"), "zones.gpkg")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 201, imported.json
    assert imported.json["source_crs"] == "EPSG:32616"
    features = imported.json["zones"]["features"]
    assert [f["properties"]["name"] for f in features] == ["Beach North", "Viewing Deck"]
    lon, lat = features[0]["geometry"]["coordinates"][0][0]
    assert -87.63 < lon < -87.62 and 41.91 < lat < 41.92  # back in longitude/latitude
    overlap = api("GET", f"/events/{api.event_id}/zones/overlaps").json["overlaps"]
    assert len(overlap) == 1 and 7_000 < overlap[0]["area_m2"] < 10_000  # 0.001° squared
    bad = api(
        "POST",
        f"/events/{api.event_id}/zones/import",
        data={"file": (BytesIO(b"PK\x03\x04 not really a zip"), "zones.zip")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and bad.json["error"]["details"]["field"] == "file"
    assert len(api("GET", f"/events/{api.event_id}/zones").json["features"]) == 2


def test_a_zone_edit_is_audited_and_published_to_the_live_map(app, api):
    made = api("POST", f"/events/{api.event_id}/zones", json=zone(SQUARE, name="Gate 3"))
    zone_id = made.json["id"]
    changed = api(
        "PATCH",
        f"/events/{api.event_id}/zones/{zone_id}",
        json={"name": "Gate 3 north", "density": 1.5},
    )
    assert changed.status_code == 200
    assert changed.json["properties"]["capacity"] == int(
        changed.json["properties"]["area_m2"] * 1.5
    )
    assert api("DELETE", f"/events/{api.event_id}/zones/{zone_id}").status_code == 204
    assert api("GET", f"/events/{api.event_id}/zones/{zone_id}").status_code == 404
    with db_session(app) as session:
        from sqlalchemy import select

        from accounts.models import AuditEntry
        from maps.models import LiveDelta

        kinds = session.scalars(select(LiveDelta.kind).order_by(LiveDelta.seq)).all()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.method == "PATCH")).one()
    assert kinds == ["zone_changed", "zone_changed", "zone_changed"]
    assert audit.before["properties"]["name"] == "Gate 3"
    assert audit.after["properties"]["name"] == "Gate 3 north"


def test_an_events_reach_rules_are_checked_and_kept(api):
    path = f"/events/{api.event_id}"
    bad = api("PATCH", path, json={"reach_rules": [{"category": "drone", "reach_m": -5}]})
    assert bad.status_code == 400 and bad.json["error"]["details"]["field"] == "reach_rules"
    assert "drone" in bad.json["error"]["message"]
    rules = [{"category": "vehicle fire", "reach_m": 100}]
    ok = api("PATCH", path, json={"reach_rules": rules})
    assert ok.status_code == 200 and ok.json["reach_rules"][0]["reach_m"] == 100
    assert api("PATCH", path, json={"reach_rules": None}).json["reach_rules"] is None
