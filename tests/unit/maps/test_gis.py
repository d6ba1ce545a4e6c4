"""The coverage layer GIS tools poll: each zone's polygon with its staffing counts now."""

from __future__ import annotations

from shapely.geometry import box, mapping

from common.audience import staffing_for_partner
from maps.gis import coverage_features

AT = "2026-08-15T15:00:00+00:00"


def zone(zone_id: int, name: str) -> dict:
    return {
        "type": "Feature",
        "id": zone_id,
        "geometry": mapping(box(-87.63 + zone_id / 1000, 41.91, -87.629 + zone_id / 1000, 41.911)),
        "properties": {"id": zone_id, "name": name, "kind": "crowd"},
    }


def test_each_zone_carries_its_counts_and_a_zone_needing_no_one_says_so():
    staffing = staffing_for_partner(
        {
            "at": AT,
            "zones": {
                "1": {"status": "short", "required": 4, "assigned": 3, "on_duty": 2, "short": 2},
            },
        }
    )
    beach, pier = coverage_features([zone(1, "Beach"), zone(2, "Pier")], staffing)
    assert beach["geometry"] == zone(1, "Beach")["geometry"]
    assert beach["properties"] == {
        "id": 1,
        "name": "Beach",
        "kind": "crowd",
        "status": "short",
        "required": 4,
        "on_duty": 2,
        "short": 2,
        "at": AT,
    }
    assert pier["properties"]["status"] == "none"
    assert (pier["properties"]["required"], pier["properties"]["short"]) == (0, 0)
    assert "assigned" not in beach["properties"]  # counts partners may see, no more
