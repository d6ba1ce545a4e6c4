"""Zone imports through the page and the API: zones named from the file's own name column
(guessed and said, or chosen with `name_field`), an unknown column refused listing the
columns, and the plausible-area limit as the ZONE_MAX_AREA_KM2 setting."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from shapely.geometry import box, mapping
from sqlalchemy import select

from planner.models import Zone
from tests.factories import db_session, make_event
from tests.support.shapes import SQUARE
from tests.support.zone_files import REAL_SHAPES
from web.config import from_env

GUESSED = (
    "Named zones from column PRI_NEIGH (guessed); choose another: SEC_NEIGH, SHAPE_AREA, SHAPE_LEN"
)
MARKUP = "<img src=x onerror=alert(1)>"
LAKE = box(-88.0, 41.6, -86.0, 44.0)  # Lake Michigan's south end: about 43,577 km²


@dataclass(frozen=True)
class Desk:
    client: FlaskClient
    csrf: str
    event_id: int


@pytest.fixture
def desk(app, login) -> Desk:
    """A planner logged in through the login form, and an empty event."""
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
    planner = login("planner")
    return Desk(planner.client, planner.csrf, event_id)


@pytest.fixture
def neighborhoods(tmp_path) -> tuple[bytes, str]:
    return REAL_SHAPES["chicago-neighborhoods-shapefile"].file(tmp_path)


def api_import(desk, file: tuple[bytes, str], **fields):
    data = {"file": (io.BytesIO(file[0]), file[1]), **fields}
    path = f"/api/v1/events/{desk.event_id}/zones/import"
    return desk.client.post(path, data=data, headers={"X-CSRFToken": desk.csrf})


def page_import(desk, file: tuple[bytes, str], **fields):
    """The plan page's import form, and the plan page it leads back to."""
    data = {"csrf_token": desk.csrf, "file": (io.BytesIO(file[0]), file[1]), **fields}
    path = f"/events/{desk.event_id}/plan/zones/import"
    answer = desk.client.post(path, data=data, follow_redirects=True)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def zone_names(app, event_id: int) -> list[str]:
    with db_session(app) as session:
        found = select(Zone.name).where(Zone.event_id == event_id).order_by(Zone.id)
        return session.scalars(found).all()


def geojson(*features: tuple[dict, object]) -> tuple[bytes, str]:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": properties, "geometry": mapping(shape)}
            for properties, shape in features
        ],
    }
    return json.dumps(collection).encode(), "zones.geojson"


def test_the_api_names_zones_from_a_guessed_column_and_lists_the_others(app, desk, neighborhoods):
    answer = api_import(desk, neighborhoods)

    assert answer.status_code == 201, answer.json
    assert (answer.json["name_field"], answer.json["name_guessed"]) == ("PRI_NEIGH", True)
    assert answer.json["warnings"] == [GUESSED]
    assert answer.json["columns"][:2] == [
        {"name": "PRI_NEIGH", "samples": ["Lincoln Park", "Old Town", "Gold Coast"]},
        {"name": "SEC_NEIGH", "samples": ["LINCOLN PARK", "OLD TOWN", "GOLD COAST"]},
    ]
    assert zone_names(app, desk.event_id) == ["Lincoln Park", "Old Town", "Gold Coast"]


def test_the_api_takes_the_column_the_planner_chose(app, desk, neighborhoods):
    answer = api_import(desk, neighborhoods, name_field="sec_neigh")

    assert answer.status_code == 201, answer.json
    assert (answer.json["name_field"], answer.json["name_guessed"]) == ("SEC_NEIGH", False)
    assert answer.json["warnings"] == []
    assert zone_names(app, desk.event_id) == ["LINCOLN PARK", "OLD TOWN", "GOLD COAST"]


def test_an_unknown_column_is_a_400_listing_the_columns_and_nothing_is_written(
    app, desk, neighborhoods
):
    answer = api_import(desk, neighborhoods, name_field="NEIGHBORHOOD")

    assert answer.status_code == 400
    assert answer.json["error"]["details"] == {"field": "name_field"}
    assert answer.json["error"]["message"] == (
        "there is no column 'NEIGHBORHOOD' in the file; its columns: PRI_NEIGH, SEC_NEIGH, "
        "SHAPE_AREA, SHAPE_LEN"
    )
    assert zone_names(app, desk.event_id) == []


def test_the_page_says_which_column_was_guessed_and_takes_a_chosen_one(app, desk, neighborhoods):
    page = page_import(desk, neighborhoods)
    assert "Imported 3 zones from EPSG:3435." in page
    assert GUESSED in page
    assert 'name="name_field"' in page

    page = page_import(desk, neighborhoods, name_field="SEC_NEIGH")
    assert "Named the zones from column SEC_NEIGH." in page
    assert "Named zones from column" not in page
    assert zone_names(app, desk.event_id)[3:] == ["LINCOLN PARK", "OLD TOWN", "GOLD COAST"]

    page = page_import(desk, neighborhoods, name_field="ward")
    assert (
        "Nothing was saved: there is no column &#39;ward&#39; in the file; its columns: "
        "PRI_NEIGH, SEC_NEIGH, SHAPE_AREA, SHAPE_LEN"
    ) in page
    assert len(zone_names(app, desk.event_id)) == 6


def test_repeated_names_are_numbered_and_markup_in_names_and_columns_stays_text(app, desk):
    west, east = box(-87.628, 41.912, -87.627, 41.913), box(-87.626, 41.912, -87.625, 41.913)
    page = page_import(desk, geojson(({MARKUP: "Lincoln Park"}, west), ({MARKUP: "Oz"}, east)))
    assert "Named zones from column &lt;img src=x onerror=alert(1)&gt; (guessed)" in page
    assert MARKUP not in page

    page = page_import(desk, geojson(({"name": "Oz"}, west), ({"name": "Oz"}, east)))
    assert zone_names(app, desk.event_id)[2:] == ["Oz", "Oz (2)"]  # numbered within the file
    assert "2 features are named &#39;Oz&#39;; imported as &#39;Oz&#39;, &#39;Oz (2)&#39;" in page

    page = page_import(desk, geojson(({"name": MARKUP}, west)))
    assert zone_names(app, desk.event_id)[-1] == MARKUP
    assert "<td>&lt;img src=x onerror=alert(1)&gt;</td>" in page and MARKUP not in page


LIMIT_MESSAGE = (
    "feature 1 'Lake Michigan' covers 43,577 km², more than the 500 km² limit "
    "(ZONE_MAX_AREA_KM2): check the file's coordinate system"
)


def test_the_area_limit_refuses_a_lake_through_both_doors_naming_the_setting(app, desk):
    lake = geojson(({"name": "Lake Michigan"}, LAKE))

    answer = api_import(desk, lake)
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == f"1 feature refused: {LIMIT_MESSAGE}"

    page = page_import(desk, lake)
    assert LIMIT_MESSAGE.replace("'", "&#39;") in page
    assert zone_names(app, desk.event_id) == []


def test_the_area_limit_is_the_setting_for_imports_and_drawn_zones(app, desk):
    app.config["ZONE_MAX_AREA_KM2"] = 50_000
    assert api_import(desk, geojson(({"name": "Lake Michigan"}, LAKE))).status_code == 201

    app.config["ZONE_MAX_AREA_KM2"] = 0.01  # one hectare
    page = page_import(desk, geojson(({"name": "Beach"}, box(-87.628, 41.912, -87.626, 41.914))))
    assert "covers 0.0368 km², more than the 0.01 km² limit (ZONE_MAX_AREA_KM2)" in page

    beach = {"name": "Beach", "kind": "crowd"}
    drawn = {"type": "Feature", "geometry": SQUARE, "properties": beach}
    path = f"/api/v1/events/{desk.event_id}/zones"
    answer = desk.client.post(path, json=drawn, headers={"X-CSRFToken": desk.csrf})
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == (
        "zone 'Beach' covers 0.0368 km², more than the 0.01 km² limit (ZONE_MAX_AREA_KM2): "
        "check its coordinates"
    )
    assert zone_names(app, desk.event_id) == ["Lake Michigan"]


def test_the_preview_lists_the_columns_and_saves_nothing(app, desk, neighborhoods):
    path = f"/api/v1/events/{desk.event_id}/zones/import/columns"
    data = {"file": (io.BytesIO(neighborhoods[0]), neighborhoods[1])}
    answer = desk.client.post(path, data=data, headers={"X-CSRFToken": desk.csrf})

    assert answer.status_code == 200, answer.json
    assert answer.json["zones"] == 3 and answer.json["source_crs"] == "EPSG:3435"
    assert (answer.json["name_field"], answer.json["name_guessed"]) == ("PRI_NEIGH", True)
    assert [c["name"] for c in answer.json["columns"]] == [
        "PRI_NEIGH", "SEC_NEIGH", "SHAPE_AREA", "SHAPE_LEN",
    ]  # fmt: skip
    assert answer.json["columns"][2]["samples"] == [
        "88283683.6219",
        "14364452.8911",
        "7165705.22551",
    ]
    assert zone_names(app, desk.event_id) == []


def test_the_refusal_is_said_in_the_readers_language(desk):
    lake = geojson(({"name": "Lake Michigan"}, LAKE))
    data = {"file": (io.BytesIO(lake[0]), lake[1])}
    headers = {"X-CSRFToken": desk.csrf, "Accept-Language": "fr"}
    path = f"/api/v1/events/{desk.event_id}/zones/import"
    answer = desk.client.post(path, data=data, headers=headers)
    assert answer.status_code == 400
    assert (
        "couvre 43,577 km², plus que la limite de 500 km² (ZONE_MAX_AREA_KM2)"
        in (answer.json["error"]["message"])
    )


def test_the_setting_is_read_from_the_environment(tmp_path):
    env = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k"}
    assert from_env(env)["ZONE_MAX_AREA_KM2"] == 500
    assert from_env(env | {"ZONE_MAX_AREA_KM2": "1200.5"})["ZONE_MAX_AREA_KM2"] == 1200.5


@pytest.mark.parametrize("role", ["partner", "commander"])
def test_the_preview_is_a_planners_door_only(desk, login, role, neighborhoods):
    who = login(role)
    path = f"/api/v1/events/{desk.event_id}/zones/import/columns"
    data = {"file": (io.BytesIO(neighborhoods[0]), neighborhoods[1])}
    answer = who.client.post(path, data=data, headers={"X-CSRFToken": who.csrf})
    assert answer.status_code == 403
    assert "PRI_NEIGH" not in answer.get_data(as_text=True)


def test_markup_in_a_files_columns_comes_back_as_json_text(desk):
    markup = "<img src=x onerror=alert(1)>"
    lake = geojson(({markup: markup, "name": "Beach"}, box(-87.63, 41.91, -87.62, 41.92)))
    path = f"/api/v1/events/{desk.event_id}/zones/import/columns"
    data = {"file": (io.BytesIO(lake[0]), lake[1])}
    answer = desk.client.post(path, data=data, headers={"X-CSRFToken": desk.csrf})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert {"name": markup, "samples": [markup]} in answer.json["columns"]
