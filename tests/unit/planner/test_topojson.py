"""The TopoJSON reader against topologies small enough to decode by hand, and against the
shipped county boundaries (planner/data) checked with the Census Bureau's own numbers."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import MultiPolygon, Point, Polygon

from planner import topojson
from planner.counties import ATLAS

# Two unit squares side by side sharing the arc x=1, quantized: scale 0.5, translate 10, 20.
# Arc 0 is the shared edge (1,0)->(1,1); arc 1 goes round the left square from (1,1) back to
# (1,0); arc 2 round the right one from (1,0) to (1,1). Positions are steps from the one
# before, in quanta of 0.5.
SQUARES = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    "objects": {
        "squares": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "left", "arcs": [[0, 1]], "properties": {"n": 1}},
                {"type": "MultiPolygon", "id": "right", "arcs": [[[2, -1]]]},
                {"type": "LineString", "id": "line", "arcs": [0]},
            ],
        }
    },
    "arcs": [
        [[2, 0], [0, 2]],
        [[2, 2], [-2, 0], [0, -2], [2, 0]],
        [[2, 0], [2, 0], [0, 2], [-2, 0]],
    ],
}


def test_arcs_are_delta_decoded_then_transformed():
    arcs = topojson.decode_arcs(SQUARES)
    assert arcs[0].tolist() == [[11.0, 20.0], [11.0, 21.0]]
    assert arcs[1].tolist() == [[11.0, 21.0], [10.0, 21.0], [10.0, 20.0], [11.0, 20.0]]


def test_a_negative_index_is_an_arc_reversed_and_joined_arcs_share_their_ends():
    arcs = topojson.decode_arcs(SQUARES)
    ring = topojson.ring(arcs, [2, -1])
    assert ring.tolist() == [[11, 20], [12, 20], [12, 21], [11, 21], [11, 20]]


def test_polygons_and_multipolygons_come_out_other_types_are_left_out():
    found = {fid: (props, shape) for fid, props, shape in topojson.features(SQUARES, "squares")}
    assert set(found) == {"left", "right"}
    props, left = found["left"]
    assert props == {"n": 1}
    assert isinstance(left, Polygon) and left.area == pytest.approx(1.0)
    assert left.bounds == (10.0, 20.0, 11.0, 21.0)
    _, right = found["right"]
    assert isinstance(right, MultiPolygon) and right.bounds == (11.0, 20.0, 12.0, 21.0)
    assert left.touches(right)  # the shared arc is the same positions in both


def test_a_ring_quantized_to_nothing_is_left_out():
    collapsed = {
        "type": "Topology",
        "objects": {"o": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "id": "islet", "arcs": [[0]]}
        ]}},
        "arcs": [[[0, 0], [1, 0], [0, 0]]],
    }  # fmt: skip
    assert list(topojson.features(collapsed, "o")) == []


def test_the_shipped_counties_decode_to_the_census_outlines():
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    counties = {fid: shape for fid, _, shape in topojson.features(topology, "counties")}
    assert len(counties) > 3200  # 3,142 counties and equivalents, and Puerto Rico's
    cook = counties["17031"]
    # Cook County's extent in the Census Bureau's TIGER/Line: -88.2634 to -87.5241 E,
    # 41.4696 to 42.1542 N; the 1:10,000,000 outline keeps it to within a kilometre or so.
    west, south, east, north = cook.bounds
    assert west == pytest.approx(-88.2634, abs=0.02) and east == pytest.approx(-87.5241, abs=0.02)
    assert south == pytest.approx(41.4696, abs=0.01) and north == pytest.approx(42.1542, abs=0.01)
    assert cook.contains(Point(-87.6298, 41.8781))  # the Loop
    assert counties["17043"].contains(Point(-88.0834, 41.8661))  # Wheaton, in DuPage
