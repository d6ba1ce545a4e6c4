"""Outlines for the live map: a zone of 200,000 vertices is sent as a few kilobytes, and
what it covers (its area, what lies inside it) stays within a few metres of the real one."""

from __future__ import annotations

import numpy as np
import pyproj
import shapely
from shapely.geometry import Point, box

from planner.outlines import (
    MAX_LIVE_OUTLINE_BYTES,
    MAX_LIVE_VERTICES,
    MIN_LIVE_VERTICES,
    live_outline,
    outline_bytes,
    vertex_budget,
)
from tests.support.joins import jagged_ring

GEOD = pyproj.Geod(ellps="WGS84")
METRE = 1 / 111_320  # of a degree of latitude, about
BAND_M = 10.0  # how far the outline may stray from the real edge


def area_m2(geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geometry)[0])


def test_a_zone_of_200000_vertices_is_sent_simplified_under_the_byte_cap():
    zone = jagged_ring(-87.626, 41.913, 2000, 200_000)
    assert shapely.get_num_coordinates(zone) == 200_001
    outline = live_outline(zone)
    assert shapely.get_num_coordinates(outline) <= MAX_LIVE_VERTICES
    assert outline_bytes(outline) <= MAX_LIVE_OUTLINE_BYTES
    assert outline_bytes(zone) > 100 * MAX_LIVE_OUTLINE_BYTES  # what was sent before
    assert abs(area_m2(outline) - area_m2(zone)) / area_m2(zone) < 0.005
    assert shapely.hausdorff_distance(outline, zone) < BAND_M * METRE


def test_what_lies_inside_a_simplified_zone_stays_inside_it():
    zone = jagged_ring(-87.626, 41.913, 2000, 200_000)
    outline = live_outline(zone)
    rng = np.random.default_rng(17)
    xs = rng.uniform(zone.bounds[0] - 0.005, zone.bounds[2] + 0.005, 400)
    ys = rng.uniform(zone.bounds[1] - 0.005, zone.bounds[3] + 0.005, 400)
    points = shapely.points(xs, ys)
    clear = shapely.distance(points, zone.boundary) > BAND_M * METRE  # not on the edge band
    inside, still = shapely.contains(zone, points), shapely.contains(outline, points)
    assert clear.sum() > 300
    assert (inside[clear] == still[clear]).all()


def test_a_small_zone_keeps_its_shape_rounded_to_a_tenth_of_a_metre():
    zone = box(-87.6281234567, 41.9121234567, -87.6261234567, 41.9141234567)
    outline = live_outline(zone)
    assert shapely.get_num_coordinates(outline) == 5
    assert shapely.hausdorff_distance(outline, zone) < 0.2 * METRE
    assert outline.contains(Point(-87.627, 41.913))


def test_many_zones_share_the_snapshot_budget():
    assert vertex_budget(1) == MAX_LIVE_VERTICES
    assert vertex_budget(100) == 200
    assert vertex_budget(10_000) == MIN_LIVE_VERTICES
