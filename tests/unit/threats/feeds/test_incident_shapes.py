"""The incident parser on the real shapes of open-data portals (see the fixtures' README,
"Real incident shapes"): Socrata JSON rows with a location column, a GeoJSON point column or
latitude/longitude only; ArcGIS FeatureServer answers as GeoJSON and as ArcGIS JSON; and two
held-out feeds with names of their own. Each fixture row names the zone it was placed in."""

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from shapely.geometry import Point, shape

from tests.support.fuzzing import FUZZ, REFUSED, only_documented_error, substitutions
from threats.feeds.errors import FeedFormatError
from threats.feeds.incidents import is_arcgis, next_arcgis_url, parse_incidents
from threats.feeds.records import Incident

FIXTURES = Path(__file__).parents[3] / "fixtures" / "feeds"
INCIDENTS = FIXTURES / "incidents"
CHICAGO = ZoneInfo("America/Chicago")
ZONES = {
    f["id"]: shape(f["geometry"])
    for f in json.loads((FIXTURES / "zones" / "event-zones.geojson").read_text())["features"]
}
GUESSES = {
    "chicago-crimes-rows.json": {
        "id": "id", "time": "date", "kind": "primary_type", "description": "description",
        "location": "location", "latitude": "latitude", "longitude": "longitude",
    },
    "nyc-311-rows.json": {
        "id": "unique_key", "time": "created_date", "kind": "complaint_type",
        "description": "descriptor", "location": "location", "latitude": "latitude",
        "longitude": "longitude",
    },
    "sf-incidents-rows.json": {
        "id": "incident_id", "time": "incident_datetime", "kind": "incident_category",
        "description": "incident_description", "location": "point", "latitude": "latitude",
        "longitude": "longitude",
    },
    "seattle-fire-911.geojson": {
        "id": "incident_number", "time": "datetime", "kind": "type", "latitude": "latitude",
        "longitude": "longitude",
    },
    "arcgis-page1.geojson": {
        "id": "GlobalID", "time": "REPORTED_DATE", "kind": "CALL_TYPE",
        "description": "DESCRIPTION", "priority": "PRIORITY",
    },
    "held-out-arcgis.json": {
        "id": "FID", "time": "OCCURRED_AT", "kind": "EVENT_TYPE", "description": "Details",
        "priority": "Severity",
    },
    "held-out-rows.json": {
        "id": "Event ID", "time": "Date Time", "kind": "Category", "description": "Summary",
        "latitude": "Lat", "longitude": "Lng",
    },
}  # fmt: skip


def parse(name: str, **kwargs):
    return parse_incidents((INCIDENTS / name).read_bytes(), CHICAGO, **kwargs)


def raw_rows(name: str) -> list[dict]:
    document = json.loads((INCIDENTS / name).read_text())
    if isinstance(document, list):
        return document
    return [f.get("properties") or f.get("attributes") for f in document["features"]]


@pytest.mark.parametrize("name", sorted(GUESSES))
def test_the_columns_are_guessed_from_their_common_names(name):
    assert dict(parse(name).guessed) == GUESSES[name]


@pytest.mark.parametrize("name", sorted(GUESSES))
def test_every_incident_lies_in_the_zone_it_was_placed_in(name):
    page = parse(name)
    placed = [row["zone"] for row in raw_rows(name) if row["zone"] and _has_place(row)]
    assert len(page.records) == len(placed) >= 4
    for incident, zone in zip(page.records, placed, strict=True):
        inside = [z for z, area in ZONES.items() if area.contains(incident.geometry)]
        assert inside == ([] if zone == "outside" else [zone]), incident.source_id
        assert incident.kind and incident.occurred_at.tzinfo  # Seattle has no description


def _has_place(row: dict) -> bool:
    return any(k in row for k in ("latitude", "Lat", "location", "point", "OBJECTID", "FID"))


def test_chicago_rows_read_strings_floating_times_and_the_location_column():
    page = parse("chicago-crimes-rows.json")
    first = page.records[0]
    assert (first.source_id, first.kind, first.description) == ("13570001", "BATTERY", "SIMPLE")
    assert first.occurred_at == datetime(2026, 7, 18, 13, 5, tzinfo=CHICAGO)
    assert first.geometry.equals(Point(-87.6262, 41.9117))
    assert first.extra["case_number"] == "JK340100" and first.extra["arrest"] is True
    assert first.extra["updated_on"] == datetime(2026, 7, 25, 15, 41, 12, tzinfo=CHICAGO)
    assert "location" not in first.extra and "latitude" not in first.extra
    # The real dataset withholds the place of some crimes: that one row is refused, counted.
    assert page.refused == ("record 7 (id 13570099): no position",)


def test_socrata_computed_region_columns_are_left_out():
    incident = parse("nyc-311-rows.json").records[0]
    assert not any(name.startswith(":") for name in incident.extra)
    assert incident.extra["agency"] == "NYPD"


def test_a_location_column_without_coordinates_falls_back_to_latitude_longitude():
    rows = json.loads((INCIDENTS / "nyc-311-rows.json").read_text())
    rows[0]["location"] = {"human_address": '{"address": "", "city": "CHICAGO"}'}
    rows[0]["location"].update(latitude=None, longitude=None)
    page = parse_incidents(json.dumps(rows).encode(), CHICAGO)
    assert not page.refused and page.records[0].geometry.equals(Point(-87.6262, 41.9117))


def test_the_field_map_wins_over_the_guess_and_names_columns_in_any_case():
    page = parse("chicago-crimes-rows.json", field_map={"id": "CASE_NUMBER", "kind": "iucr"})
    assert page.records[0].source_id == "JK340100" and page.records[0].kind == "0486"
    assert page.guessed["id"] == "id"  # the guess is still reported, for the feed page
    assert page.records[0].extra["id"] == "13570001"


def test_arcgis_geojson_reads_epoch_milliseconds_priorities_and_the_transfer_flag():
    first = parse("arcgis-page1.geojson")
    assert first.more and not parse("arcgis-page2.geojson").more
    incident = first.records[0]
    assert incident.occurred_at == datetime(2026, 7, 18, 18, 30, tzinfo=UTC)
    assert [i.priority for i in first.records] == [1, 2, 1, 3]  # "P1", "2", "High", "P3"
    assert incident.extra["OBJECTID"] == 1 and incident.extra["INCIDENT_NUM"] == "LF26-7100"


def test_the_transfer_flag_may_sit_at_the_top():
    document = json.loads((INCIDENTS / "arcgis-page2.geojson").read_text())
    assert parse_incidents(json.dumps({**document, "exceededTransferLimit": True}).encode(),
                           CHICAGO).more  # fmt: skip


def test_arcgis_json_in_web_mercator_comes_back_to_longitude_latitude():
    incident = parse("held-out-arcgis.json").records[0]
    assert incident.geometry.distance(Point(-87.6262, 41.9117)) < 1e-7
    assert (incident.source_id, incident.priority) == ("501", 1)


def test_arcgis_json_in_another_reference_is_refused_with_a_way_out():
    document = json.loads((INCIDENTS / "held-out-arcgis.json").read_text())
    document["spatialReference"] = {"wkid": 26916}
    with pytest.raises(FeedFormatError, match="outSR=4326"):
        parse_incidents(json.dumps(document).encode(), CHICAGO)


def test_an_arcgis_error_answer_is_refused_with_its_message():
    body = b'{"error": {"code": 400, "message": "Invalid query parameters"}}'
    with pytest.raises(FeedFormatError, match="400: Invalid query parameters"):
        parse_incidents(body, CHICAGO)


def test_an_arcgis_feature_without_an_id_column_keeps_the_feature_id():
    document = json.loads((INCIDENTS / "arcgis-page2.geojson").read_text())
    for feature in document["features"]:
        del feature["properties"]["GlobalID"], feature["properties"]["OBJECTID"]
    page = parse_incidents(json.dumps(document).encode(), CHICAGO)
    assert [i.source_id for i in page.records] == ["5", "6"]


def test_a_row_without_an_id_is_refused_and_counted():
    rows = json.loads((INCIDENTS / "held-out-rows.json").read_text())
    del rows[1]["Event ID"]
    page = parse_incidents(json.dumps(rows).encode(), CHICAGO)
    assert page.refused == ("record 2: no id (looked in 'Event ID')",)
    assert len(page.records) == 5


def test_floating_times_are_read_in_the_feeds_zone():
    incident = parse_incidents((INCIDENTS / "held-out-rows.json").read_bytes(), ZoneInfo("UTC"))
    assert incident.records[0].occurred_at == datetime(2026, 7, 18, 15, 0, tzinfo=UTC)


def test_arcgis_paging_moves_result_offset_while_the_server_says_more():
    url = "https://gis.example/arcgis/rest/services/Inc/FeatureServer/0/query?f=geojson&where=1%3D1"
    assert is_arcgis(url) and not is_arcgis("https://data.example/resource/ab12-cd34.json")
    second = next_arcgis_url(url, 4, True)
    assert second == url + "&resultOffset=4"
    assert next_arcgis_url(second, 4, True).endswith("&resultOffset=8")
    assert next_arcgis_url(second, 2, False) is None
    assert next_arcgis_url(second, 0, True) is None  # an empty page ends it, whatever it says


@FUZZ
@given(substitutions(json.loads((INCIDENTS / "chicago-crimes-rows.json").read_text())))
def test_substituted_rows_give_a_page_or_feed_format_error(document):
    result = only_documented_error(parse_incidents, json.dumps(document).encode(), CHICAGO)
    assert result is REFUSED or all(isinstance(i, Incident) for i in result.records)


@FUZZ
@given(substitutions(json.loads((INCIDENTS / "held-out-arcgis.json").read_text())))
def test_substituted_arcgis_json_gives_a_page_or_feed_format_error(document):
    result = only_documented_error(parse_incidents, json.dumps(document).encode(), CHICAGO)
    assert result is REFUSED or all(isinstance(i, Incident) for i in result.records)


def test_a_csv_style_location_and_us_times_are_read():
    rows = [{"ID": "11956983", "Date": "07/18/2026 01:05:00 PM", "Primary Type": "THEFT",
             "Location": "(41.9117, -87.6262)"}]  # fmt: skip
    incident = parse_incidents(json.dumps(rows).encode(), CHICAGO).records[0]
    assert incident.geometry.equals(Point(-87.6262, 41.9117))
    assert incident.occurred_at == datetime(2026, 7, 18, 13, 5, tzinfo=CHICAGO)


@pytest.mark.parametrize(
    ("name", "broken", "reason"),
    [
        ("held-out-rows.json", "not a row", "record 2: row is not an object"),
        ("arcgis-page1.geojson", {"type": "Feature", "properties": []}, "record 2: properties"),
        ("arcgis-page1.geojson", {"geometry": None}, "record 2: not a GeoJSON Feature"),
        ("held-out-arcgis.json", {"geometry": {"x": 1, "y": 2}}, "record 2: no attributes"),
    ],
)
def test_a_malformed_record_is_refused_and_the_rest_kept(name, broken, reason):
    document = json.loads((INCIDENTS / name).read_text())
    records = document if isinstance(document, list) else document["features"]
    records[1] = broken
    page = parse_incidents(json.dumps(document).encode(), CHICAGO)
    assert len(page.refused) == 1 and page.refused[0].startswith(reason)
    assert len(page.records) == len(records) - 1
