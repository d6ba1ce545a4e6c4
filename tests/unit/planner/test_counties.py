"""The counties an event's zones lie in, from the shipped Census boundaries, and their
NWS codes: SAME is 0, state FIPS, county FIPS; UGC is state postal code, C, county FIPS."""

from __future__ import annotations

from shapely.geometry import Point, box

from planner import counties

NORTH_AVENUE_BEACH = box(-87.6290, 41.9100, -87.6235, 41.9135)
SHOW_BOX_ON_THE_LAKE = box(-87.6180, 41.9000, -87.6050, 41.9200)  # off the beach, on water


def test_the_lakefront_lies_in_cook_county_illinois():
    [cook] = counties.counties_of([NORTH_AVENUE_BEACH])
    assert (cook.fips, cook.name, cook.state) == ("17031", "Cook County", "IL")
    assert (cook.same, cook.ugc, cook.label) == ("017031", "ILC031", "Cook County, IL")


def test_a_zone_on_the_water_takes_the_nearest_county_within_reach():
    assert [c.fips for c in counties.counties_of([SHOW_BOX_ON_THE_LAKE])] == ["17031"]
    mid_lake = Point(-87.0, 43.0).buffer(0.01)  # 60 km from any shore
    assert counties.counties_of([mid_lake]) == []


def test_zones_across_a_county_line_give_each_county_west_to_east():
    found = counties.counties_of([NORTH_AVENUE_BEACH, box(-88.10, 41.85, -88.05, 41.88)])
    assert [(c.ugc, c.same) for c in found] == [("ILC043", "017043"), ("ILC031", "017031")]


def test_no_zones_no_counties():
    assert counties.counties_of([]) == []


def test_county_codes_are_named_and_forecast_zones_are_not():
    assert counties.place_label("017031") == "Cook County, IL"
    assert counties.place_label("ILC031") == "Cook County, IL"
    assert counties.place_label("117031") == "Cook County, IL"  # a part of it
    assert counties.place_label("041051") == "Multnomah County, OR"
    assert counties.place_label("ILZ014") is None
    assert counties.place_label("099999") is None
    assert counties.described(["ILZ014"]) == [{"code": "ILZ014", "kind": "UGC zone", "name": None}]
