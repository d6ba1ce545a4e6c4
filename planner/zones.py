"""Zone geometry rules: kinds, validation, areas in metres, overlaps and holding capacity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from common.messages import N_

ZONE_KINDS = (
    "crowd",
    "vip",
    "gate",
    "perimeter",
    "staging",
    "medical",
    "command_post",
    "water",
    "airspace",
)
STANDING_DENSITY = 2.0  # persons per m², the planning figure (Fruin, Green Guide)
MAX_DENSITY = 10.0  # persons per m²; a crush is about 7, so more is a mistake in the plan
MAX_ZONE_AREA_M2 = 500e6  # beyond this a "zone" is a mistake, not a venue
MAX_ZONE_VERTICES = 50_000  # a venue outline needs hundreds; more would flood every live map


class ZoneError(ValueError):
    """A zone that cannot be stored as given, with a message that names why; `field` names
    the input at fault when it is not the file or the geometry itself."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def polygon_from_geojson(geometry: dict, label: str = N_("zone")) -> BaseGeometry:
    """A valid (Multi)Polygon in EPSG:4326 from a GeoJSON geometry, repaired if it must be."""
    try:
        geom = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError) as exc:
        raise ZoneError(
            N_("%(label)s: not a GeoJSON geometry (%(error)s)", label=label, error=str(exc))
        ) from exc
    return checked_polygon(geom, label)


def checked_polygon(geom: BaseGeometry, label: str = N_("zone")) -> BaseGeometry:
    """The geometry as a valid (Multi)Polygon in EPSG:4326, repaired if it must be."""
    if not isinstance(geom, Polygon | MultiPolygon):
        raise ZoneError(
            N_(
                "%(label)s: a zone must be a Polygon or MultiPolygon, not %(type)s",
                label=label,
                type=geom.geom_type,
            )
        )
    if geom.is_empty:
        raise ZoneError(N_("%(label)s: the polygon is empty", label=label))
    vertices = shapely.get_num_coordinates(geom)
    if vertices > MAX_ZONE_VERTICES:
        raise ZoneError(
            N_(
                "%(label)s: %(vertices)s vertices, more than the %(max)s a zone may have; "
                "simplify the outline",
                label=label,
                vertices=f"{vertices:,}",
                max=f"{MAX_ZONE_VERTICES:,}",
            )
        )
    # Before any repair: a repair can drop the one vertex that is nowhere on Earth (or
    # overflow on it), and the zone would be kept without a word.
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ZoneError(
            N_("%(label)s: coordinates are not longitude/latitude (EPSG:4326)", label=label)
        )
    return geom if geom.is_valid else _polygonal(shapely.make_valid(geom), label)


def _polygonal(geom: BaseGeometry, label: str) -> BaseGeometry:
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon | MultiPolygon)]
    if not parts:
        raise ZoneError(N_("%(label)s: the polygon has no area, even when repaired", label=label))
    return shapely.union_all(parts)


def areas_m2(geometries: Sequence[BaseGeometry]) -> list[float]:
    """Areas in square metres, measured in the UTM zone that fits the geometries (or, beyond
    UTM, in an equal-area projection)."""
    if not geometries:
        return []
    series = gpd.GeoSeries(list(geometries), crs="EPSG:4326")
    return [float(a) for a in _in_metres(series).area]


def _in_metres(series: gpd.GeoSeries) -> gpd.GeoSeries:
    """Lon/lat geometries in the UTM zone that fits them or, beyond UTM (84° N, 80° S), in an
    equal-area projection centred on them."""
    try:
        return series.to_crs(series.estimate_utm_crs())
    except RuntimeError:  # geopandas: "Unable to determine UTM CRS"
        minx, miny, maxx, maxy = series.total_bounds
        centre = f"+lat_0={(miny + maxy) / 2} +lon_0={(minx + maxx) / 2}"
        return series.to_crs(f"+proj=laea {centre} +datum=WGS84 +units=m +no_defs")


def checked_area(
    geometry: BaseGeometry,
    label: str = N_("zone"),
    max_area_m2: float = MAX_ZONE_AREA_M2,
    *,
    from_file: bool = False,
) -> float:
    """The area in m², or a ZoneError when it is none or more than a venue can be (the
    ZONE_MAX_AREA_KM2 setting): degrees or feet read as metres give such areas."""
    area = areas_m2([geometry])[0]
    if area <= 0:
        raise ZoneError(
            N_(
                "%(label)s: an area of %(area)s m² is not a plausible zone",
                label=label,
                area=f"{area:,.0f}",
            )
        )
    if area > max_area_m2:
        raise ZoneError(too_large(label, area, max_area_m2, from_file=from_file))
    return area


def too_large(label: str, area_m2: float, max_area_m2: float, *, from_file: bool) -> str:
    """Why a zone is refused for its size, naming the setting that allows more."""
    values = {"label": label, "area": _km2(area_m2), "max": _km2(max_area_m2)}
    if from_file:
        return N_(
            "%(label)s covers %(area)s km², more than the %(max)s km² limit "
            "(ZONE_MAX_AREA_KM2): check the file's coordinate system",
            **values,
        )
    return N_(
        "%(label)s covers %(area)s km², more than the %(max)s km² limit "
        "(ZONE_MAX_AREA_KM2): check its coordinates",
        **values,
    )


def _km2(area_m2: float) -> str:
    km2 = area_m2 / 1e6
    return f"{km2:,.0f}" if km2 >= 10 else f"{km2:,.3g}"


def holding_capacity(area_m2: float, density: float | None) -> int | None:
    """Holding capacity = usable area x planned density; None where nobody stands."""
    if density is None:
        return None
    return int(area_m2 * density)


@dataclass(frozen=True)
class Overlap:
    """Two zones whose interiors share ground: ids a < b and the shared area in m²."""

    a: int
    b: int
    area_m2: float


def overlaps(zones: Sequence[tuple[int, BaseGeometry]], min_area_m2: float = 1.0) -> list[Overlap]:
    """Pairs of zones sharing at least min_area_m2 of ground, measured in their UTM zone.

    Zones that only touch along an edge or at a corner share no area and are not listed.
    """
    if len(zones) < 2:
        return []
    ids = [zone_id for zone_id, _ in zones]
    series = gpd.GeoSeries([geometry for _, geometry in zones], crs="EPSG:4326")
    metric = _in_metres(series).to_numpy()
    left, right = shapely.STRtree(metric).query(metric, predicate="intersects")
    pair = left < right
    left, right = left[pair], right[pair]
    shared = shapely.area(shapely.intersection(metric[left], metric[right]))
    found = [
        Overlap(*sorted((ids[i], ids[j])), area_m2=float(area))
        for i, j, area in zip(left, right, shared, strict=True)
        if area > 0 and area >= min_area_m2
    ]
    return sorted(found, key=lambda overlap: (overlap.a, overlap.b))
