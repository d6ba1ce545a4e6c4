"""An admin uploads basemaps; a planner picks one for an event and types where its map opens."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from tests.factories import db_session, make_event
from tests.support.tilefiles import png_tile, write_mbtiles, write_pmtiles

TILE = png_tile((120, 180, 120), 8)


def _upload(client, csrf, name, data: bytes, filename: str):
    form = {"csrf_token": csrf, "name": name, "file": (io.BytesIO(data), filename)}
    return client.post("/admin/basemaps", data=form, follow_redirects=True)


def _flashes(page) -> list[str]:
    found = re.findall(r'<p class="flash (\w+)" role="alert">(.*?)</p>', page.text, re.S)
    return [f"{kind}: {html.unescape(text)}" for kind, text in found]


def test_an_upload_is_checked_before_it_replaces_the_last_good_basemap(app, login, tmp_path):
    admin = login("admin")
    good = write_mbtiles(tmp_path / "a.mbtiles", {(0, 0, 0): TILE}, {"format": "png"})
    page = _upload(admin.client, admin.csrf, "lakefront", good.read_bytes(), "lake.mbtiles")
    assert _flashes(page) == ["info: Basemap lakefront is ready: an event can choose it."]
    assert admin.client.get("/basemaps/lakefront/0/0/0.png").data == TILE

    for data, filename, reason in [
        (
            b"SQLite format 3\0" + b"\0" * 200,
            "lake.mbtiles",
            "this is not an MBTiles file (no SQLite tile tables)",
        ),
        (b"<html>not tiles</html>", "lake.pmtiles", "this is not a PMTiles file"),
        (good.read_bytes(), "lake.geojson", "a basemap file ends in .mbtiles or .pmtiles"),
    ]:
        page = _upload(admin.client, admin.csrf, "lakefront", data, filename)
        assert _flashes(page) == [f"error: Nothing was saved: {reason}"]
        assert admin.client.get("/basemaps/lakefront/0/0/0.png").data == TILE  # still the last

    page = _upload(admin.client, admin.csrf, "../etc", good.read_bytes(), "x.mbtiles")
    assert "letters, digits, - and _" in _flashes(page)[0]
    folder = Path(app.config["INSTANCE_PATH"]) / "basemaps"
    assert sorted(p.name for p in folder.iterdir()) == ["lakefront.mbtiles"]  # no leftovers

    app.config["BASEMAP_MAX_BYTES"] = 1000
    big = write_pmtiles(tmp_path / "big.pmtiles", {(0, 0, 0): png_tile((1, 2, 3), 64)})
    page = _upload(admin.client, admin.csrf, "big", big.read_bytes() + b"\0" * 2000, "b.pmtiles")
    assert _flashes(page) == ["error: Nothing was saved: the file is larger than 0 MB"]

    listing = admin.client.get("/admin/basemaps").text
    assert "lakefront" in listing and "big" not in listing
    page = admin.client.post(
        "/admin/basemaps/lakefront/remove", data={"csrf_token": admin.csrf}, follow_redirects=True
    )
    assert _flashes(page) == ["info: Basemap lakefront is removed."]
    assert admin.client.get("/basemaps/lakefront/0/0/0.png").status_code == 404


def test_a_planner_picks_the_basemap_and_types_the_place_on_the_event_page(app, login):
    folder = Path(app.config["INSTANCE_PATH"]) / "basemaps"
    folder.mkdir()
    write_mbtiles(folder / "city.mbtiles", {(0, 0, 0): TILE}, {"format": "png"})
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
    planner = login("planner")
    url = f"/events/{event_id}/plan/map"
    form = {"csrf_token": planner.csrf, "basemap": "city", "center": " 48.8566 , 2.3522 "}
    page = planner.client.post(url, data=form, follow_redirects=True)
    assert _flashes(page) == ["info: Saved the map's basemap and place."]
    assert '<option value="city" selected>' in page.text
    assert 'value="48.8566, 2.3522"' in page.text
    shown = planner.client.get(f"/api/v1/events/{event_id}").json
    assert (shown["basemap"], shown["center"]) == ("city", [48.8566, 2.3522])

    page = planner.client.post(url, data=form | {"center": "2.35E"}, follow_redirects=True)
    assert _flashes(page)[0] == (
        "error: Nothing was saved: the place the map opens on must be a latitude (-90 to 90) "
        "and a longitude (-180 to 180) in decimal degrees, like 41.913, -87.625"
    )
    page = planner.client.post(url, data=form | {"basemap": "gone"}, follow_redirects=True)
    assert _flashes(page) == ["error: Nothing was saved: there is no basemap named gone"]
    assert planner.client.get(f"/api/v1/events/{event_id}").json["center"] == [48.8566, 2.3522]


def test_the_new_event_form_takes_the_place_the_map_opens_on(login):
    planner = login("planner")
    form = {
        "csrf_token": planner.csrf,
        "name": "Fête sur les quais",
        "timezone": "Europe/Paris",
        "starts_at": "2026-07-14T10:00",
        "ends_at": "2026-07-14T23:00",
        "center": "48.8566, 2.3522",
    }
    page = planner.client.post("/events/new", data=form, follow_redirects=True)
    assert "Created Fête sur les quais" in _flashes(page)[0]
    events = planner.client.get("/api/v1/events").json["events"]
    assert events[-1]["center"] == [48.8566, 2.3522]
    page = planner.client.post(
        "/events/new", data=form | {"center": "Paris"}, follow_redirects=True
    )
    assert "decimal degrees" in _flashes(page)[0]


def test_a_basemap_larger_than_other_uploads_goes_through(app, login, tmp_path):
    app.config["MAX_CONTENT_LENGTH"] = 4096  # zone files, rosters
    admin = login("admin")
    tiles = {(1, x, y): png_tile((x * 90, y * 90, 120), 64) for x in range(2) for y in range(2)}
    big = write_mbtiles(tmp_path / "big.mbtiles", tiles, {"format": "png"})
    assert big.stat().st_size > 4096
    page = _upload(admin.client, admin.csrf, "big", big.read_bytes(), "big.mbtiles")
    assert _flashes(page) == ["info: Basemap big is ready: an event can choose it."]


def test_a_place_that_is_no_coordinates_is_named_in_words_and_keeps_its_field(login):
    planner = login("planner")
    event = {"name": "Quais", "timezone": "Europe/Paris", "center": "Paris"}
    event |= {"starts_at": "2026-07-14T10:00:00", "ends_at": "2026-07-14T23:00:00"}
    for language, words in (
        ("en", "the place the map opens on must be a latitude (-90 to 90)"),
        ("fr", "le lieu où s'ouvre la carte doit être une latitude (-90 à 90)"),
    ):
        refused = planner.client.post(
            "/api/v1/events",
            json=event,
            headers={"X-CSRFToken": planner.csrf, "Accept-Language": language},
        )
        assert refused.status_code == 400
        error = refused.json["error"]
        assert error["details"] == {"field": "center"}  # the key, for machines
        assert error["message"].startswith(words), error["message"]
    assert [e["name"] for e in planner.client.get("/api/v1/events").json["events"]] == []
