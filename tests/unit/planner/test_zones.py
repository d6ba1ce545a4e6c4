"""Zone geometry rules: GeoJSON in, a valid lon/lat (Multi)Polygon out, areas in m², capacity."""

from __future__ import annotations

import pyproj
import pytest
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape

from planner.zones import (
    ZONE_KINDS,
    ZoneError,
    areas_m2,
    checked_area,
    holding_capacity,
    polygon_from_geojson,
)

LABEL = "zone 'Gate 3'"
# A 0.001° x 0.001° square on the Chicago lakefront (about 83 m x 111 m).
LON, LAT, SIDE = -87.62, 41.91, 0.001
SQUARE = box(LON, LAT, LON + SIDE, LAT + SIDE)


def test_a_polygon_is_accepted_unchanged():
    geom = polygon_from_geojson(mapping(SQUARE), LABEL)
    assert isinstance(geom, Polygon)
    assert geom.is_valid
    assert geom.equals(SQUARE)


def test_a_multipolygon_is_accepted_unchanged():
    other = box(LON + 2 * SIDE, LAT, LON + 3 * SIDE, LAT + SIDE)
    multi = MultiPolygon([SQUARE, other])
    geom = polygon_from_geojson(mapping(multi), LABEL)
    assert isinstance(geom, MultiPolygon)
    assert geom.equals(multi)


def test_a_self_intersecting_bow_tie_is_repaired_into_a_valid_polygon():
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [
                [LON, LAT],
                [LON + SIDE, LAT + SIDE],
                [LON + SIDE, LAT],
                [LON, LAT + SIDE],
                [LON, LAT],
            ]
        ],
    }
    assert not shape(bow_tie).is_valid
    geom = polygon_from_geojson(bow_tie, LABEL)
    assert isinstance(geom, Polygon | MultiPolygon)
    assert geom.is_valid
    # Two triangles meeting at the crossing: half of the bounding square.
    assert geom.area == pytest.approx(SIDE * SIDE / 2)


@pytest.mark.parametrize(
    "geometry",
    [
        pytest.param({"type": "Point", "coordinates": [LON, LAT]}, id="point"),
        pytest.param(
            {"type": "LineString", "coordinates": [[LON, LAT], [LON + SIDE, LAT + SIDE]]},
            id="linestring",
        ),
        pytest.param({"type": "Polygon", "coordinates": []}, id="empty-polygon"),
        pytest.param({"type": "MultiPolygon", "coordinates": []}, id="empty-multipolygon"),
        pytest.param({}, id="empty-dict"),
        pytest.param({"type": "Polygon"}, id="no-coordinates"),
        pytest.param({"type": "Blob", "coordinates": [1, 2]}, id="unknown-type"),
        pytest.param({"coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, id="no-type"),
        pytest.param(None, id="none"),
        pytest.param("POLYGON ((0 0, 1 0, 1 1, 0 0))", id="wkt-string"),
    ],
)
def test_what_is_not_a_polygon_is_refused_naming_the_zone(geometry):
    with pytest.raises(ZoneError, match=LABEL):
        polygon_from_geojson(geometry, LABEL)


def test_a_polygon_that_collapses_when_repaired_is_refused_naming_the_zone():
    collinear = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}
    with pytest.raises(ZoneError, match=LABEL):
        polygon_from_geojson(collinear, LABEL)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        pytest.param(447000, 4640000, id="utm-metres"),
        pytest.param(-9754000, 5146000, id="web-mercator-metres"),
    ],
)
def test_projected_coordinates_are_refused_asking_for_epsg_4326(x, y):
    projected = mapping(box(x, y, x + 100, y + 100))
    with pytest.raises(ZoneError, match="EPSG:4326") as info:
        polygon_from_geojson(projected, LABEL)
    assert LABEL in str(info.value)


def test_area_of_a_small_box_matches_the_geodesic_area():
    geodesic, _ = pyproj.Geod(ellps="WGS84").geometry_area_perimeter(SQUARE)
    [area] = areas_m2([SQUARE])
    assert area == pytest.approx(abs(geodesic), rel=0.005)


def test_areas_are_returned_in_input_order():
    big = box(LON, LAT, LON + 2 * SIDE, LAT + 2 * SIDE)
    small, large = areas_m2([SQUARE, big])
    assert large == pytest.approx(4 * small, rel=0.001)


def test_no_geometries_give_no_areas():
    assert areas_m2([]) == []


def test_checked_area_returns_the_area_of_a_plausible_zone():
    assert checked_area(SQUARE, LABEL) == pytest.approx(areas_m2([SQUARE])[0])


def test_checked_area_refuses_an_absurdly_large_zone_naming_it():
    with pytest.raises(ZoneError, match=LABEL):
        checked_area(box(0, 0, 10, 10), LABEL)


@pytest.mark.parametrize(
    ("area", "density", "expected"),
    [
        (1000.0, 2.0, 2000),
        (100.7, 2.0, 201),
        (0.0, 2.0, 0),
        (250.0, 0.5, 125),
    ],
)
def test_holding_capacity_is_area_times_density_as_a_whole_number(area, density, expected):
    capacity = holding_capacity(area, density)
    assert capacity == expected
    assert isinstance(capacity, int)


def test_holding_capacity_is_none_where_nobody_stands():
    assert holding_capacity(5000.0, None) is None


def test_zone_kinds_cover_the_planning_kinds():
    expected = {
        "crowd",
        "vip",
        "gate",
        "perimeter",
        "staging",
        "medical",
        "command_post",
        "water",
        "airspace",
    }
    assert expected <= set(ZONE_KINDS)
    assert len(set(ZONE_KINDS)) == len(ZONE_KINDS)
