"""Which US counties an event's zones lie in, and what the Weather Service calls them.

The boundaries are the Census Bureau's 2017 cartographic boundary counties as the npm
package us-atlas 3.0.1 ships them (planner/data, ISC licence, read offline); state postal
codes and county names come from the `us` package. At this scale (1:10,000,000) a shore
moves by a few hundred metres, so a zone on the water takes the nearest county within
NEAR_M: the lakefront's show box is Cook County's all the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import shapely
import us
from pyproj import Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import AzimuthalEquidistantConversion
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from planner import geocodes, topojson

ATLAS = Path(__file__).resolve().parent / "data" / "us-atlas-counties-10m.json"
NEAR_M = 10_000.0
_NEAR_DEG = 0.2  # a first cut, wider than NEAR_M anywhere in the country; metres decide


@dataclass(frozen=True)
class County:
    fips: str  # state (2 digits) and county (3)
    name: str  # "Cook County"
    state: str  # postal abbreviation, "IL"

    @property
    def same(self) -> str:
        """Its SAME code: 0 (the whole county), then its FIPS code."""
        return "0" + self.fips

    @property
    def ugc(self) -> str:
        """Its UGC county code: the state's postal code, C, the county's 3 digits."""
        return f"{self.state}C{self.fips[2:]}"

    @property
    def label(self) -> str:
        return f"{self.name}, {self.state}"


@dataclass(frozen=True)
class Atlas:
    counties: tuple[County, ...]
    shapes: tuple[BaseGeometry, ...]
    tree: STRtree


def counties_of(zones: Sequence[BaseGeometry]) -> list[County]:
    """The counties the zones (EPSG:4326) lie in, west to east; when none holds them (a
    zone on open water at this scale), the nearest within NEAR_M."""
    shapes = [z for z in zones if z is not None and not z.is_empty]
    if not shapes:
        return []
    atlas = _atlas()
    union = shapely.union_all(shapes)
    hits = atlas.tree.query(union, predicate="intersects")
    if not len(hits):
        hits = _nearest(atlas, union)
    found = {atlas.counties[i].fips: i for i in hits.tolist()}
    order = sorted(found.values(), key=lambda i: atlas.shapes[i].centroid.x)
    return [atlas.counties[i] for i in order]


def county(fips: str) -> County | None:
    """The county of a 5-digit FIPS code, by the `us` package's names."""
    state = us.states.lookup(fips[:2], field="fips")
    if state is None:
        return None
    name = next((c.name for c in state.counties or () if c.fips == fips), None)
    return County(fips, name, state.abbr) if name else None


def place_label(code: str) -> str | None:
    """ "Cook County, IL" for a SAME or UGC county code; None for a forecast zone or a
    code naming no county."""
    kind = geocodes.kind(code)
    if kind == "SAME":
        found = county(geocodes.same_county(code))
    elif kind == "UGC county":
        state = us.states.lookup(code[:2], field="abbr")
        found = county(state.fips + code[3:]) if state else None
    else:
        found = None
    return found.label if found else None


def described(codes: Iterable[str]) -> list[dict]:
    """Each code with its kind and, for a county, its name: what pages and the API show."""
    return [{"code": c, "kind": geocodes.kind(c), "name": place_label(c)} for c in codes]


def _nearest(atlas: Atlas, union: BaseGeometry) -> np.ndarray:
    candidates = atlas.tree.query(union, predicate="dwithin", distance=_NEAR_DEG)
    if not len(candidates):
        return candidates
    centre = union.centroid
    crs = ProjectedCRS(AzimuthalEquidistantConversion(centre.y, centre.x))
    to_m = Transformer.from_crs("EPSG:4326", crs, always_xy=True)

    def metres(shape: BaseGeometry) -> BaseGeometry:
        return shapely.transform(shape, lambda xy: np.column_stack(to_m.transform(*xy.T)))

    here = metres(union)
    distances = [here.distance(metres(atlas.shapes[i])) for i in candidates.tolist()]
    best = int(np.argmin(distances))
    return candidates[[best]] if distances[best] <= NEAR_M else candidates[:0]


@cache
def _atlas() -> Atlas:
    """The counties, read once per process (about 0.3 s)."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    counties, shapes = [], []
    for fips, props, shape in topojson.features(topology, "counties"):
        state = us.states.lookup(str(fips)[:2], field="fips")
        if state is None:
            continue  # a territory the `us` package does not name: no UGC code to give
        named = county(fips)
        counties.append(named or County(fips, f"{props.get('name', fips)}", state.abbr))
        shapes.append(shape if shape.is_valid else shapely.make_valid(shape))
    return Atlas(tuple(counties), tuple(shapes), STRtree(shapes))
