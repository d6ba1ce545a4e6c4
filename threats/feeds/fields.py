"""Which of a dataset's own columns say an incident's id, time, kind, description and
priority, and where it is: given by the feed's field map, or guessed from common names.

Open-data portals name the same thing many ways (`case_number`, `unique_key`, `OBJECTID`;
`date`, `created_date`, `incident_datetime`), so the guess is case-insensitive, treats
spaces and hyphens as underscores, and tries names in the order below: the first role
name found wins. Places are read from a GeoJSON geometry first, then from a location
column (a GeoJSON Point or a Socrata location object), then from latitude/longitude columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import islice

ROLES = ("id", "time", "kind", "description", "priority")
PLACE_ROLES = ("location", "latitude", "longitude")
MAP_KEYS = ROLES + PLACE_ROLES

# Earlier names win: an event's own time before the time it was reported, a row id
# before a case number that several rows may share.
# fmt: off
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id", "incident_id", "unique_key", "event_id", "incident_number", "case_number",
        "sr_number", "service_request_id", "report_number", "cad_event_number", "offense_id",
        "row_id", "globalid", "objectid", "object_id", "fid", ":id",
    ),
    "time": (
        "date", "datetime", "date_time", "incident_datetime", "incident_date", "occurred_at",
        "occurred_on", "occurred_date", "occurrence_date", "offense_start_datetime",
        "event_datetime", "event_date", "reported_at", "reported_date", "report_datetime",
        "report_date", "created_date", "created_at", "requested_datetime", "timestamp", "time",
    ),
    "kind": (
        "primary_type", "incident_type", "type", "category", "incident_category",
        "complaint_type", "offense", "offense_type", "offense_parent_group", "call_type",
        "initial_call_type", "event_type", "sr_type", "crime_type", "nature",
    ),
    "description": (
        "description", "descriptor", "incident_description", "details", "summary",
        "narrative", "remarks", "comments",
    ),
    "priority": ("priority", "severity", "priority_level", "call_priority"),
    "location": (
        "location", "point", "geocoded_column", "the_geom", "geom", "geolocation", "location_1",
    ),
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "x"),
}
# fmt: on
SAMPLE = 50  # rows looked at for column names: enough for sparse columns, cheap
MAX_COLUMN = 200  # the longest column name a feed's field map may give (common.validation)


def normal(name: str) -> str:
    """How names are compared: `Created Date`, `created-date` and `CREATED_DATE` agree."""
    return name.strip().casefold().replace(" ", "_").replace("-", "_")


def columns(rows: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """Every column named in the first rows, by its compared form, as the source spells it."""
    found: dict[str, str] = {}
    for number, row in enumerate(rows):
        if number >= SAMPLE:
            break
        for name, value in row.items():
            if value is not None:
                found.setdefault(normal(name), name)
    return found


def guess_fields(rows: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """{role: column} for every role whose common name is among the rows' columns."""
    rows = list(islice(rows, SAMPLE))  # read twice: for names, then for values
    named = columns(rows)
    guess: dict[str, str] = {}
    for role, names in SYNONYMS.items():
        spelled = next((named[n] for n in names if n in named), None)
        spelled = spelled or next((named[c] for c in named if _truncated(c, names)), None)
        if spelled is not None:
            guess[role] = spelled
    if "location" not in guess:
        location = _location_by_value(rows)
        if location:
            guess["location"] = location
    return guess


def _truncated(column: str, names: tuple[str, ...]) -> bool:
    """A shapefile's ten-character cut of a common name (`Primary_Ty`, `Descriptio`), as
    ArcGIS layers published from shapefiles still carry."""
    return len(column) == 10 and any(n.startswith(column) for n in names)


def _location_by_value(rows: Iterable[Mapping[str, object]]) -> str | None:
    """A column whose values look like a place (any name): a GeoJSON Point or a Socrata
    location, as in a column a portal called `incident_location` or `location_2`. Only a
    name a person could give in the feed's field map: the source chose it."""
    for number, row in enumerate(rows):
        if number >= SAMPLE:
            break
        for name, value in row.items():
            if is_place(value) and _nameable(name):
                return name
    return None


def _nameable(name: object) -> bool:
    return isinstance(name, str) and 0 < len(name) <= MAX_COLUMN and name.isprintable()


def is_place(value: object) -> bool:
    return isinstance(value, dict) and (
        value.get("type") == "Point" or ("latitude" in value and "longitude" in value)
    )


def fields_in_use(field_map: Mapping[str, str] | None, guess: Mapping[str, str]) -> dict:
    """The columns read for each role: the feed's own map where it names one, else the guess."""
    return {**guess, **{k: v for k, v in (field_map or {}).items() if v}}


def resolve(fields: Mapping[str, str], named: Mapping[str, str]) -> dict[str, str]:
    """A mapped name as the source spells it (the map may say `objectid` for `OBJECTID`)."""
    return {role: named.get(normal(name), name) for role, name in fields.items()}
