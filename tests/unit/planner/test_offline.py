"""GDAL and PROJ have no network wherever zone files are read: the second wall, tried here
without the first (planner.references), against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os

import geopandas as gpd
import pyogrio
import pyproj.network
import pytest
from shapely.geometry import mapping

import planner.importing  # noqa: F401  (what reads files takes GDAL offline on import)
from planner import offline
from tests.support import uploads as files

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:pyogrio")
FETCHED = b'PROJCS["FETCHED",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Mercator_1SP"],UNIT["metre",1]]'  # noqa: E501


@pytest.fixture
def internal(feed_server):
    for path in ("/crs.wkt", "/zones.geojson"):
        feed_server.extra[("127.0.0.1", path)] = (200, {"Content-Type": "text/plain"}, FETCHED)
    return feed_server


def test_the_process_is_offline_once_the_reading_module_is_imported():
    offline.assert_offline()
    assert pyogrio.get_gdal_config_option("GDAL_HTTP_PROXY") == offline.NOWHERE
    assert not pyproj.network.is_network_enabled()
    assert os.environ["PROJ_NETWORK"] == "OFF"


@pytest.mark.parametrize("kind", ["link", "url", "name"])
def test_gdal_itself_fetches_no_crs_a_file_links_to(tmp_path, internal, kind):
    """What GDAL does with a crs member that the upload checks would have refused."""
    url = internal.base_url + "/crs.wkt"
    crs = {"type": kind, "properties": {"href": url, "url": url, "name": url}}
    collection = {"type": "FeatureCollection", "crs": crs, "features": []}
    collection["features"].append(
        {"type": "Feature", "properties": {}, "geometry": mapping(files.BEACH)}
    )
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(collection))
    frame = gpd.read_file(path, engine="pyogrio")  # straight to GDAL, no upload checks
    assert "FETCHED" not in str(frame.crs)
    assert internal.log == []


def test_gdal_opens_no_remote_path(internal):
    for path in (
        f"/vsicurl/{internal.base_url}/zones.geojson",
        f"{internal.base_url}/zones.geojson",
        f"/vsicurl_streaming/{internal.base_url}/zones.geojson",
    ):
        with pytest.raises(pyogrio.errors.DataSourceError):
            pyogrio.read_info(path)
    assert internal.log == []


def test_a_no_proxy_setting_cannot_let_gdal_past_its_dead_end(monkeypatch, tmp_path, internal):
    monkeypatch.setenv("no_proxy", "*")  # curl would go straight to any host
    offline.go_offline()  # as the reading process does when it imports planner.importing
    assert "no_proxy" not in os.environ
    test_gdal_itself_fetches_no_crs_a_file_links_to(tmp_path, internal, "link")
