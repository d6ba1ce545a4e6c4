"""Zone files in any format and CRS: the same zones out, refusals named, nothing half-read."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
from shapely.geometry import LineString, MultiPolygon, Polygon, box, mapping

import planner.importing as importing
from planner.importing import read_zones
from planner.uploads import MAX_UPLOAD_BYTES, MAX_ZIP_MEMBERS
from planner.zones import STANDING_DENSITY, ZoneError, areas_m2, overlaps

# Three zones by North Avenue Beach, Chicago (about 41.91 N, 87.626 W), a few hectares each.
# "Viewing Deck" overlaps "Beach North" by the 0.001° x 0.001° square OVERLAP.
BEACH_NORTH = box(-87.628, 41.912, -87.626, 41.914)
VIEWING_DECK = box(-87.627, 41.913, -87.625, 41.915)
BOAT_LAUNCH = box(-87.624, 41.909, -87.622, 41.911)
OVERLAP = box(-87.627, 41.913, -87.626, 41.914)
GEOD = pyproj.Geod(ellps="WGS84")


def geodesic_area(geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geometry)[0])


def make_zones(**columns) -> gpd.GeoDataFrame:
    data = {
        "name": ["Beach North", "Viewing Deck", "Boat Launch"],
        "kind": ["crowd", "Viewing", "marine"],
        "density": [3.5, None, None],
        "description": ["sand, east of the path", "", "launch ramp"],
    }
    data.update(columns)
    geometry = [BEACH_NORTH, VIEWING_DECK, BOAT_LAUNCH]
    return gpd.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326")


def geojson_bytes(*features: tuple[dict, dict | None], **extra) -> bytes:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": properties, "geometry": geometry}
            for properties, geometry in features
        ],
        **extra,
    }
    return json.dumps(collection).encode()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def shapefile_members(frame: gpd.GeoDataFrame, folder: Path) -> dict[str, bytes]:
    # Shapefile field names stop at 10 characters, as they do in files planners send.
    frame.rename(columns={"description": "descriptio"}).to_file(folder / "zones.shp")
    return {path.name: path.read_bytes() for path in sorted(folder.glob("zones.*"))}


def write_geojson(frame, folder):
    frame.to_file(folder / "zones.geojson", driver="GeoJSON")
    return (folder / "zones.geojson").read_bytes(), "zones.geojson"


def write_kml(frame, folder):
    frame.to_file(folder / "zones.kml", driver="KML")
    return (folder / "zones.kml").read_bytes(), "zones.kml"


def write_zipped_shapefile(frame, folder):
    return zip_bytes(shapefile_members(frame.to_crs("EPSG:3435"), folder)), "zones.zip"


def write_geopackage(frame, folder):
    frame.to_crs("EPSG:32616").to_file(folder / "zones.gpkg", layer="zones", driver="GPKG")
    return (folder / "zones.gpkg").read_bytes(), "Zones.GPKG"


@pytest.mark.parametrize(
    ("write", "source_crs"),
    [
        pytest.param(write_geojson, "EPSG:4326", id="geojson"),
        pytest.param(write_kml, "EPSG:4326", id="kml"),
        pytest.param(write_zipped_shapefile, "EPSG:3435", id="shapefile-illinois-east-feet"),
        pytest.param(write_geopackage, "EPSG:32616", id="geopackage-utm-16n"),
    ],
)
def test_every_format_and_crs_gives_the_same_zones_in_lon_lat(tmp_path, write, source_crs):
    frame = make_zones()
    report = read_zones(*write(frame, tmp_path))

    assert report.source_crs == source_crs
    assert report.warnings == []
    assert [zone.name for zone in report.zones] == ["Beach North", "Viewing Deck", "Boat Launch"]
    assert [zone.kind for zone in report.zones] == ["crowd", "crowd", "water"]
    assert [zone.density for zone in report.zones] == [3.5, STANDING_DENSITY, None]
    assert report.zones[0].notes == "sand, east of the path"
    expected = areas_m2(list(frame.geometry))
    for zone, area, original in zip(report.zones, expected, frame.geometry, strict=True):
        assert zone.area_m2 == pytest.approx(area, rel=0.005)
        assert 30_000 < zone.area_m2 < 40_000  # a few hectares, not square feet or degrees
        assert isinstance(zone.geometry, Polygon | MultiPolygon)
        assert zone.geometry.is_valid and not zone.geometry.has_z
        assert zone.geometry.centroid.distance(original.centroid) < 1e-5  # (lon, lat), ~1 m
        assert not zone.repaired


def test_a_bow_tie_is_repaired_and_the_warning_names_the_feature():
    x, y, side = -87.626, 41.91, 0.002
    bow_tie = Polygon([(x, y), (x + side, y + side), (x + side, y), (x, y + side), (x, y)])
    data = geojson_bytes(({"name": "Beach North"}, mapping(BEACH_NORTH)), ({}, mapping(bow_tie)))

    report = read_zones(data, "zones.geojson")

    repaired = report.zones[1]
    assert repaired.name == "Zone 2"
    assert repaired.repaired and repaired.geometry.is_valid
    assert repaired.area_m2 == pytest.approx(geodesic_area(box(x, y, x + side, y + side)) / 2, 0.01)
    repair = "feature 2 'Zone 2': self-intersecting polygon repaired (make_valid)"
    assert report.warnings == [repair]
    assert not report.zones[0].repaired


def test_a_line_and_an_empty_geometry_refuse_the_whole_file_naming_both():
    path = LineString([(-87.627, 41.911), (-87.624, 41.912)])
    data = geojson_bytes(
        ({"name": "Beach North"}, mapping(BEACH_NORTH)),
        ({"name": "Pier Walk"}, mapping(path)),
        ({"name": "Nothing"}, None),
        ({"name": "Boat Launch"}, mapping(BOAT_LAUNCH)),
    )

    with pytest.raises(ZoneError) as refused:
        read_zones(data, "zones.geojson")

    message = str(refused.value)
    assert message.startswith("2 features refused: ")
    not_a_polygon = "a zone must be a Polygon or MultiPolygon, not LineString"
    assert f"feature 2 'Pier Walk': {not_a_polygon}" in message
    assert "feature 3 'Nothing': the geometry is empty" in message
    assert "Beach North" not in message and "Boat Launch" not in message


def test_an_absurdly_large_zone_is_refused_naming_it_and_nothing_is_imported():
    data = geojson_bytes(
        ({"name": "Beach North"}, mapping(BEACH_NORTH)),
        ({"name": "Lake Michigan"}, mapping(box(-88.0, 41.6, -86.0, 44.0))),
    )
    with pytest.raises(ZoneError) as refused:
        read_zones(data, "zones.geojson")
    assert str(refused.value) == (
        "1 feature refused: feature 2 'Lake Michigan' covers 43,577 km², more than the 500 km² "
        "limit (ZONE_MAX_AREA_KM2): check the file's coordinate system"
    )


def test_the_plausible_area_limit_is_a_parameter():
    lake = ({"name": "Lake Michigan"}, mapping(box(-88.0, 41.6, -86.0, 44.0)))
    [zone] = read_zones(geojson_bytes(lake), "zones.geojson", max_area_m2=50_000e6).zones
    assert zone.area_m2 == pytest.approx(43_577e6, rel=0.001)

    beach = ({"name": "Beach North"}, mapping(BEACH_NORTH))  # about 3.7 ha
    with pytest.raises(ZoneError, match=r"covers 0\.0368 km², more than the 0\.01 km² limit"):
        read_zones(geojson_bytes(beach), "zones.geojson", max_area_m2=10_000)


@pytest.mark.parametrize(
    ("properties", "name", "kind", "density", "warning"),
    [
        pytest.param({"NAME": "Gate 2", "type": "Gate"}, "Gate 2", "gate", None, None, id="upper"),
        pytest.param({"title": "VIP", "zone_kind": "v-i-p"}, "VIP", "crowd", 2.0, "kind", id="bad"),
        pytest.param({"label": "CP", "kind": "Command Post"}, "CP", "command_post", None, None),
        pytest.param({"name": "  ", "kind": "first-aid"}, "Zone 1", "crowd", 2.0, "kind", id="fb"),
        pytest.param({"kind": "Medical", "density": 0.5}, "Zone 1", "medical", 0.5, None, id="med"),
        pytest.param({"kind": "crowd", "density": "4"}, "Zone 1", "crowd", 4.0, None, id="text"),
        pytest.param({"density": -1}, "Zone 1", "crowd", 2.0, "density", id="negative-density"),
        pytest.param({"density": "lots"}, "Zone 1", "crowd", 2.0, "density", id="word-density"),
    ],
)
def test_names_kinds_and_densities_are_read_from_the_usual_fields(
    properties, name, kind, density, warning
):
    report = read_zones(geojson_bytes((properties, mapping(BEACH_NORTH))), "zones.json")

    [zone] = report.zones
    assert (zone.name, zone.kind, zone.density) == (name, kind, density)
    warnings = [w for w in report.warnings if "column" not in w]  # test_zone_names: naming
    if warning:
        [message] = warnings
        assert message.startswith(f"feature 1 '{name}': {warning} ")
    else:
        assert warnings == []


def test_the_default_kind_applies_where_no_kind_is_given():
    data = geojson_bytes(({}, mapping(BOAT_LAUNCH)))
    report = read_zones(data, "zones.geojson", default_kind="water")
    assert (report.zones[0].kind, report.zones[0].density) == ("water", None)


def test_z_is_dropped_and_notes_are_trimmed():
    with_z = Polygon([(x, y, 176.0) for x, y in BEACH_NORTH.exterior.coords])
    data = geojson_bytes(({"name": "Beach", "notes": "n" * 5000}, mapping(with_z)))

    [zone] = read_zones(data, "zones.geojson").zones

    assert not zone.geometry.has_z
    assert zone.geometry.equals(BEACH_NORTH)
    assert zone.notes == "n" * 2000


def test_kml_folders_are_layers_and_features_are_numbered_across_the_file():
    def placemark(name: str, geometry) -> str:
        ring = " ".join(f"{x},{y},0" for x, y in geometry.exterior.coords)
        named = f"<name>{name}</name>" if name else ""
        return (
            f"<Placemark>{named}<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}"
            "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        )

    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><Folder><name>Beach</name>{placemark('Beach North', BEACH_NORTH)}"
        f"{placemark('Viewing Deck', VIEWING_DECK)}</Folder>"
        f"<Folder><name>Lake</name>{placemark('', BOAT_LAUNCH)}</Folder></Document></kml>"
    )
    report = read_zones(kml.encode(), "plan.kml")
    assert [zone.name for zone in report.zones] == ["Beach North", "Viewing Deck", "Zone 3"]
    assert all(not zone.geometry.has_z for zone in report.zones)


def test_a_kml_with_a_billion_laughs_dtd_is_refused_before_gdal_reads_it(monkeypatch):
    def gdal_must_not_see_it(*args, **kwargs):
        raise AssertionError("GDAL was handed the KML")

    monkeypatch.setattr(importing.pyogrio, "list_layers", gdal_must_not_see_it)
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    kml = (
        f'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY lol0 "lol">{lol}]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&lol9;</name></Document></kml>'
    )
    with pytest.raises(ZoneError, match="KML: DTDs and entities are not allowed"):
        read_zones(kml.encode(), "laughs.kml")


@pytest.mark.parametrize(
    ("kml", "message"),
    [
        pytest.param(
            '<kml xmlns="http://www.opengis.net/kml/2.2"><NetworkLink><Link>'
            "<href>http://169.254.169.254/zones.kml</href></Link></NetworkLink></kml>",
            "network links are not followed",
            id="network-link",
        ),
        pytest.param("<kml><Document></kml>", "KML: not well-formed XML", id="malformed"),
    ],
)
def test_unsafe_or_broken_kml_is_refused(kml, message):
    with pytest.raises(ZoneError, match=message):
        read_zones(kml.encode(), "zones.kml")


def test_a_shapefile_without_a_prj_is_refused(tmp_path):
    members = shapefile_members(make_zones().to_crs("EPSG:3435"), tmp_path)
    del members["zones.prj"]
    with pytest.raises(ZoneError, match=r"has no \.prj: its coordinate system is unknown"):
        read_zones(zip_bytes(members), "zones.zip")


def test_a_zip_member_escaping_the_archive_is_refused():
    data = zip_bytes({"zones/ok.dbf": b"", "../evil.shp": b"x"})
    with pytest.raises(ZoneError, match=r"zip member '\.\./evil\.shp' escapes the archive"):
        read_zones(data, "zones.zip")


def test_a_zip_of_too_many_members_is_refused():
    data = zip_bytes({f"part{i}.txt": b"" for i in range(MAX_ZIP_MEMBERS + 1)})
    with pytest.raises(ZoneError, match="more than 200 members"):
        read_zones(data, "zones.zip")


def zeros_zip(megabytes: int) -> bytes:
    buffer = BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("zones.shp", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(bytes(2**20))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("megabytes", "message"),
    [
        pytest.param(300, "the archive unpacks to more than 25 MB", id="300-MB"),
        # No more than an upload may be: GDAL reads at most that much.
        pytest.param(30, "the archive unpacks to more than 25 MB", id="30-MB"),
        pytest.param(5, "compressed more than 100:1", id="5-MB-at-1000-to-1"),
    ],
)
def test_a_zip_bomb_is_refused_before_anything_is_extracted(monkeypatch, megabytes, message):
    data = zeros_zip(megabytes)
    assert len(data) < MAX_UPLOAD_BYTES / 50

    def must_not_extract(*args, **kwargs):
        raise AssertionError("extracted before checking")

    monkeypatch.setattr(zipfile.ZipFile, "open", must_not_extract)
    with pytest.raises(ZoneError, match=message):
        read_zones(data, "zones.zip")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        pytest.param(b"", "zones.geojson", "^file is empty$", id="empty"),
        pytest.param(b"hello", "zones.docx", "unsupported file type '.docx'", id="docx"),
        pytest.param(b"hello", "zones", "unsupported file type 'zones'", id="no-extension"),
        pytest.param(b'{"type": "x"}', "zones.zip", "'zones.zip' is not a zip archive", id="zip"),
        pytest.param(b"<kml/>", "zones.gpkg", "is not a GeoPackage", id="gpkg"),
        pytest.param(b"PK\x03\x04junk", "zones.zip", "not a readable zip archive", id="bad-zip"),
        pytest.param(zip_bytes({"a.txt": b"x"}), "a.zip", "no Shapefile", id="no-shp"),
        pytest.param(b"PK\x03\x04", "zones.kml", "is not KML", id="kml"),
        pytest.param(b"{not json", "zones.geojson", "GeoJSON: the file could not", id="gdal"),
    ],
)
def test_file_level_problems_are_refused_with_a_message(data, filename, message):
    with pytest.raises(ZoneError, match=message) as refused:
        read_zones(data, filename)
    assert "eventwatch-import" not in str(refused.value)  # no server paths in messages


def test_an_upload_over_the_limit_is_refused():
    with pytest.raises(ZoneError, match="over the 25 MB upload limit"):
        read_zones(b"{" + bytes(MAX_UPLOAD_BYTES), "zones.geojson")


def test_a_file_with_no_features_has_no_zones():
    with pytest.raises(ZoneError, match="no zones in the file"):
        read_zones(geojson_bytes(), "zones.geojson")


def test_too_many_features_are_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_FEATURES", 2)
    features = [({}, mapping(zone)) for zone in (BEACH_NORTH, VIEWING_DECK, BOAT_LAUNCH)]
    with pytest.raises(ZoneError, match="more than 2 features"):
        read_zones(geojson_bytes(*features), "zones.geojson")


def test_projected_geojson_coordinates_without_a_crs_are_refused():
    feet = make_zones().to_crs("EPSG:3435").geometry
    data = geojson_bytes(*[({}, mapping(zone)) for zone in feet])
    message = "coordinates are not longitude/latitude and the file states no coordinate system"
    with pytest.raises(ZoneError, match=message):
        read_zones(data, "zones.geojson")


def test_geojson_stating_a_projected_crs_is_reprojected():
    feet = make_zones().to_crs("EPSG:3435").geometry
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3435"}}
    data = geojson_bytes(*[({}, mapping(zone)) for zone in feet], crs=crs)
    report = read_zones(data, "zones.geojson")
    assert report.source_crs == "EPSG:3435"
    assert report.zones[0].area_m2 == pytest.approx(areas_m2([BEACH_NORTH])[0], rel=0.005)


def geopackage_without_crs(frame: gpd.GeoDataFrame, path: Path) -> bytes:
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        frame.set_crs(None, allow_override=True).to_file(path, driver="GPKG")
    return path.read_bytes()


def test_a_geopackage_without_a_crs_is_read_as_lon_lat_only_when_it_looks_like_it(tmp_path):
    lonlat = geopackage_without_crs(make_zones(), tmp_path / "lonlat.gpkg")
    report = read_zones(lonlat, "lonlat.gpkg")
    assert report.source_crs == "EPSG:4326 (assumed: the file states none)"
    assert [zone.name for zone in report.zones] == ["Beach North", "Viewing Deck", "Boat Launch"]

    metres = geopackage_without_crs(make_zones().to_crs("EPSG:32616"), tmp_path / "metres.gpkg")
    with pytest.raises(ZoneError, match="states no coordinate system"):
        read_zones(metres, "metres.gpkg")


def test_overlap_area_is_measured_in_square_metres():
    [overlap] = overlaps([(1, BEACH_NORTH), (2, VIEWING_DECK), (3, BOAT_LAUNCH)])
    assert (overlap.a, overlap.b) == (1, 2)
    assert overlap.area_m2 == pytest.approx(geodesic_area(OVERLAP), rel=0.01)


def test_squares_that_only_touch_do_not_overlap():
    west = box(-87.628, 41.91, -87.627, 41.911)
    east = box(-87.627, 41.91, -87.626, 41.911)  # shares west's eastern edge
    corner = box(-87.627, 41.911, -87.626, 41.912)  # touches west at one corner
    assert overlaps([(1, west), (2, east), (3, corner)]) == []


def test_three_zones_over_one_another_give_three_pairs_sorted_by_id():
    middle = box(-87.6275, 41.9125, -87.6255, 41.9145)
    pairs = overlaps([(30, BEACH_NORTH), (10, middle), (20, OVERLAP)])
    assert [(pair.a, pair.b) for pair in pairs] == [(10, 20), (10, 30), (20, 30)]
    # OVERLAP lies inside both of the others, so those pairs share all of it.
    assert pairs[0].area_m2 == pytest.approx(geodesic_area(OVERLAP), rel=0.01)
    assert pairs[1].area_m2 == pytest.approx(geodesic_area(middle & BEACH_NORTH), rel=0.01)
    assert pairs[2].area_m2 == pytest.approx(geodesic_area(OVERLAP), rel=0.01)


def test_overlaps_below_the_minimum_area_are_not_listed():
    assert overlaps([(1, BEACH_NORTH), (2, VIEWING_DECK)], min_area_m2=10_000) == []
    assert overlaps([(1, BEACH_NORTH)]) == []
