"""The live map is sent zone outlines, the API and exports the zones themselves (issue 17,
finding 12): a large legal zone reaches a joining viewer, a `zone_changed` delta and the
command page as a few kilobytes, and loses no vertex anywhere else."""

from __future__ import annotations

import shapely
from shapely.geometry import mapping, shape

from planner.outlines import MAX_LIVE_OUTLINE_BYTES, MAX_LIVE_VERTICES, outline_bytes
from planner.zones import MAX_ZONE_VERTICES
from tests.factories import db_session, make_event, make_token
from tests.support.joins import largest_legal_zone
from tests.support.live import joined, received


def test_a_large_zone_is_live_as_an_outline_and_whole_in_the_api(app, client, login):
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
        token = make_token(session, "planner")
    auth = {"Authorization": f"Bearer {token}"}
    commander = login("commander", "cmdr")
    watching = joined(commander, event_id)
    fence = largest_legal_zone(-87.626, 41.913)
    feature = {"type": "Feature", "geometry": mapping(fence)}
    feature["properties"] = {"name": "Fence", "kind": "crowd"}
    created = client.post(f"/api/v1/events/{event_id}/zones", json=feature, headers=auth)
    assert created.status_code == 201, created.json
    zone_id = created.json["id"]

    [delta] = [d for d in received(watching, "delta") if d["kind"] == "zone_changed"]
    [snapshot] = received(joined(commander, event_id), "snapshot")
    [live_zone] = snapshot["zones"]["features"]
    for sent in (delta["data"]["geometry"], live_zone["geometry"]):
        outline = shape(sent)
        assert shapely.get_num_coordinates(outline) <= MAX_LIVE_VERTICES
        assert outline_bytes(outline) <= MAX_LIVE_OUTLINE_BYTES
        assert shapely.hausdorff_distance(outline, fence) < 10 / 111_320
    assert live_zone["properties"]["area_m2"] == created.json["properties"]["area_m2"]

    page = commander.client.get(f"/events/{event_id}/command").get_data(as_text=True)
    assert len(page) < 300_000  # the page draws the outlines too

    whole = client.get(f"/api/v1/events/{event_id}/zones/{zone_id}", headers=auth).json
    exported = client.get(f"/api/v1/events/{event_id}/exports/zones.geojson", headers=auth)
    for geometry in (whole["geometry"], exported.json["features"][0]["geometry"]):
        assert shapely.get_num_coordinates(shape(geometry)) == MAX_ZONE_VERTICES
