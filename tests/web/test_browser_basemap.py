"""The event map on a basemap of the real place, in Chromium: raster tiles from a local
MBTiles file, every one from the app's own origin, and the demo's hand-drawn street layer
with its street and place names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from maps import tile_fetch
from tests.support.browser import DemoServer, first_login, wait_until
from tests.support.tilefiles import drawn_tiles, drawn_vector_tiles, write_mbtiles, write_pmtiles

pytestmark = pytest.mark.browser
SHOTS = {"wide": (1600, 1000), "tablet": (768, 1024), "phone": (390, 844)}
DEMO = Path(__file__).resolve().parents[2] / "demo"
# Tags in a file's attribution are dropped; entities are read, so the text holds markup that
# the page must show as text.
HOSTILE = '&lt;img src=x onerror="document.title=1"&gt; Lakefront GIS &amp; <b>friends</b>'
SHOWN = '<img src=x onerror="document.title=1"> Lakefront GIS & friends'


AREA = tile_fetch.widen((-87.6440, 41.8950, -87.5800, 41.9320), 300)


def _serve(instance: Path, monkeypatch, default: str):
    monkeypatch.setenv("BASEMAP_DEFAULT", default)
    server = DemoServer(instance)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture
def tiled_server(tmp_path, monkeypatch):
    """The demo with a raster basemap of the lakefront (drawn from the street layer) as the
    instance default, zooms 13 to 16."""
    instance = tmp_path / "instance"
    (instance / "basemaps").mkdir(parents=True)
    area = AREA
    layer = json.loads((DEMO / "basemap.geojson").read_text())
    write_mbtiles(
        instance / "basemaps" / "lakefront.mbtiles",
        drawn_tiles(layer, tile_fetch.covering(area, range(13, 17))),
        {
            "format": "png",
            "minzoom": "13",
            "maxzoom": "16",
            "bounds": ",".join(str(v) for v in area),
            "attribution": HOSTILE,
        },
    )
    yield from _serve(instance, monkeypatch, "lakefront")


@pytest.fixture
def vector_server(tmp_path, monkeypatch):
    """The demo on a vector basemap (PMTiles, gzipped MVT in the Protomaps layers)."""
    instance = tmp_path / "instance"
    (instance / "basemaps").mkdir(parents=True)
    layer = json.loads((DEMO / "basemap.geojson").read_text())
    write_pmtiles(
        instance / "basemaps" / "streets.pmtiles",
        drawn_vector_tiles(layer, tile_fetch.covering(AREA, range(11, 16))),
        tile_type=1,
        tile_compression=2,
        metadata={"attribution": "Hand-drawn lakefront"},
        bounds=AREA,
    )
    yield from _serve(instance, monkeypatch, "streets")


def _shots(page, tmp_path, name: str) -> None:
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    for size, (width, height) in SHOTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(600)
        page.screenshot(path=str(shots / f"{name}-{size}.png"))


def test_the_event_map_draws_tiles_of_a_local_mbtiles_from_the_apps_origin(
    chromium, tiled_server, tmp_path
):
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    images = []
    page.on("request", lambda r: images.append(r.url) if r.resource_type == "image" else None)
    first_login(page, tiled_server)
    for path, name in (("/events/1", "plan-raster"), ("/events/1/command", "command-raster")):
        images.clear()
        page.goto(tiled_server.url + path)
        wait_until(page, "document.querySelectorAll('img.leaflet-tile-loaded').length >= 4")
        loaded = page.eval_on_selector_all(
            "img.leaflet-tile-loaded", "tiles => tiles.map(t => t.src)"
        )
        # (a tile Leaflet has just let go of holds its empty data: image)
        ours = tiled_server.url + "/basemaps/lakefront/"
        strays = [s for s in loaded if not s.startswith((ours, "data:"))]
        assert not strays and any(s.startswith(ours) for s in loaded), loaded
        elsewhere = [url for url in images if not url.startswith(tiled_server.url + "/")]
        assert not elsewhere, elsewhere  # (a tile the browser kept makes no request)
        attribution = page.locator(".basemap-attribution")
        assert SHOWN in attribution.inner_text()  # shown as text
        assert attribution.locator("img, b").count() == 0 and page.title() != "1"
        assert page.locator(".basemap-label").count() == 0  # the tiles carry their own map
        _shots(page, tmp_path, name)
    context.close()


def test_the_demo_street_layer_names_streets_and_places_as_the_map_zooms_in(
    chromium, demo_server, tmp_path
):
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    first_login(page, demo_server)
    page.goto(demo_server.url + "/events/1")
    wait_until(page, "document.querySelector('#event-map .leaflet-overlay-pane')")
    shown = page.locator(".basemap-label").all_inner_texts()
    assert "Lake Michigan" in shown and "Lincoln Park" in shown
    page.click(".leaflet-control-zoom-in")
    wait_until(page, "document.querySelectorAll('.basemap-label').length >= 7")
    shown = page.locator(".basemap-label").all_inner_texts()
    for name in ("North Avenue", "Fullerton Avenue", "Lake Shore Drive", "Old Town"):
        assert name in shown, shown
    assert page.locator(".basemap-label img, .basemap-label script").count() == 0
    _shots(page, tmp_path, "plan-streets")
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.click(".leaflet-control-zoom-in")  # zoom 16: the beaches and the smaller streets
    wait_until(page, "document.querySelectorAll('.basemap-label').length > 12")
    shown = page.locator(".basemap-label").all_inner_texts()
    for name in ("North Avenue Beach", "Oak Street Beach", "Clark Street", "Oak Street"):
        assert name in shown, shown
    _shots(page, tmp_path, "plan-streets-16")
    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, "document.querySelectorAll('.basemap-label').length > 3")
    _shots(page, tmp_path, "command-streets")
    context.close()


def test_vector_tiles_are_drawn_by_the_vendored_plugin_from_the_apps_origin(
    chromium, vector_server, tmp_path
):
    from io import BytesIO

    from PIL import Image

    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    asked, errors = [], []
    page.on("request", lambda r: asked.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    first_login(page, vector_server)
    page.goto(vector_server.url + "/events/1")
    wait_until(page, "window.protomapsL && document.querySelector('#event-map canvas')")
    page.wait_for_timeout(1500)
    tiles = [url for url in asked if "/basemaps/streets/" in url]
    assert tiles and all(url.startswith(vector_server.url + "/") for url in tiles)
    assert not [url for url in asked if not url.startswith(vector_server.url)]
    assert not errors, errors
    shot = Image.open(BytesIO(page.locator("#event-map").screenshot())).convert("RGB")
    colours = {
        shot.getpixel((x, y)) for x in range(0, shot.width, 4) for y in range(0, shot.height, 4)
    }
    assert (0x80, 0xDE, 0xEA) in colours  # the light style's water: the lake was drawn
    assert "Hand-drawn lakefront" in page.locator(".basemap-attribution").inner_text()
    _shots(page, tmp_path, "plan-vector")
    context.close()


def test_an_admin_uploads_a_basemap_and_a_planner_opens_a_new_event_on_it(
    chromium, demo_server, tmp_path
):
    made = tmp_path / "made"
    made.mkdir()
    good = write_mbtiles(
        made / "riverwalk.mbtiles",
        drawn_tiles(
            json.loads((DEMO / "basemap.geojson").read_text()),
            tile_fetch.covering(tile_fetch.widen((-87.627, 41.888, -87.627, 41.888), 2000), [14]),
        ),
        {
            "format": "png",
            "name": "<script>document.title=2</script>Riverwalk",
            "attribution": HOSTILE,
        },
    )
    broken = made / "broken.pmtiles"
    broken.write_bytes(b"PMTiles\x03" + b"\0" * 50)
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    first_login(page, demo_server)
    page.goto(demo_server.url + "/admin/basemaps")
    page.fill("#basemap-upload input[name=name]", "riverwalk")
    page.set_input_files("#basemap-upload input[type=file]", str(good))
    page.click("#basemap-upload button")
    assert "Basemap riverwalk is ready" in page.locator(".flash.info").inner_text()
    page.fill("#basemap-upload input[name=name]", "riverwalk")
    page.set_input_files("#basemap-upload input[type=file]", str(broken))
    page.click("#basemap-upload button")
    assert (
        "Nothing was saved: this is not a PMTiles file" in page.locator(".flash.error").inner_text()
    )
    row = page.locator("#basemaps tbody tr", has_text="riverwalk")
    assert "document.title=2Riverwalk" in row.inner_text()  # tags dropped, the rest text
    assert SHOWN in row.inner_text() and page.title() != "2"
    _shots(page, tmp_path, "admin-basemaps")

    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(demo_server.url + "/")
    form = page.locator("form", has=page.locator("input[name=center]"))
    form.locator("input[name=name]").fill("Riverwalk night market")
    form.locator("input[name=starts_at]").fill("2027-06-05T17:00")
    form.locator("input[name=ends_at]").fill("2027-06-05T23:00")
    form.locator("input[name=center]").fill("41.8880, -87.6270")
    _shots(page, tmp_path, "new-event")
    page.set_viewport_size({"width": 1600, "height": 1000})
    form.locator("button").click()
    page.wait_for_url("**/events/2")
    page.select_option("#map-settings select[name=basemap]", "riverwalk")
    page.click("#map-settings button")
    page.wait_for_url("**/events/2*")
    data = json.loads(page.locator("#map-data").text_content())
    assert data["bounds"] == [[41.878, -87.637], [41.898, -87.617]]  # the place typed
    wait_until(page, "document.querySelector('img.leaflet-tile-loaded')")
    assert "/basemaps/riverwalk/" in page.locator("img.leaflet-tile-loaded").first.get_attribute(
        "src"
    )
    page.evaluate("window.scrollTo(0, 0)")
    _shots(page, tmp_path, "new-event-map")
    context.close()
