"""Guessing an incident feed's columns from their names, and the map people give."""

import pytest

from threats.feeds.fields import fields_in_use, guess_fields, resolve


@pytest.mark.parametrize(
    ("columns", "role", "column"),
    [
        (["OBJECTID", "Shape"], "id", "OBJECTID"),
        (["FID"], "id", "FID"),
        (["sr_number", "created_date"], "id", "sr_number"),
        (["id", "case_number"], "id", "id"),  # the row id before a case several rows share
        (["Unique Key"], "id", "Unique Key"),
        (["reported_at", "occurred_at"], "time", "occurred_at"),  # when it happened first
        (["Incident-DateTime"], "time", "Incident-DateTime"),
        (["offense", "description"], "kind", "offense"),
        (["CALL_TYPE"], "kind", "CALL_TYPE"),
        (["narrative"], "description", "narrative"),
        (["Severity"], "priority", "Severity"),
        (["the_geom"], "location", "the_geom"),
        (["LAT", "LON"], "latitude", "LAT"),
        (["y", "x"], "longitude", "x"),
    ],
)
def test_common_names_are_found_in_any_case_or_spelling(columns, role, column):
    assert guess_fields([{name: "1" for name in columns}])[role] == column


def test_state_plane_coordinates_are_not_taken_for_longitude_latitude():
    guess = guess_fields([{"x_coordinate": "1176000", "y_coordinate": "1910000"}])
    assert "latitude" not in guess and "longitude" not in guess


def test_a_place_column_is_found_by_its_value_whatever_its_name():
    rows = [{"incident_location": {"type": "Point", "coordinates": [-87.6, 41.9]}}]
    assert guess_fields(rows)["location"] == "incident_location"
    rows = [{"where": {"latitude": "41.9", "longitude": "-87.6", "human_address": "{}"}}]
    assert guess_fields(rows)["location"] == "where"


def test_columns_empty_in_every_row_are_not_guessed():
    assert "priority" not in guess_fields([{"id": "1", "priority": None}])


def test_the_map_wins_role_by_role_and_is_spelled_as_the_source_spells_it():
    in_use = fields_in_use({"id": "objectid", "kind": ""}, {"id": "GlobalID", "kind": "TYPE"})
    assert in_use == {"id": "objectid", "kind": "TYPE"}
    assert resolve(in_use, {"objectid": "OBJECTID", "type": "TYPE"})["id"] == "OBJECTID"


def test_shapefile_cuts_of_common_names_are_found():
    # An ArcGIS layer of Chicago crimes published from a shapefile: Case_Numbe, Primary_Ty.
    guess = guess_fields([{"FID": 1, "Primary_Ty": "THEFT", "Descriptio": "OVER $500"}])
    assert (guess["kind"], guess["description"]) == ("Primary_Ty", "Descriptio")
