"""A zone file never makes the server reach out (issue 17, finding 2).

GeoJSON `crs` members of type link or url made GDAL fetch their URL, past the feed
allow-list, and the answer came back as the import's `source_crs`. A real HTTP server on
127.0.0.1 records whether it is contacted while such files are sent through the API and the
page: they are refused by name, the server hears nothing, and nothing is stored.
"""

from __future__ import annotations

import html
import io

import pytest
from shapely.geometry import mapping
from sqlalchemy import func, select

from maps.models import LiveDelta
from planner.models import Zone
from tests.factories import db_session, make_event, make_token
from tests.support import uploads as files

FETCHED = b'PROJCS["FETCHED-FROM-INSIDE",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Mercator_1SP"],UNIT["metre",1]]'  # noqa: E501
PATH = "/internal/crs.wkt"


def crs_member(kind: str, url: str) -> dict:
    """The two remote forms of the 2008 GeoJSON crs member, with both keys GDAL reads."""
    return {"type": kind, "properties": {"href": url, "url": url, "type": "ogcwkt"}}


def zone_file(kind: str, url: str) -> bytes:
    return files.geojson_bytes(({"name": "Beach"}, mapping(files.BEACH)), crs=crs_member(kind, url))


@pytest.fixture
def internal(feed_server):
    """The server a hostile file points at, answering a CRS that would show up if fetched."""
    feed_server.extra[("127.0.0.1", PATH)] = (200, {"Content-Type": "text/plain"}, FETCHED)
    return feed_server


@pytest.fixture
def event_id(app) -> int:
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
    return event_id


def stored(app) -> tuple[int, int]:
    with db_session(app) as session:
        zones = session.scalar(select(func.count()).select_from(Zone))
        return zones, session.scalar(select(func.count()).select_from(LiveDelta))


@pytest.mark.parametrize("kind", ["link", "url", "URL"])
def test_a_crs_that_links_to_a_url_is_refused_by_the_api_and_never_fetched(
    app, client, internal, event_id, kind
):
    with db_session(app) as session:
        token = make_token(session, "planner")
    before = stored(app)
    response = client.post(
        f"/api/v1/events/{event_id}/zones/import",
        headers={"Authorization": f"Bearer {token}"},
        data={"file": (io.BytesIO(zone_file(kind, internal.base_url + PATH)), "zones.geojson")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    message = response.json["error"]["message"]
    assert f"\"crs\" member of type '{kind}'" in message, message
    assert "FETCHED" not in response.get_data(as_text=True)
    assert internal.log == []
    assert stored(app) == before


@pytest.mark.parametrize("kind", ["link", "url"])
def test_a_crs_that_links_to_a_url_is_refused_on_the_page_and_never_fetched(
    app, login, internal, event_id, kind
):
    planner = login("planner")
    before = stored(app)
    response = planner.client.post(
        f"/events/{event_id}/plan/zones/import",
        data={
            "csrf_token": planner.csrf,
            "file": (io.BytesIO(zone_file(kind, internal.base_url + PATH)), "zones.geojson"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Nothing was saved" in page, page[:2000]
    assert f"\"crs\" member of type '{kind}'" in page
    assert "FETCHED" not in page
    assert internal.log == []
    assert stored(app) == before
