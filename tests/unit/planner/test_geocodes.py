"""Place codes an event declares and an alert names: their forms, and which meet."""

from __future__ import annotations

import pytest

from planner import geocodes


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("017031", "017031"),
        (" ilc031 ", "ILC031"),
        ("ilz014", "ILZ014"),
        ("17031", "017031"),  # a county's FIPS code is its SAME code without the leading 0
        ("117031", "117031"),  # a part of Cook County, kept as given
    ],
)
def test_codes_are_stored_in_one_form(written, stored):
    assert geocodes.normalise(written) == stored


@pytest.mark.parametrize("written", ["", "IL031", "ILX031", "0170311", "Cook", "ILC31", "I1C031"])
def test_anything_else_is_refused_with_what_a_code_looks_like(written):
    with pytest.raises(ValueError, match=r"SAME county code .*UGC county .*forecast zone"):
        geocodes.normalise(written)


def test_a_list_comes_from_text_or_a_list_each_code_once_in_order():
    assert geocodes.normalise_all("ilc031, 017031;ILZ014  ilc031") == ["ILC031", "017031", "ILZ014"]
    assert geocodes.normalise_all(["ILZ014", "17031"]) == ["ILZ014", "017031"]
    assert geocodes.normalise_all("") == []
    with pytest.raises(ValueError, match="list of codes"):
        geocodes.normalise_all({"SAME": "017031"})
    with pytest.raises(ValueError, match="at most 100"):
        geocodes.normalise_all([f"ILZ{n:03d}" for n in range(101)])


def test_the_kinds():
    assert [geocodes.kind(c) for c in ("017031", "ILC031", "ILZ014")] == [
        "SAME",
        "UGC county",
        "UGC zone",
    ]


def test_an_alert_names_its_places_by_same_ugc_fips6_and_affected_zone_urls():
    pairs = (
        ("SAME", "017031"),
        ("UGC", "ILC031"),
        ("FIPS6", "048141 048229"),  # NWS CAP 1.1 put several in one value
        ("UGC", "TXZ055 TXZ056"),
        ("affectedZone", "https://api.weather.gov/zones/forecast/ILZ014"),
        ("VTEC", "/O.NEW.KLOT.SV.W.0099/"),
        ("SAME", "not a code"),
    )
    assert geocodes.alert_codes(pairs) == {
        "017031",
        "ILC031",
        "048141",
        "048229",
        "TXZ055",
        "TXZ056",
        "ILZ014",
    }


def test_declared_codes_meet_an_alerts_same_codes_by_county_and_ugc_codes_alike():
    declared = ["017031", "ILZ014", "ILC043"]
    assert geocodes.matching(declared, {"017031"}) == ["017031"]
    assert geocodes.matching(declared, {"117031"}) == ["017031"]  # part of Cook County
    assert geocodes.matching(declared, {"ILZ014", "ILC031"}) == ["ILZ014"]
    assert geocodes.matching(declared, {"ILZ013", "018097"}) == []
    assert geocodes.matching([], {"017031"}) == []
