"""What GIS tools poll: live threats and each zone's staffing now, as GeoJSON Features."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

COVERAGE_FIELDS = ("status", "required", "on_duty", "short")


def coverage_features(zones: Iterable[dict], staffing: Mapping) -> list[dict]:
    """Each zone's Feature with its staffing counts now; a zone missing from `staffing`
    (`{"zones": {"<id>": {...}}}`, as planner.duty_service.coverage gives it) needs no one."""
    counts = staffing.get("zones", {})
    out = []
    for feature in zones:
        mine = counts.get(str(feature["properties"]["id"]), {})
        now = {key: mine.get(key, 0) for key in COVERAGE_FIELDS}
        now["status"] = mine.get("status", "none")
        properties = {**feature["properties"], **now, "at": staffing.get("at")}
        out.append({**feature, "properties": properties})
    return out
