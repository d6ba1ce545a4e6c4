"""Zone names from the columns real files carry: guessed, chosen, cleaned and made distinct."""

from __future__ import annotations

import json
import math

import pytest
from shapely.geometry import mapping

from planner.importing import read_zones
from planner.zone_names import NameFieldError, clean, distinct, name_zones
from tests.support.zone_files import REAL_SHAPES, squares


@pytest.mark.parametrize("shape", REAL_SHAPES.values(), ids=REAL_SHAPES.keys())
def test_each_real_file_shape_is_named_from_its_name_column(tmp_path, shape):
    report = read_zones(*shape.file(tmp_path))

    assert [zone.name for zone in report.zones] == shape.names
    assert (report.name_field, report.name_guessed) == (shape.column, True)
    columns = shape.read_as or list(shape.columns)
    assert list(report.columns) == columns
    naming = [w for w in report.warnings if "column" in w]
    if shape.column.casefold() == "name":
        assert naming == []  # the usual column: nothing to say
    elif shape.column:
        [warning] = naming
        others = ", ".join(c for c in columns if c != shape.column)
        expected = f"Named zones from column {shape.column} (guessed); choose another: {others}"
        assert warning == expected
    else:
        [warning] = naming
        assert warning.startswith("No column names the zones: they are named Zone 1, Zone 2")


def test_the_planner_chooses_another_column_in_any_case(tmp_path):
    shape = REAL_SHAPES["chicago-neighborhoods-shapefile"]
    report = read_zones(*shape.file(tmp_path), name_field="sec_neigh")

    assert [zone.name for zone in report.zones] == ["LINCOLN PARK", "OLD TOWN", "GOLD COAST"]
    assert (report.name_field, report.name_guessed) == ("SEC_NEIGH", False)
    assert not any("column" in w for w in report.warnings)
    assert report.columns["SEC_NEIGH"] == ["LINCOLN PARK", "OLD TOWN", "GOLD COAST"]
    assert report.columns["SHAPE_AREA"][0] == "88283683.6219"


def test_an_unknown_column_is_refused_listing_the_columns(tmp_path):
    shape = REAL_SHAPES["chicago-zip-codes"]
    with pytest.raises(NameFieldError) as refused:
        read_zones(*shape.file(tmp_path), name_field="ZIPCODE")
    assert str(refused.value) == (
        "there is no column 'ZIPCODE' in the file; its columns: OBJECTID, ZIP, SHAPE_AREA, "
        "SHAPE_LEN"
    )
    assert refused.value.field == "name_field"


def test_a_chosen_numeric_column_names_zones_as_written():
    rows = [{"ZIP": 60614.0, "OBJECTID": 33}, {"ZIP": 60610.0, "OBJECTID": 34}]
    naming = name_zones(rows, "OBJECTID")
    assert naming.names == ["33", "34"]
    assert name_zones(rows).names == ["60614", "60610"]  # floats that are whole lose ".0"


@pytest.mark.parametrize(
    ("rows", "column"),
    [
        pytest.param([{"SHAPE_AREA": 1.5, "OBJECTID": 1}, {"SHAPE_AREA": 2.5, "OBJECTID": 2}],
                     "OBJECTID", id="never-an-area"),
        pytest.param([{"area": "12.5", "kind": "crowd", "NH_NAME": "Loop"},
                      {"area": "13.5", "kind": "crowd", "NH_NAME": "Near North"}],
                     "NH_NAME", id="any-text-column-before-none"),
        pytest.param([{"name": "Lincoln Park", "label": "LP"}, {"name": None, "label": "OT"},
                      {"name": None, "label": "GC"}], "label", id="mostly-empty-skipped"),
        pytest.param([{"title": "Beach", "district": "18"}, {"title": "Beach", "district": "19"},
                      {"title": "Beach", "district": "20"}], "district", id="not-distinct"),
        pytest.param([{"title": "Beach", "Id": 1}, {"title": "Beach", "Id": 2}], "title",
                     id="a-repeated-name-before-an-id"),
        pytest.param([{"description": "A long walk by the lake " * 5, "Id": 0},
                      {"description": "sand", "Id": 0}], "", id="nothing-names-them"),
        pytest.param([{"ward": 43, "beat": 1814}, {"ward": 43, "beat": 1824}], "beat", id="beat"),
        pytest.param([{"stroke": "#555555", "fill": "#ff0000", "_umap_options": "{}"},
                      {"stroke": "#555555", "fill": "#00ff00", "_umap_options": "{ }"}],
                     "", id="never-a-style"),
    ],
)  # fmt: skip
def test_the_guess_takes_a_distinct_short_textual_column(rows, column):
    assert name_zones(rows).column == column


def test_repeated_names_are_numbered_as_a_planner_would_and_said():
    names, warnings = distinct(["Lincoln Park", "Oz", "LINCOLN PARK", "Lincoln Park (2)", "Oz"])
    assert names == ["Lincoln Park", "Oz", "LINCOLN PARK (3)", "Lincoln Park (2)", "Oz (2)"]
    assert warnings == [
        "2 features are named 'Lincoln Park'; imported as 'Lincoln Park', 'LINCOLN PARK (3)'",
        "2 features are named 'Oz'; imported as 'Oz', 'Oz (2)'",
    ]


def test_a_repeated_long_name_stays_within_200_characters():
    long = "x" * 250
    names, _ = distinct([clean(long), clean(long)])
    assert [len(name) for name in names] == [200, 200]
    assert names[1].endswith("x (2)")


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("  Oak\tStreet\r\nBeach  ", "Oak Street Beach"),
        ("Oak\x00Street\x7f", "Oak Street"),
        ("Oak\ud800", "Oak"),
        (None, ""),
        (math.nan, ""),
        (60614.0, "60614"),
        (2405.01, "2405.01"),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),  # escaped when shown
    ],
)
def test_values_are_trimmed_and_control_characters_taken_out(value, name):
    assert clean(value) == name


def test_features_without_a_value_are_numbered_by_their_place_in_the_file():
    rows = [{"PRI_NEIGH": "Loop"}, {"PRI_NEIGH": ""}, {"PRI_NEIGH": "Near North"}]
    assert name_zones(rows).names == ["Loop", "Zone 2", "Near North"]


def test_a_file_of_many_columns_lists_the_first_25_and_counts_the_rest():
    rows = [{"NAME": "Monaco", **{f"POP_{i}": i for i in range(40)}}]
    with pytest.raises(NameFieldError, match=r"POP_22, POP_23, … \(\+16\)$"):
        name_zones(rows, "ADMIN")


def test_control_characters_in_a_files_names_never_reach_a_zone(tmp_path):
    square = mapping(squares(1)[0])
    features = [
        {"type": "Feature", "properties": {"name": name}, "geometry": square}
        for name in ("Oak\u0007Street\u001b", "Oak\nStreet", "\u202eOak", "Pier\u0000hidden")
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    report = read_zones(data, "zones.geojson")
    # The right-to-left override is no control character: it is text, escaped when shown.
    # GDAL ends a text at NUL, as C does.
    names = ["Oak Street", "Oak Street (2)", "\u202eOak", "Pier"]
    assert [zone.name for zone in report.zones] == names
