"""Files for the import endpoints' tests: valid samples to mutate, hostile files, and the
hypothesis strategies that turn one into the other. Every strategy draws (bytes, filename)."""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

import geopandas as gpd
from hypothesis import strategies as st
from shapely.geometry import box, mapping

from tests.support.fuzzing import mutated_bytes

# Two zones by North Avenue Beach, Chicago, and a bow tie that must be repaired.
BEACH = box(-87.628, 41.912, -87.626, 41.914)
DECK = box(-87.627, 41.913, -87.625, 41.915)
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[-87.626, 41.911], [-87.624, 41.913], [-87.624, 41.911],
                     [-87.626, 41.913], [-87.626, 41.911]]],
}  # fmt: skip

ROSTER = (
    "name,agency,unit,roles,badge,phone\n"
    "Ana Ruiz,Chicago PD,18th District,patrol_officer;sergeant,1001,312-555-0101\n"
    "Cy Dunn,Chicago Fire,EMS 4,emt,F-7,\n"
    "Zoë Émond,École de Police,,Patrol Officer,S-9,\n"
).encode()
BADGES = (
    "credential_id,full_name,date_of_birth,organization,role,nationality\n"
    "FZ-1001,Mara Quillfeather,1990-04-02,Harbourline Catering,vendor,US\n"
    "FZ-1002,Tomás Bellweather,1985-11-30,Gullwing Media,media,ES\n"
).encode()

GEOJSON_INSERTS = (
    b"NaN", b"Infinity", b"1e309", b"-1e400", b"[", b"]", b"{", b"}", b",", b"null",
    b'"\\u0000"', b'"\\ud800"', b"\xff\xfe", b'{"type":"Point","coordinates":[0,0]}',
    b'"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},',
    b"[[[0,0],[1,1],[1,0],[0,1],[0,0]]]", b'"density":1e308,',
)  # fmt: skip
KML_INSERTS = (
    b'<!DOCTYPE kml [<!ENTITY e SYSTEM "file:///etc/passwd">]>', b"&e;", b"</Polygon>",
    b"<NetworkLink><Link><href>http://127.0.0.1/</href></Link></NetworkLink>",
    b"<Polygon>", b"\xff\xfe", b"NaN,", b"1e309,", b"0,0 ", b"<![CDATA[", b"]]>",
)  # fmt: skip
CSV_INSERTS = (
    b"\x00", b'"', b"\xff\xfe", b",", b"\r\n", b"\n,,\n", b";", b"\xe2\x80\xae",
    b"=cmd|' /C calc'!A0", b"@SUM(1+1)*cmd|' /C calc'!A0", b"+1+cmd|' /C calc'!A0",
    b"9" * 70, b'"' + b"x" * 140_000 + b'"',
)  # fmt: skip
MAGIC = (b"{", b"<", b"PK\x03\x04", b"SQLite format 3\x00", b"")
ZONE_NAMES = ("zones.geojson", "zones.json", "zones.kml", "zones.zip", "zones.gpkg", "zones.txt")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def geojson_bytes(*features: tuple[dict, dict | None], **extra) -> bytes:
    """A FeatureCollection of (properties, geometry) pairs; extra members such as crs."""
    collection = {
        "type": "FeatureCollection",
        **extra,
        "features": [
            {"type": "Feature", "properties": properties, "geometry": geometry}
            for properties, geometry in features
        ],
    }
    return json.dumps(collection, separators=(",", ":")).encode()


def sample_geojson() -> bytes:
    return geojson_bytes(
        ({"name": "Beach North", "kind": "crowd", "density": 3.5}, mapping(BEACH)),
        ({"name": "Viewing Deck", "kind": "vip", "notes": "east of the path"}, mapping(DECK)),
        ({"name": "Bow tie"}, BOW_TIE),
    )


def kml_bytes(*placemarks: tuple[str, str], prolog: str = "") -> bytes:
    """A KML Document of (name, coordinates) Placemarks, after an optional prolog (a DTD)."""
    marks = "".join(
        f"<Placemark><name>{name}</name><Polygon><outerBoundaryIs><LinearRing>"
        f"<coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        for name, ring in placemarks
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:xi="http://www.w3.org/2001/XInclude">'
        f"<Document>{marks}</Document></kml>"
    ).encode()


def kml_ring(polygon) -> str:
    return " ".join(f"{x},{y}" for x, y in polygon.exterior.coords)


def sample_kml() -> bytes:
    return kml_bytes(("Beach North", kml_ring(BEACH)), ("Viewing Deck", kml_ring(DECK)))


@functools.cache
def _shapefile_members() -> tuple[tuple[str, bytes], ...]:
    frame = gpd.GeoDataFrame(
        {"name": ["Beach North", "Viewing Deck"], "kind": ["crowd", "vip"]},
        geometry=[BEACH, DECK],
        crs="EPSG:4326",
    ).to_crs("EPSG:3435")  # Illinois East, US feet: the importer reprojects it
    with tempfile.TemporaryDirectory() as folder:
        frame.to_file(Path(folder) / "zones.shp", encoding="UTF-8")
        return tuple((p.name, p.read_bytes()) for p in sorted(Path(folder).iterdir()))


def shapefile_members() -> dict[str, bytes]:
    """zones.shp, .shx, .dbf, .prj and .cpg of the sample zones, in EPSG:3435."""
    return dict(_shapefile_members())


# --- hostile files ---------------------------------------------------------------------


def billion_laughs_kml() -> bytes:
    """Ten levels of ten entities each: a billion "lol"s when an XML parser expands them."""
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    prolog = f'<!DOCTYPE kml [<!ENTITY lol0 "lol">{entities}]>'
    return kml_bytes(("&lol9;", kml_ring(BEACH)), prolog=prolog)


def external_entity_kml(path: str) -> bytes:
    prolog = f'<!DOCTYPE kml [<!ENTITY secret SYSTEM "file://{path}">]>'
    return kml_bytes(("&secret;", kml_ring(BEACH)), prolog=prolog)


def xinclude_kml(path: str) -> bytes:
    name = f'<xi:include href="file://{path}" parse="text"/>'
    return kml_bytes((name, kml_ring(BEACH)))


def endless_view_geopackage() -> bytes:
    """A GeoPackage whose only feature layer is a VIEW over an endless recursive query: any
    reader that counts or reads its features never returns."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "zones.gpkg"
        frame = gpd.GeoDataFrame({"name": ["Beach"]}, geometry=[BEACH], crs="EPSG:4326")
        frame.to_file(path, layer="beach", engine="pyogrio")
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.executescript(ENDLESS_VIEW)
            db.commit()
        return path.read_bytes()


ENDLESS_VIEW = """
CREATE VIEW endless AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
    SELECT n.i AS fid, b.geom AS geom, b.name AS name FROM n, beach AS b;
INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
    VALUES ('endless', 'features', 'endless', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m)
    VALUES ('endless', 'geom', 'POLYGON', 4326, 0, 0);
DELETE FROM gpkg_geometry_columns WHERE table_name = 'beach';
DELETE FROM gpkg_contents WHERE table_name = 'beach';
"""


def large_roster(rows: int) -> bytes:
    """A legal roster of `rows` people in twenty agencies, each with a badge of its own."""
    row = "Officer {n},Agency {agency},Unit {unit},patrol_officer,B-{n},\n"
    lines = [row.format(n=n, agency=n % 20, unit=n % 7) for n in range(rows)]
    return ("name,agency,unit,roles,badge,phone\n" + "".join(lines)).encode()


def zip_bomb(megabytes: int) -> bytes:
    """One zones.shp member of zeros, a thousand times smaller compressed."""
    buffer = BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("zones.shp", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(bytes(2**20))
    return buffer.getvalue()


def sawtooth_geojson(teeth: int) -> bytes:
    """One valid zone by the beach whose south edge is a sawtooth of `teeth` vertices (under
    a million); cheap to build, as formatting a million floats is not."""
    edge = ",".join([f"[-87.63{i:06d},41.912{i & 1}]" for i in range(teeth)])
    ring = f"{edge},[-87.63{teeth - 1:06d},41.92],[-87.63,41.92],[-87.63000000,41.9120]"
    return (
        b'{"type":"FeatureCollection","features":[{"type":"Feature",'
        b'"properties":{"name":"Sawtooth"},"geometry":{"type":"Polygon","coordinates":[['
        + ring.encode()
        + b"]]}}]}"
    )


def nested_geojson(depth: int) -> bytes:
    """A feature whose coordinates are arrays nested `depth` deep."""
    coordinates = b"[" * depth + b"]" * depth
    return (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        b'"geometry":{"type":"Polygon","coordinates":' + coordinates + b"}}]}"
    )


# --- strategies --------------------------------------------------------------------------


@st.composite
def mutated_shapefile(draw: st.DrawFn) -> tuple[bytes, str]:
    """The sample Shapefile with one member edited, or without one, zipped."""
    members = shapefile_members()
    name = draw(st.sampled_from(sorted(members)))
    if draw(st.booleans()):
        members[name] = draw(mutated_bytes(members[name], inserts=(bytes(8), b"\xff" * 4)))
    else:
        del members[name]
    return zip_bytes(members), "zones.zip"


@st.composite
def random_file(draw: st.DrawFn, names: tuple[str, ...]) -> tuple[bytes, str]:
    """Random bytes, maybe behind the magic of a format, under one of the names."""
    data = draw(st.sampled_from(MAGIC)) + draw(st.binary(max_size=2048))
    return data, draw(st.sampled_from(names))


def zone_files() -> st.SearchStrategy[tuple[bytes, str]]:
    """Mutated GeoJSON, KML and Shapefiles (members or archive), and random bytes."""
    return st.one_of(
        mutated_bytes(sample_geojson(), inserts=GEOJSON_INSERTS).map(
            lambda d: (d, "zones.geojson")
        ),
        mutated_bytes(sample_kml(), inserts=KML_INSERTS).map(lambda d: (d, "zones.kml")),
        mutated_shapefile(),
        mutated_bytes(zip_bytes(shapefile_members())).map(lambda d: (d, "zones.zip")),
        random_file(ZONE_NAMES),
    )


def csv_files(sample: bytes) -> st.SearchStrategy[tuple[bytes, str]]:
    """The sample CSV mutated with hostile cells and broken quoting, or random bytes."""
    return st.one_of(
        mutated_bytes(sample, inserts=CSV_INSERTS).map(lambda d: (d, "upload.csv")),
        random_file(("upload.csv",)),
    )
