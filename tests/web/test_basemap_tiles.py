"""Basemap tiles served by the app: to a login or a wall link, with caching headers, and
nothing for a path trick or a tile outside the file."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from maps import link_service
from tests.factories import db_session, make_event, write
from tests.support.tilefiles import png_tile, write_mbtiles, write_pmtiles

LAKE = png_tile((160, 200, 230), 16)
TILE = (14, 4203, 6087)  # North Avenue Beach


@pytest.fixture
def folder(app) -> Path:
    path = Path(app.config["INSTANCE_PATH"]) / "basemaps"
    path.mkdir(exist_ok=True)
    write_mbtiles(
        path / "lakefront.mbtiles",
        {(0, 0, 0): LAKE, TILE: LAKE},
        {"format": "png", "minzoom": "0", "maxzoom": "14", "bounds": "-87.7,41.85,-87.55,41.95"},
    )
    mvt = gzip.compress(b"\x1a\x05\x0a\x03abc")
    write_pmtiles(path / "streets.pmtiles", {TILE: mvt}, tile_type=1, tile_compression=2)
    return path


def test_a_login_reads_tiles_with_their_type_and_caching_headers(folder, login):
    client = login("partner").client
    answer = client.get("/basemaps/lakefront/14/4203/6087.png")
    assert answer.status_code == 200 and answer.data == LAKE
    assert answer.content_type == "image/png"
    assert answer.headers["Cache-Control"] == "private, max-age=86400"
    etag = answer.headers["ETag"]
    again = client.get("/basemaps/lakefront/14/4203/6087.png", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_vector_tiles_keep_their_gzip_as_content_encoding(folder, login):
    answer = login("commander").client.get("/basemaps/streets/14/4203/6087.pbf")
    assert answer.status_code == 200
    assert answer.content_type == "application/vnd.mapbox-vector-tile"
    assert answer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(answer.data) == b"\x1a\x05\x0a\x03abc"


def test_no_tiles_without_a_login(folder, app):
    answer = app.test_client().get("/basemaps/lakefront/14/4203/6087.png")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/basemaps/lakefront/14/4203/6088.png",  # inside the range, not in the file
        "/basemaps/lakefront/14/4203/6087.jpg",  # not its format
        "/basemaps/lakefront/25/0/0.png",  # deeper than any basemap
        "/basemaps/lakefront/2/4/0.png",  # no such column at zoom 2
        "/basemaps/lakefront/99999999999/0/0.png",
        "/basemaps/lakefront/14/-1/0.png",
        "/basemaps/nowhere/0/0/0.png",
        "/basemaps/..%2Flakefront/0/0/0.png",
        "/basemaps/../basemaps/lakefront/0/0/0.png",
        "/basemaps/%2e%2e/0/0/0.png",
        "/basemaps/lakefront.mbtiles/0/0/0.png",
    ],
)
def test_outside_the_file_and_path_tricks_are_not_found(folder, login, url):
    assert login("planner").client.get(url).status_code == 404


def test_a_wall_link_reads_its_events_basemap_only(folder, app):
    with db_session(app) as session:
        event = make_event(session)
        event.basemap = "lakefront"
        token = link_service.create(write(session), event, "EOC").result
        session.commit()
    client = app.test_client()
    assert client.get(f"/wall/{token}/basemaps/lakefront/0/0/0.png").data == LAKE
    assert client.get(f"/wall/{token}/basemaps/streets/14/4203/6087.pbf").status_code == 404
    assert client.get("/wall/not-a-token/basemaps/lakefront/0/0/0.png").status_code == 404
    page = client.get(f"/wall/{token}").get_data(as_text=True)
    tiles = _map_data(page)["tiles"]
    assert tiles["url"] == f"/wall/{token}/basemaps/lakefront/{{z}}/{{x}}/{{y}}.png"
    # its file gone, the event is drawn on the instance default, and the wall reads that
    (folder / "lakefront.mbtiles").unlink()
    app.config["BASEMAP_DEFAULT"] = "streets"
    tiles = _map_data(client.get(f"/wall/{token}").get_data(as_text=True))["tiles"]
    assert tiles["url"] == f"/wall/{token}/basemaps/streets/{{z}}/{{x}}/{{y}}.pbf"
    assert client.get(f"/wall/{token}/basemaps/streets/14/4203/6087.pbf").status_code == 200


def _map_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_the_event_map_uses_the_chosen_basemaps_zooms_bounds_and_text_attribution(folder, login):
    write_mbtiles(
        folder / "city.mbtiles",
        {(12, 1050, 1521): LAKE},
        {
            "format": "png",
            "minzoom": "12",
            "maxzoom": "12",
            "attribution": '<img src=x onerror="alert(1)">© City GIS',
        },
    )
    planner = login("planner")
    made = planner.client.post(
        "/api/v1/events",
        json={
            "name": "Riverwalk",
            "timezone": "America/Chicago",
            "starts_at": "2026-07-18T08:00:00",
            "ends_at": "2026-07-18T20:00:00",
            "basemap": "city",
            "center": "41.8881, -87.6298",
        },
        headers={"X-CSRFToken": planner.csrf},
    )
    assert made.status_code == 201, made.text
    assert (made.json["basemap"], made.json["center"]) == ("city", [41.8881, -87.6298])
    data = _map_data(planner.client.get(f"/events/{made.json['id']}").get_data(as_text=True))
    assert data["tiles"]["url"] == "/basemaps/city/{z}/{x}/{y}.png"
    assert (data["tiles"]["minZoom"], data["tiles"]["maxZoom"]) == (12, 12)
    assert data["tiles"]["attribution"] == "© City GIS"
    assert data["basemap"] is None  # the street layer is drawn only without tiles
    # no zones yet: the map opens on the typed place, not on the demo's lakefront
    assert data["bounds"] == [[41.8781, -87.6398], [41.8981, -87.6198]]


def test_an_unknown_basemap_or_a_bad_place_is_refused_by_name(folder, login):
    planner = login("planner")
    event = {
        "name": "Riverwalk",
        "timezone": "America/Chicago",
        "starts_at": "2026-07-18T08:00:00",
        "ends_at": "2026-07-18T20:00:00",
    }
    headers = {"X-CSRFToken": planner.csrf}
    for field, value, words in [
        ("basemap", "nowhere", "no basemap named nowhere"),
        ("basemap", "../lakefront", "no basemap named"),
        ("center", "91, 0", "latitude (-90 to 90)"),
        ("center", "41.9N, 87.6W", "decimal degrees"),
        ("center", [41.9], "decimal degrees"),
        ("center", "nan, 1", "decimal degrees"),
    ]:
        answer = planner.client.post("/api/v1/events", json=event | {field: value}, headers=headers)
        assert answer.status_code == 400, (field, value)
        assert words in answer.json["error"]["message"]
        assert answer.json["error"]["details"]["field"] == field
