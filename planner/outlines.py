"""Zone outlines for the live map: simplified to a vertex budget and rounded to a tenth of a
metre, so that a joining viewer is sent kilobytes per zone rather than megabytes.

The live picture (the snapshot and `zone_changed` deltas) draws these; the API, the exports
and every measurement keep the full geometry. Douglas-Peucker keeps a simplified outline
within its tolerance of the real one, so area and what lies inside change by no more than
that band along the edge.
"""

from __future__ import annotations

import json

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

MAX_LIVE_VERTICES = 1_000  # per zone: a venue's outline needs hundreds
MIN_LIVE_VERTICES = 100
TOTAL_LIVE_VERTICES = 20_000  # for all of an event's zones in one snapshot
MAX_LIVE_OUTLINE_BYTES = 32_768  # one zone's outline as GeoJSON
PLACES = 6  # decimals of a degree: 0.11 m of latitude
SMALLEST_TOLERANCE = 1e-7  # degrees; below the rounding, simplifying would change nothing


def vertex_budget(zones: int) -> int:
    """Each zone's share of the snapshot's vertices, within MIN and MAX_LIVE_VERTICES."""
    return max(MIN_LIVE_VERTICES, min(MAX_LIVE_VERTICES, TOTAL_LIVE_VERTICES // max(zones, 1)))


def live_outline(geometry: BaseGeometry, budget: int = MAX_LIVE_VERTICES) -> BaseGeometry:
    """The outline to draw: at most `budget` vertices and MAX_LIVE_OUTLINE_BYTES as GeoJSON,
    as close to the geometry as that allows."""
    while True:
        outline = _rounded(_simplified(geometry, budget))
        if budget <= 4 or outline_bytes(outline) <= MAX_LIVE_OUTLINE_BYTES:
            return outline
        budget //= 2  # many parts or rings, each with its own overhead


def outline_bytes(geometry: BaseGeometry) -> int:
    return len(json.dumps(mapping(geometry), separators=(",", ":")))


def _simplified(geometry: BaseGeometry, budget: int) -> BaseGeometry:
    """The geometry with the smallest tolerance (halving from a coarse one) that meets the
    budget. Coarse first, because Douglas-Peucker is slow where it keeps most vertices."""
    if shapely.get_num_coordinates(geometry) <= budget:
        return geometry
    minx, miny, maxx, maxy = geometry.bounds
    tolerance = max(np.hypot(maxx - minx, maxy - miny) / budget, SMALLEST_TOLERANCE)
    best = _coarsest_within(geometry, tolerance, budget)
    while tolerance / 2 >= SMALLEST_TOLERANCE:
        finer = shapely.simplify(geometry, tolerance / 2, preserve_topology=False)
        if finer.is_empty or shapely.get_num_coordinates(finer) > budget:
            break
        best, tolerance = finer, tolerance / 2
    return best


def _coarsest_within(geometry: BaseGeometry, tolerance: float, budget: int) -> BaseGeometry:
    """Simplified with `tolerance`, doubled until within budget; the envelope if the shape
    vanishes first (a crowd of tiny parts)."""
    for _ in range(64):
        outline = shapely.simplify(geometry, tolerance, preserve_topology=False)
        if outline.is_empty:
            break
        if shapely.get_num_coordinates(outline) <= budget:
            return outline
        tolerance *= 2
    return geometry.envelope


def _rounded(geometry: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geometry, lambda coords: np.round(coords, PLACES))
