"""Zone files from planners: GeoJSON, KML, a zipped Shapefile or a GeoPackage, in any CRS.

Everything is reprojected to EPSG:4326 and invalid polygons are repaired and reported. One
refused feature refuses the whole file, so a caller stores all of its zones or none. GDAL
reads here with its network off (planner.offline, imported first); the app runs this in a
reading process of its own, with a deadline (planner.reading).
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from shapely.geometry.base import BaseGeometry

from common.messages import N_, Joined, Np_, message_of
from planner import offline  # noqa: F401  (GDAL and PROJ go offline before a file is read)
from planner.uploads import GEOJSON, KML, SHAPEFILE, format_of, staged
from planner.zone_names import name_zones
from planner.zone_reports import ImportedZone, ImportReport
from planner.zones import (
    MAX_DENSITY,
    MAX_ZONE_AREA_M2,
    STANDING_DENSITY,
    ZONE_KINDS,
    ZoneError,
    areas_m2,
    checked_area,
    checked_polygon,
)

MAX_FEATURES = 5000
MAX_NOTES_CHARS = 2000

KIND_KEYS = ("kind", "type", "zone_kind")
NOTES_KEYS = ("description", "notes", "descriptio")  # Shapefile field names stop at 10 characters
KIND_ALIASES = {"viewing": "crowd", "marine": "water"}
# How GDAL's LIBKML driver spreads a placemark's time and styling over columns: no zone's
# name or notes, so not offered to the planner as a name column.
KML_DRAWING = ["timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude"]
KML_DRAWING += ["visibility", "drawOrder", "icon", "snippet"]


def read_zones(
    data: bytes,
    filename: str,
    *,
    default_kind: str = "crowd",
    name_field: str | None = None,
    max_area_m2: float = MAX_ZONE_AREA_M2,
) -> ImportReport:
    """Every zone in an uploaded file, named from the `name_field` column (guessed when None),
    or a ZoneError naming the file's problem or every refusal."""
    if default_kind not in ZONE_KINDS:
        raise ZoneError(
            N_(
                "default kind '%(kind)s' is not one of %(kinds)s",
                kind=default_kind,
                kinds=", ".join(ZONE_KINDS),
            )
        )
    fmt = format_of(data, filename)
    layers: list[tuple[gpd.GeoDataFrame, str]] = []
    with tempfile.TemporaryDirectory(prefix="eventwatch-import-") as tmp:
        for path in staged(data, fmt, Path(tmp)):
            layers.extend(_layers(path, fmt, Path(tmp)))
            if sum(len(frame) for frame, _ in layers) > MAX_FEATURES:
                raise ZoneError(N_("the file has more than %(max)d features", max=MAX_FEATURES))
    features = [pair for frame, _ in layers for pair in _features(frame)]
    naming = name_zones([properties for properties, _ in features], name_field)
    zones, warnings = _zones(features, naming.names, default_kind, max_area_m2)
    return ImportReport(
        zones=zones,
        warnings=naming.warnings + warnings,
        source_crs=", ".join(dict.fromkeys(crs for _, crs in layers)),
        name_field=naming.column,
        name_guessed=naming.guessed,
        columns=naming.columns,
    )


def _layers(path: Path, fmt: str, tmp: Path) -> Iterator[tuple[gpd.GeoDataFrame, str]]:
    """Each vector layer of a file (KML folders, GeoPackage tables) in EPSG:4326, with its CRS."""
    try:
        names = [str(n) for n, geometry_type in pyogrio.list_layers(path) if geometry_type]
        for name in names:
            where = (
                N_("layer '%(name)s': ", name=name) if fmt == SHAPEFILE or len(names) > 1 else ""
            )
            if pyogrio.read_info(path, layer=name)["features"] > MAX_FEATURES:
                raise ZoneError(
                    N_("%(where)smore than %(max)d features", where=where, max=MAX_FEATURES)
                )
            frame = gpd.read_file(path, layer=name, engine="pyogrio")
            drawing = KML_DRAWING if fmt == KML else []
            yield _lonlat(frame.drop(columns=drawing, errors="ignore"), fmt, where)
    except (DataSourceError, DataLayerError, shapely.errors.ShapelyError) as exc:
        reason = str(exc).replace(f"{tmp}/", "")
        raise ZoneError(
            N_("%(format)s: the file could not be read (%(error)s)", format=fmt, error=reason)
        ) from exc
    except UnicodeDecodeError as exc:
        raise ZoneError(
            N_(
                "%(format)s: text in the file is not valid UTF-8 (%(error)s)",
                format=fmt,
                error=str(exc),
            )
        ) from exc


def _lonlat(frame: gpd.GeoDataFrame, fmt: str, where: str) -> tuple[gpd.GeoDataFrame, str]:
    """The layer in EPSG:4326, and the coordinate system it came in."""
    crs = frame.crs
    # GDAL calls every GeoJSON file EPSG:4326 (RFC 7946), whether it says so or not.
    states_crs = crs is not None and not (fmt == GEOJSON and crs.is_geographic)
    try:
        lonlat = frame.set_crs("EPSG:4326") if crs is None else frame.to_crs("EPSG:4326")
    except (pyproj.exceptions.CRSError, pyproj.exceptions.ProjError) as exc:
        raise ZoneError(
            N_(
                "%(where)scannot convert %(crs)s to longitude/latitude (%(error)s)",
                where=where,
                crs=crs.name,
                error=str(exc),
            )
        ) from exc
    minx, miny, maxx, maxy = lonlat.total_bounds
    nothing_placed = all(math.isnan(v) for v in (minx, miny, maxx, maxy))
    if not (nothing_placed or (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90)):
        if states_crs:
            raise ZoneError(
                N_(
                    "%(where)scoordinates do not fit the stated %(crs)s",
                    where=where,
                    crs=_crs_label(crs),
                )
            )
        raise ZoneError(
            N_(
                "%(where)scoordinates are not longitude/latitude and the file states no "
                "coordinate system",
                where=where,
            )
        )
    return lonlat, "EPSG:4326 (assumed: the file states none)" if crs is None else _crs_label(crs)


def _crs_label(crs: pyproj.CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def _zones(
    features: list[tuple[dict, BaseGeometry | None]],
    names: list[str],
    default_kind: str,
    max_area_m2: float,
) -> tuple[list[ImportedZone], list[str]]:
    """Zones from every feature in file order, or one ZoneError listing every refused feature."""
    warnings: list[str] = []
    drafts: list[tuple[int, str, ImportedZone]] = []
    refused: list[tuple[int, str]] = []
    numbered = enumerate(zip(features, names, strict=True), start=1)
    for number, ((properties, geometry), name) in numbered:
        try:
            drafts.append(_draft(number, name, properties, geometry, default_kind, warnings))
        except ZoneError as exc:
            refused.append((number, message_of(exc)))
    zones = _measured(drafts, refused, max_area_m2)
    if refused:
        reasons = Joined(message for _, message in sorted(refused))
        raise ZoneError(
            Np_(
                "%(num)d feature refused: %(reasons)s",
                "%(num)d features refused: %(reasons)s",
                len(refused),
                reasons=reasons,
            )
        )
    if not zones:
        raise ZoneError(N_("no zones in the file"))
    return zones, warnings


def _features(frame: gpd.GeoDataFrame) -> Iterator[tuple[dict, BaseGeometry | None]]:
    properties = frame.drop(columns=frame.geometry.name).to_dict("records")
    yield from zip(properties, frame.geometry, strict=True)


def _draft(
    number: int,
    name: str,
    properties: dict,
    geometry: BaseGeometry | None,
    default_kind: str,
    warnings: list,
) -> tuple[int, str, ImportedZone]:
    """A zone before its area is measured, with the label that names it in messages."""
    fields = _fields(properties)
    label = N_("feature %(number)d '%(name)s'", number=number, name=name)
    polygon, repair = _polygon(geometry, label)
    if repair:
        warnings.append(
            N_("%(label)s: %(repair)s repaired (make_valid)", label=label, repair=repair)
        )
    kind = _kind(_first(fields, KIND_KEYS), default_kind, label, warnings)
    density = _density(fields.get("density", ""), kind, label, warnings)
    notes = _first(fields, NOTES_KEYS)[:MAX_NOTES_CHARS]
    zone = ImportedZone(name, kind, density, notes, polygon, area_m2=0.0, repaired=bool(repair))
    return number, label, zone


def _fields(properties: dict) -> dict[str, str]:
    """Non-empty attribute values as text, keyed by lower-case field name (first one wins)."""
    fields: dict[str, str] = {}
    for key, value in properties.items():
        if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
            continue
        text = str(value).strip()
        if text:
            fields.setdefault(str(key).lower(), text)
    return fields


def _first(fields: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((fields[key] for key in keys if key in fields), "")


def _polygon(geometry: BaseGeometry | None, label: str) -> tuple[BaseGeometry, str]:
    """A valid 2D (Multi)Polygon, and what was repaired ("" when nothing was)."""
    if geometry is None or geometry.is_empty:
        raise ZoneError(N_("%(label)s: the geometry is empty", label=label))
    flat = shapely.force_2d(geometry)
    polygon = checked_polygon(flat, label)
    if flat.is_valid:
        return polygon, ""
    reason = shapely.is_valid_reason(flat)
    return polygon, N_("self-intersecting polygon") if "Self-intersection" in reason else reason


def _kind(given: str, default_kind: str, label: str, warnings: list[str]) -> str:
    if not given:
        return default_kind
    key = re.sub(r"[\s\-]+", "_", given.lower())
    kind = KIND_ALIASES.get(key, key)
    if kind in ZONE_KINDS:
        return kind
    warnings.append(
        N_(
            "%(label)s: kind '%(given)s' not understood; imported as %(kind)s",
            label=label,
            given=given,
            kind=default_kind,
        )
    )
    return default_kind


def _density(given: str, kind: str, label: str, warnings: list[str]) -> float | None:
    """The stated persons per m², else the standing density where a crowd stands."""
    if given:
        try:
            density = float(given)
        except ValueError:
            density = math.nan
        if 0 < density <= MAX_DENSITY:
            return density
        warnings.append(
            N_(
                "%(label)s: density '%(given)s' is not a number of persons per m² from 0 to "
                "%(max)s; default used",
                label=label,
                given=given,
                max=f"{MAX_DENSITY:g}",
            )
        )
    return STANDING_DENSITY if kind == "crowd" else None


def _measured(
    drafts: list[tuple[int, str, ImportedZone]], refused: list[tuple[int, str]], max_area_m2: float
) -> list[ImportedZone]:
    """The zones with their areas; an implausible one is measured alone and refused by checks."""
    areas = areas_m2([zone.geometry for _, _, zone in drafts])
    zones = []
    for (number, label, zone), area in zip(drafts, areas, strict=True):
        if not 0 < area <= max_area_m2:
            try:
                area = checked_area(zone.geometry, label, max_area_m2, from_file=True)
            except ZoneError as exc:
                refused.append((number, message_of(exc)))
                continue
        zones.append(replace(zone, area_m2=area))
    return zones
