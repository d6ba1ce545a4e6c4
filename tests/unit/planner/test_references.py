"""References out of a zone file are refused by name before GDAL opens it; references within
it, and coordinate systems named by their identifiers, are read as before."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import box, mapping

from planner.importing import read_zones
from planner.zones import ZoneError
from tests.support import uploads as files

URL = "http://127.0.0.1:9/crs.wkt"


def geojson(crs: object, *, where: str = "collection") -> bytes:
    feature = {"type": "Feature", "properties": {"name": "Beach"}, "geometry": mapping(files.BEACH)}
    if where == "feature":
        feature["crs"] = crs
        return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    return json.dumps({"type": "FeatureCollection", "crs": crs, "features": [feature]}).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            geojson({"type": "link", "properties": {"href": URL}}),
            "\"crs\" member of type 'link' is refused",
            id="link",
        ),
        pytest.param(
            geojson({"type": "url", "properties": {"url": URL}}),
            "\"crs\" member of type 'url' is refused",
            id="url",
        ),
        pytest.param(
            geojson({"type": "Link", "properties": {"href": URL}}, where="feature"),
            "\"crs\" member of type 'Link' is refused",
            id="on-a-feature",
        ),
        pytest.param(
            geojson({"type": "name", "properties": {"name": URL}}),
            "the \"crs\" name 'http://127.0.0.1:9/crs.wkt' is not the identifier",
            id="name-that-is-a-url",
        ),
        pytest.param(
            geojson({"type": "name", "properties": {"name": "/etc/hostname"}}),
            "the \"crs\" name '/etc/hostname' is not the identifier",
            id="name-that-is-a-file",
        ),
        pytest.param(
            # GDAL matches member names whatever their case, and a repeated one is seen too.
            b'{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},'
            b'"CRS":{"type":"link","properties":{"href":"' + URL.encode() + b'"}},"features":[]}',
            "\"crs\" member of type 'link' is refused",
            id="second-crs-in-another-case",
        ),
    ],
)
def test_a_crs_that_is_not_a_name_is_refused(data, message):
    with pytest.raises(ZoneError, match=message):
        read_zones(data, "zones.geojson")


@pytest.mark.parametrize(
    "name",
    ["EPSG:3435", "urn:ogc:def:crs:EPSG::3435", "http://www.opengis.net/def/crs/EPSG/0/3435"],
)
def test_a_crs_named_by_its_identifier_is_read(name):
    feet = box(1_175_000, 1_912_000, 1_176_000, 1_913_000)  # Illinois East, US feet
    data = files.geojson_bytes(
        ({"name": "Beach"}, mapping(feet)), crs={"type": "name", "properties": {"name": name}}
    )
    report = read_zones(data, "zones.geojson")
    assert report.source_crs == "EPSG:3435"
    assert -87.7 < report.zones[0].geometry.centroid.x < -87.5


def kml(body: str, beach: str = "") -> bytes:
    """A KML Document with `body` before the beach zone, and `beach` inside its Placemark."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:xi="http://www.w3.org/2001/XInclude"><Document>'
        + body
        + f"<Placemark>{beach}<name>Beach</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        f"{files.kml_ring(files.BEACH)}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        "</Placemark></Document></kml>"
    ).encode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            f"<NetworkLink><Link><href>{URL}</href></Link></NetworkLink>",
            "network links are not followed",
            id="network-link",
        ),
        pytest.param(
            f"<Placemark><styleUrl>{URL}#red</styleUrl></Placemark>",
            "'http://127.0.0.1:9/crs.wkt#red' in <styleUrl> points outside the file",
            id="remote-style",
        ),
        pytest.param(
            "<Placemark><styleUrl>/etc/styles.kml#red</styleUrl></Placemark>",
            "in <styleUrl> points outside the file",
            id="local-file-style",
        ),
        pytest.param(
            f"<GroundOverlay><Icon><href>{URL}</href></Icon></GroundOverlay>",
            "in <href> points outside the file",
            id="overlay-image",
        ),
        pytest.param(
            f'<Schema><SimpleField name="a" type="string"/></Schema>'
            f'<Placemark><ExtendedData><SchemaData schemaUrl="{URL}"/></ExtendedData></Placemark>',
            "in <schemaUrl> points outside the file",
            id="schema-attribute",
        ),
        pytest.param(
            '<xi:include href="file:///etc/passwd" parse="text"/>',
            "'file:///etc/passwd' in <include> points outside the file",
            id="xinclude",
        ),
    ],
)
def test_a_kml_reference_out_of_the_file_is_refused(body, message):
    with pytest.raises(ZoneError, match=message):
        read_zones(kml(body), "zones.kml")


def test_kml_references_within_the_file_and_marker_pictures_are_read():
    style = (
        '<Style id="red"><IconStyle><Icon><href>https://maps.example/red.png</href></Icon>'
        "</IconStyle></Style>"
    )
    [zone] = read_zones(kml(style, beach="<styleUrl>#red</styleUrl>"), "zones.kml").zones
    assert zone.name == "Beach"


@pytest.mark.parametrize(
    "name",
    ["x/vsicurl/zones.shp", "x/http://127.0.0.1:9/zones.shp", "vsizip/zones.shp"],
)
def test_an_archive_member_named_like_a_url_or_a_gdal_path_is_refused(name):
    data = files.zip_bytes({name: b"x", "zones.prj": b"x"})
    with pytest.raises(ZoneError, match="points outside the upload"):
        read_zones(data, "zones.zip")


def test_an_upload_named_like_a_url_is_refused():
    with pytest.raises(ZoneError, match="points outside the upload"):
        read_zones(files.sample_geojson(), "/vsicurl/http://127.0.0.1:9/zones.geojson")
