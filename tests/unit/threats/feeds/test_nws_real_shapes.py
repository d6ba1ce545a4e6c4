"""The NWS parser on the 2017 api.weather.gov form (tests/fixtures/feeds/README.md, "Real
shapes"): the office's name, spaces and all, as `sender`; no `scope`; a malformed
feature refused and counted while the others are kept."""

import json
from pathlib import Path

import pytest

from threats.feeds import nws
from threats.feeds.errors import FeedFormatError

DOCUMENT = (
    Path(__file__).parents[3]
    / "fixtures"
    / "feeds"
    / "nws"
    / "real"
    / "alerts-2017-sender-spaces.geojson"
).read_bytes()


def test_a_sender_with_spaces_is_the_office_it_names():
    page = nws.parse_alerts(DOCUMENT)
    assert [(a.identifier, a.sender, a.scope) for a in page.records] == [
        ("NWS-IDP-PROD-2026071801", "NWS Chicago IL", "Public"),
        ("NWS-IDP-PROD-2026071802", "NWS Chicago IL", "Public"),
    ]


def test_the_malformed_feature_is_refused_by_position_and_id_and_the_rest_kept():
    page = nws.parse_alerts(DOCUMENT)
    (reason,) = page.refused
    assert reason.startswith("record 3 (id NWS-IDP-PROD-2026071803): ")
    assert "sent has no UTC offset" in reason
    assert len(page.records) == 2


def test_runs_of_spaces_in_a_sender_are_one_space():
    data = json.loads(DOCUMENT)
    data["features"][0]["properties"]["sender"] = "  NWS   Chicago\tIL "
    assert nws.parse_alerts(json.dumps(data).encode()).records[0].sender == "NWS Chicago IL"


def test_a_comma_in_a_sender_is_still_refused():
    data = json.loads(DOCUMENT)
    data["features"][0]["properties"]["sender"] = "NWS Chicago, IL"
    page = nws.parse_alerts(json.dumps(data).encode())
    assert [r.split(":")[0] for r in page.refused] == [
        "record 1 (id NWS-IDP-PROD-2026071801)",
        "record 3 (id NWS-IDP-PROD-2026071803)",
    ]


def test_a_document_of_malformed_features_only_is_refused_whole():
    data = json.loads(DOCUMENT)
    data["features"] = [data["features"][2]]
    with pytest.raises(FeedFormatError, match="no feature of 1 could be read"):
        nws.parse_alerts(json.dumps(data).encode())


def test_an_empty_collection_is_no_alerts_not_an_error():
    data = json.loads(DOCUMENT)
    data["features"] = []
    page = nws.parse_alerts(json.dumps(data).encode())
    assert (page.records, page.refused) == ([], ())
