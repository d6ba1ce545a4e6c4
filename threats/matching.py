"""Which zones an alert or incident touches: STRtree bulk queries, no loops over pairs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from shapely import STRtree
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class ZoneIndex:
    """A spatial index over an event's zones (EPSG:4326), built once per match run."""

    ids: tuple[int, ...]
    geometries: tuple[BaseGeometry, ...]
    tree: STRtree = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tree", STRtree(list(self.geometries)))

    @classmethod
    def of(cls, zones: Sequence[tuple[int, BaseGeometry]]) -> ZoneIndex:
        return cls(tuple(z[0] for z in zones), tuple(z[1] for z in zones))

    def match_zones(self, geometry: BaseGeometry | None) -> list[int]:
        """Ids of the zones the geometry intersects, in zone order."""
        if geometry is None or geometry.is_empty or not self.ids:
            return []
        hits = self.tree.query(geometry, predicate="intersects")
        return [self.ids[i] for i in sorted(hits)]

    def match_many(self, geometries: Sequence[BaseGeometry]) -> list[list[int]]:
        """Zone ids for each geometry, from one bulk query."""
        result: list[list[int]] = [[] for _ in geometries]
        if not geometries or not self.ids:
            return result
        pairs = self.tree.query(np.asarray(geometries, dtype=object), predicate="intersects")
        for g, z in sorted(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True)):
            result[g].append(self.ids[z])
        return result
