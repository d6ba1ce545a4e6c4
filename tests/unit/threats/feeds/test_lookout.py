"""Unit tests for the CSV lookout (BOLO) list parser and its fixture."""

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, shape

from tests.support.fuzzing import FUZZ, REFUSED, mutated_bytes, only_documented_error
from threats.feeds.errors import FeedFormatError
from threats.feeds.lookout import normalise_plate, parse_lookouts
from threats.feeds.records import Lookout

FIXTURES = Path(__file__).parents[3] / "fixtures" / "feeds"
BOLO = (FIXTURES / "lookout" / "bolo.csv").read_bytes()
CHICAGO = ZoneInfo("America/Chicago")
HEADER = "id,name,plate,description,latitude,longitude,issued_at\n"


def lookouts(data: bytes = BOLO) -> dict[str, Lookout]:
    return {lookout.source_id: lookout for lookout in parse_lookouts(data, CHICAGO)}


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def zones() -> dict[str, Polygon]:
    data = json.loads((FIXTURES / "zones" / "event-zones.geojson").read_text())
    return {f["id"]: shape(f["geometry"]) for f in data["features"]}


def test_fixture_reads_five_lookouts_in_order():
    found = parse_lookouts(BOLO, CHICAGO)
    assert [f.source_id for f in found] == [f"BOLO-000{n}" for n in range(1, 6)]


def test_names_and_plates():
    found = lookouts()
    assert [(f.name, f.plate) for f in found.values()] == [
        ("DORIAN FAKEWORTH", "IL4K772Z"),
        ("MIRABEL TESTAROVA", ""),
        ("", "ZZ0000FK"),
        ("Juniper Notreal-Fakeworth", ""),
        ("ЕВГЕНИЙ ФИКТИВНОВ", "ILTEST5"),
    ]


def test_quoted_description_keeps_its_comma():
    assert lookouts()["BOLO-0001"].description == "Silver sedan, dented rear bumper (SYNTHETIC)"


def test_issued_at_naive_is_local_and_offsets_are_kept():
    found = lookouts()
    assert found["BOLO-0001"].issued_at == datetime(2026, 7, 18, 12, 30, tzinfo=CHICAGO)
    assert found["BOLO-0002"].issued_at == datetime(2026, 7, 18, 13, 5, tzinfo=CHICAGO)
    assert found["BOLO-0005"].issued_at == datetime(2026, 7, 18, 20, 20, tzinfo=UTC)
    assert found["BOLO-0004"].issued_at is None
    assert all(f.issued_at is None or f.issued_at.tzinfo for f in found.values())


def test_places_are_lon_lat_points_in_the_zones():
    found, event = lookouts(), zones()
    assert found["BOLO-0001"].geometry.equals(Point(-87.6259, 41.9121))
    assert event["north-avenue-beach"].contains(found["BOLO-0001"].geometry)
    assert event["oak-street-beach"].contains(found["BOLO-0002"].geometry)
    assert event["north-avenue-beach"].contains(found["BOLO-0005"].geometry)
    assert found["BOLO-0003"].geometry is None


@pytest.mark.parametrize(
    ("plate", "normalised"),
    [("il 4k-77 2z", "IL4K772Z"), ("IL4K772Z", "IL4K772Z"), (" ab.12·cd ", "AB12CD"), ("", "")],
)
def test_normalise_plate(plate, normalised):
    assert normalise_plate(plate) == normalised


def test_header_order_case_and_crlf_bom_are_tolerated():
    data = "\ufeff Plate ,ID\r\nil 4k-77 2z,B-1\r\n\r\n".encode()
    assert parse_lookouts(data, CHICAGO) == [Lookout(source_id="B-1", plate="IL4K772Z")]


def test_short_rows_leave_fields_empty():
    assert lookouts(csv_of("B-1,FAKEWORTH"))["B-1"] == Lookout(source_id="B-1", name="FAKEWORTH")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (csv_of("B-1,A,,", "B-1,B,,"), "line 3: id 'B-1' already used on line 2"),
        (csv_of("B-1,A,,", "B-2,,,red car"), r"line 3 \(id 'B-2'\): neither a name nor a plate"),
        (csv_of("B-1,,--,"), "plate '--' has no letters or digits"),
        (csv_of(",FAKEWORTH,,"), "line 2: no id"),
        (csv_of("B-1,A,,,91,-87.6"), "latitude '91' is outside"),
        (csv_of("B-1,A,,,41.9,-181"), "longitude '-181' is outside"),
        (csv_of("B-1,A,,,41.9,"), "given together"),
        (csv_of("B-1,A,,,nan,-87.6"), "latitude is not a finite number"),
        (csv_of("B-1,A,,,north,-87.6"), "latitude is not a number"),
        (csv_of("B-1,A,,,,,yesterday"), "issued_at is not ISO 8601"),
        (csv_of("B-1,A,,,,,,extra"), "8 fields, the header has 7"),
        (csv_of("B-1,A", header="name,plate\n"), "line 1: the header has no 'id'"),
        (csv_of("B-1,A", header="id,nmae\n"), "unknown column 'nmae'"),
        (csv_of("B-1,A,B", header="id,name,Name\n"), "column 'name' appears twice"),
        (csv_of('B-1,"A'), "bad CSV"),
        (b"", "no 'id'"),
        (b"id,name\nB-1,\xff\n", "not UTF-8"),
    ],
)
def test_bad_file_is_refused_naming_the_line(data, message):
    with pytest.raises(FeedFormatError, match=message):
        parse_lookouts(data, CHICAGO)


def test_size_cap_is_checked_before_parsing():
    with pytest.raises(FeedFormatError, match="over the 10-byte cap"):
        parse_lookouts(BOLO, CHICAGO, max_bytes=10)


# Property tests: whatever the bytes, the parser returns lookouts or raises FeedFormatError.


def check(data: bytes) -> None:
    result = only_documented_error(parse_lookouts, data, CHICAGO)
    if result is REFUSED:
        return
    assert all(isinstance(lookout, Lookout) for lookout in result)
    assert all(lookout.plate.isalnum() or not lookout.plate for lookout in result)
    assert all(lookout.name or lookout.plate for lookout in result)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_give_lookouts_or_feed_format_error(data):
    check(data)


@FUZZ
@given(st.text(alphabet=',"\r\n id name plate0123456789.-:T', max_size=300))
def test_random_csv_text_gives_lookouts_or_feed_format_error(text):
    check(text.encode())


@FUZZ
@given(mutated_bytes(BOLO, inserts=[b",", b'"', b"\n", b"\x00", b"\r"]))
def test_mutated_bytes_give_lookouts_or_feed_format_error(data):
    check(data)
