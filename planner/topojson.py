"""A small TopoJSON reader: a topology's polygons as shapely geometries.

TopoJSON (github.com/topojson/topojson-specification) stores each shared boundary once,
as an arc; a quantized topology stores an arc's positions as integer steps from the one
before, which its transform turns back into longitudes and latitudes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

Topology = dict[str, Any]


def decode_arcs(topology: Topology) -> list[NDArray[np.float64]]:
    """Every arc as an (n, 2) array of positions, delta-decoded and transformed."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=np.float64)[:, :2]
        if transform is not None:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def ring(arcs: list[NDArray[np.float64]], indexes: list[int]) -> NDArray[np.float64]:
    """The positions of a ring joined from arcs; index ~i is arc i reversed. Each arc
    after the first starts where the one before ended, so its first position is dropped."""
    parts = []
    for n, index in enumerate(indexes):
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(points if n == 0 else points[1:])
    return np.concatenate(parts)


def geometry(arcs: list[NDArray[np.float64]], item: dict) -> BaseGeometry | None:
    """A Polygon or MultiPolygon of a topology's object; None for any other type."""
    if item.get("type") == "Polygon":
        polygons = [_polygon(arcs, item["arcs"])]
    elif item.get("type") == "MultiPolygon":
        polygons = [_polygon(arcs, rings) for rings in item["arcs"]]
    else:
        return None
    kept = [p for p in polygons if p is not None]
    if not kept:
        return None
    return kept[0] if item["type"] == "Polygon" else MultiPolygon(kept)


def features(topology: Topology, name: str) -> Iterator[tuple[str | None, dict, BaseGeometry]]:
    """(id, properties, geometry) of each polygonal member of the named object."""
    arcs = decode_arcs(topology)
    for item in topology["objects"][name]["geometries"]:
        shape = geometry(arcs, item)
        if shape is not None:
            yield item.get("id"), item.get("properties") or {}, shape


def _polygon(arcs: list[NDArray[np.float64]], rings: list[list[int]]) -> Polygon | None:
    """None when quantization left the outer ring too few positions to enclose an area (an
    islet at this scale); such holes are dropped likewise."""
    shell, *holes = (ring(arcs, r) for r in rings)
    if len(shell) < 4:
        return None
    return Polygon(shell, [h for h in holes if len(h) >= 4])
