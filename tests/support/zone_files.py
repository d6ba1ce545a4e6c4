"""Zone files shaped like real public boundary files: the same column names, case and types
(a ZIP code as text, areas as floats, Socrata's numbers as strings), written by GDAL's own
writers (geopandas/pyogrio) in a test's folder. The geometries are invented squares by
Chicago's lakefront (or by the places named), small enough to be venues. Sources:
tests/fixtures/feeds/README.md, "Real zone file shapes"."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box


def squares(count: int, lon: float = -87.628, lat: float = 41.912, side: float = 0.002):
    """`count` squares of about 170 m x 220 m in a row eastward from (lon, lat)."""
    return [box(lon + i * side, lat, lon + (i + 0.9) * side, lat + side) for i in range(count)]


def write_geojson(frame: gpd.GeoDataFrame, folder: Path) -> tuple[bytes, str]:
    frame.to_file(folder / "zones.geojson", driver="GeoJSON")
    return (folder / "zones.geojson").read_bytes(), "zones.geojson"


def write_shapefile(frame: gpd.GeoDataFrame, folder: Path) -> tuple[bytes, str]:
    frame.to_file(folder / "zones.shp")
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("zones.*")):
            archive.writestr(path.name, path.read_bytes())
    return buffer.getvalue(), "zones.zip"


def write_geopackage(frame: gpd.GeoDataFrame, folder: Path) -> tuple[bytes, str]:
    frame.to_file(folder / "zones.gpkg", layer="zones", driver="GPKG")
    return (folder / "zones.gpkg").read_bytes(), "zones.gpkg"


def write_kml(frame: gpd.GeoDataFrame, folder: Path) -> tuple[bytes, str]:
    frame.to_file(folder / "zones.kml", driver="KML")  # Name and Description: <name>, ...
    return (folder / "zones.kml").read_bytes(), "zones.kml"


@dataclass(frozen=True)
class RealShape:
    """One real file's attribute shape, and what the import must make of it."""

    source: str
    columns: dict[str, list]
    write: Callable[[gpd.GeoDataFrame, Path], tuple[bytes, str]]
    column: str  # the column the import should guess ("" for none)
    names: list[str]
    crs: str = "EPSG:4326"
    geometry: list = field(default_factory=list)
    read_as: list[str] | None = None  # the columns as GDAL reads them back, when they differ

    def file(self, folder: Path) -> tuple[bytes, str]:
        count = len(next(iter(self.columns.values())))
        shapes = self.geometry or squares(count)
        frame = gpd.GeoDataFrame(self.columns, geometry=shapes, crs="EPSG:4326")
        return self.write(frame.to_crs(self.crs), folder)


NEIGHBORHOODS = ["Lincoln Park", "Old Town", "Gold Coast"]
REAL_SHAPES = {
    # Chicago Data Portal, Boundaries - Neighborhoods (bbvz-uum9), Shapefile export: upper
    # case, areas in square feet of Illinois East (EPSG:3435), as floats.
    "chicago-neighborhoods-shapefile": RealShape(
        "Chicago Boundaries - Neighborhoods (Shapefile)",
        {
            "PRI_NEIGH": NEIGHBORHOODS,
            "SEC_NEIGH": ["LINCOLN PARK", "OLD TOWN", "GOLD COAST"],
            "SHAPE_AREA": [88283683.6219, 14364452.8911, 7165705.22551],
            "SHAPE_LEN": [49473.2488226, 16931.4812611, 13232.0546416],
        },
        write_shapefile,
        "PRI_NEIGH",
        NEIGHBORHOODS,
        crs="EPSG:3435",
    ),
    # The same dataset as Socrata serves GeoJSON (y6yq-dbs2.geojson): lower case, and every
    # number a string.
    "chicago-neighborhoods-socrata-geojson": RealShape(
        "Chicago Boundaries - Neighborhoods (GeoJSON)",
        {
            "pri_neigh": NEIGHBORHOODS,
            "sec_neigh": ["LINCOLN PARK", "OLD TOWN", "GOLD COAST"],
            "shape_area": ["88283683.6219", "14364452.8911", "7165705.22551"],
            "shape_len": ["49473.2488226", "16931.4812611", "13232.0546416"],
        },
        write_geojson,
        "pri_neigh",
        NEIGHBORHOODS,
    ),
    # Chicago Data Portal, Boundaries - ZIP Codes (gdcf-axmw): ZIP is text ("60614").
    "chicago-zip-codes": RealShape(
        "Chicago Boundaries - ZIP Codes (Shapefile)",
        {
            "OBJECTID": [33, 34, 35],
            "ZIP": ["60614", "60610", "60611"],
            "SHAPE_AREA": [1.8766e08, 8.9934e07, 7.5407e07],
            "SHAPE_LEN": [61245.3, 50498.7, 46564.1],
        },
        write_shapefile,
        "ZIP",
        ["60614", "60610", "60611"],
        crs="EPSG:3435",
    ),
    # Chicago Park District, Parks - Shapefiles (ej32-qgdr): PARK in capitals, LABEL as shown
    # on maps, PARK_NO the district's number; here as a GeoPackage in UTM 16N.
    "chicago-parks": RealShape(
        "Chicago Park District - Parks (GeoPackage)",
        {
            "PARK": ["LINCOLN (ABRAHAM)", "OZ", "WASHINGTON SQUARE"],
            "PARK_NO": [1, 126, 219],
            "LABEL": ["Lincoln", "Oz", "Washington Square"],
            "ACRES": [1188.9, 2.67, 2.39],
            "WARD": [43, 43, 2],
        },
        write_geopackage,
        "LABEL",
        ["Lincoln", "Oz", "Washington Square"],
        crs="EPSG:32616",
    ),
    # Census TIGER/Line tracts (tl_2023_17_tract.shp), NAD83: every code is text.
    "census-tiger-tracts": RealShape(
        "Census TIGER/Line tracts (Shapefile)",
        {
            "STATEFP": ["17", "17"],
            "COUNTYFP": ["031", "031"],
            "TRACTCE": ["071200", "080100"],
            "GEOID": ["17031071200", "17031080100"],
            "NAME": ["712", "801"],
            "NAMELSAD": ["Census Tract 712", "Census Tract 801"],
            "MTFCC": ["G5020", "G5020"],
            "ALAND": [463913, 314218],
            "AWATER": [0, 0],
            "INTPTLAT": ["+41.9245810", "+41.9078473"],
            "INTPTLON": ["-087.6385925", "-087.6318419"],
        },
        write_shapefile,
        "NAME",
        ["712", "801"],
        crs="EPSG:4269",
    ),
    # Natural Earth admin 0 countries (ne_10m_admin_0_countries), GeoJSON: upper case.
    "natural-earth": RealShape(
        "Natural Earth admin 0 countries (GeoJSON)",
        {
            "featurecla": ["Admin-0 country", "Admin-0 country"],
            "scalerank": [0, 0],
            "ADMIN": ["Monaco", "Vatican"],
            "NAME": ["Monaco", "Vatican"],
            "NAME_LONG": ["Monaco", "Vatican"],
            "ISO_A3": ["MCO", "VAT"],
        },
        write_geojson,
        "NAME",
        ["Monaco", "Vatican"],
        geometry=[box(7.409, 43.725, 7.439, 43.752), box(12.446, 41.900, 12.458, 41.907)],
    ),
    # An OpenStreetMap export (overpass turbo's GeoJSON): @id, tags as properties; one way
    # has no name, and a park drawn as two ways carries its name twice.
    "osm-overpass": RealShape(
        "OpenStreetMap via overpass turbo (GeoJSON)",
        {
            "@id": ["way/27357366", "way/27357367", "way/183562961", "way/5049221"],
            "leisure": ["park", "park", "playground", "park"],
            "name": ["Lincoln Park", "Lincoln Park", None, "Oz Park"],
            "name:en": ["Lincoln Park", None, None, None],
        },
        write_geojson,
        "name",
        ["Lincoln Park", "Lincoln Park (2)", "Zone 3", "Oz Park"],
    ),
    # Google Earth / My Maps placemarks: <name> and <description> (GDAL: Name, Description).
    "kml-placemarks": RealShape(
        "KML placemarks (Google Earth, My Maps)",
        {"Name": ["North Avenue Beach", "Chess Pavilion"], "Description": ["show centre", ""]},
        write_kml,
        "Name",
        ["North Avenue Beach", "Chess Pavilion"],
        read_as=["id", "Name", "description"],  # LIBKML: the placemark's id, <description>
    ),
    # uMap's GeoJSON export: name, description and its own _umap_options object.
    "umap": RealShape(
        "uMap export (GeoJSON)",
        {
            "name": ["Gate A", "Gate B"],
            "description": ["Clark & LaSalle", ""],
            "_umap_options": ['{"color": "Red"}', '{"color": "Blue"}'],
        },
        write_geojson,
        "name",
        ["Gate A", "Gate B"],
    ),
    # geojson.io, which writes Mapbox's simplestyle properties: title, not name.
    "geojson-io": RealShape(
        "geojson.io, simplestyle-spec (GeoJSON)",
        {
            "stroke": ["#555555", "#555555"],
            "fill": ["#ff0000", "#00ff00"],
            "fill-opacity": [0.5, 0.5],
            "title": ["Stage", "Food court"],
            "description": ["main stage", ""],
        },
        write_geojson,
        "title",
        ["Stage", "Food court"],
    ),
    # An ArcGIS Shapefile export with the fields a GIS analyst added: Name, LABEL.
    "arcgis-named": RealShape(
        "ArcGIS Shapefile export, Name and LABEL fields",
        {
            "Id": [0, 0],
            "Name": ["Gate 5 queue", "Gate 6 queue"],
            "LABEL": ["G5", "G6"],
            "Shape_Leng": [2641.2, 2641.2],
            "Shape_Area": [366123.7, 366123.7],
        },
        write_shapefile,
        "Name",
        ["Gate 5 queue", "Gate 6 queue"],
        crs="EPSG:3435",
    ),
    # An ArcGIS Shapefile export of drawn polygons: Id (0 unless edited), Shape_Leng,
    # Shape_Area; FID is the row number, in no column. Nothing names the zones.
    "arcgis-unnamed": RealShape(
        "ArcGIS Shapefile export, no name field",
        {"Id": [0, 0, 0], "Shape_Leng": [0.008, 0.008, 0.008], "Shape_Area": [4e-6, 4e-6, 4e-6]},
        write_shapefile,
        "",
        ["Zone 1", "Zone 2", "Zone 3"],
        crs="EPSG:3435",
    ),
}
