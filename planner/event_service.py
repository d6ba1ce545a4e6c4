"""Events and their operational periods: create, change, delete. Every check happens before
anything is written; each write returns what the audit log keeps."""

from __future__ import annotations

import math
from collections.abc import Collection

from common.fields import field_words
from common.messages import N_, message_of
from common.validation import (
    DB_INT_MAX,
    InputError,
    aware_datetime,
    optional_number,
    text,
    timezone,
)
from common.writes import Change, Write
from planner import geocodes
from planner.models import Event, Shift
from planner.reach import rules_from_json, rules_to_json
from planner.serialize import event_json, shift_json

EVENT_FIELDS = (
    "basemap",
    "center",
    "reach_rules",
    "geocodes",
    "name",
    "timezone",
    "starts_at",
    "ends_at",
    "expected_attendance",
    "min_rest_hours",
    "max_hours_per_day",
)


def create_event(w: Write, data: dict, *, basemaps: Collection[str] = ()) -> Change[Event]:
    """A new event; `center` (latitude, longitude) is where its map opens before it has zones,
    `basemap` one of the instance's basemap names (None: the instance default)."""
    tz = timezone(data)
    starts = aware_datetime(data, "starts_at", tz)
    ends = aware_datetime(data, "ends_at", tz)
    if ends <= starts:
        raise InputError(N_("the end time must be after the start time"), "ends_at")
    attendance = optional_number(data, "expected_attendance", maximum=DB_INT_MAX)
    event = Event(
        reach_rules=_reach_rules(data) if "reach_rules" in data else None,
        geocodes=_geocodes(data) if "geocodes" in data else [],
        name=text(data, "name"),
        timezone=tz,
        starts_at=starts,
        ends_at=ends,
        expected_attendance=int(attendance) if attendance is not None else None,
        basemap=_basemap(data, basemaps),
    )
    event.center_lat, event.center_lon = _center(data) or (None, None)
    w.session.add(event)
    w.session.flush()
    return Change("event.create", f"event:{event.id}", after=event_json(event), result=event)


def update_event(
    w: Write, event: Event, changes: dict, *, basemaps: Collection[str] = ()
) -> Change[Event]:
    """Change an event's fields; the result is checked as a whole before it is kept."""
    if not isinstance(changes, dict) or not changes:
        raise InputError(N_("send the fields to change"))
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise InputError(N_("cannot change %(fields)s", fields=", ".join(sorted(unknown))))
    before = event_json(event)
    tz = timezone(changes) if "timezone" in changes else event.timezone
    starts = aware_datetime(changes, "starts_at", tz) if "starts_at" in changes else event.starts_at
    ends = aware_datetime(changes, "ends_at", tz) if "ends_at" in changes else event.ends_at
    if ends <= starts:
        raise InputError(N_("the end time must be after the start time"), "ends_at")
    rest = _hours(changes, "min_rest_hours", event.min_rest_hours, 0, 48)
    day = _hours(changes, "max_hours_per_day", event.max_hours_per_day, 1, 24)
    places = _geocodes(changes) if "geocodes" in changes else event.geocodes
    basemap = _basemap(changes, basemaps) if "basemap" in changes else event.basemap
    if "center" in changes:
        event.center_lat, event.center_lon = _center(changes) or (None, None)
    event.basemap = basemap
    event.timezone, event.starts_at, event.ends_at = tz, starts, ends
    event.min_rest_hours, event.max_hours_per_day = rest, day
    event.geocodes = places
    if "name" in changes:
        event.name = text(changes, "name")
    if "reach_rules" in changes:
        event.reach_rules = _reach_rules(changes)
    if "expected_attendance" in changes:
        number = optional_number(changes, "expected_attendance", maximum=DB_INT_MAX)
        event.expected_attendance = None if number is None else int(number)
    w.session.flush()
    after = event_json(event)
    return Change("event.update", f"event:{event.id}", after=after, before=before, result=event)


def delete_event(w: Write, event: Event) -> Change[None]:
    """Delete an event with everything planned for it (zones, periods, threats, deltas)."""
    before = event_json(event)
    w.session.delete(event)
    w.session.flush()
    return Change("event.delete", f"event:{before['id']}", before=before)


def _center(data: dict) -> tuple[float, float] | None:
    """Latitude, longitude in decimal degrees: "41.913, -87.625" or [41.913, -87.625]."""
    value = data.get("center")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    try:
        lat, lon = (float(v.strip() if isinstance(v, str) else v) for v in value)
    except (TypeError, ValueError):
        lat = lon = math.nan
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also false for nan and inf
        raise InputError(
            N_(
                "%(field)s must be a latitude (-90 to 90) and a longitude (-180 to 180) in "
                "decimal degrees, like 41.913, -87.625",
                field=field_words("center"),
            ),
            "center",
        )
    return round(lat, 6), round(lon, 6)


def _basemap(data: dict, known: Collection[str]) -> str | None:
    """One of the instance's basemaps by name, or None for the instance default."""
    name = data.get("basemap") or None
    if name is not None and name not in known:
        raise InputError(N_("there is no basemap named %(name)s", name=str(name)[:64]), "basemap")
    return name


def _reach_rules(data: dict) -> list | None:
    """How far each threat category reaches at this event: checked rules, or None for the
    defaults (storms within 8 miles reach every zone, NCTC cordons for suspicious items)."""
    if data.get("reach_rules") is None:
        return None
    try:
        return rules_to_json(rules_from_json(data["reach_rules"]))
    except ValueError as exc:
        raise InputError(message_of(exc), "reach_rules") from exc


def _geocodes(data: dict) -> list[str]:
    """The NWS codes of the places the event lies in, checked and written one way."""
    try:
        return geocodes.normalise_all(data["geocodes"] or [])
    except ValueError as exc:
        raise InputError(message_of(exc), "geocodes") from exc


def _hours(changes: dict, field: str, current: float, low: float, high: float) -> float:
    if field not in changes:
        return current
    value = optional_number(changes, field, minimum=low)
    if value is None or value > high:
        raise InputError(
            N_(
                "%(field)s must be between %(low)s and %(high)s hours",
                field=field_words(field),
                low=f"{low:g}",
                high=f"{high:g}",
            ),
            field,
        )
    return float(value)


def create_shift(w: Write, event: Event, data: dict) -> Change[Shift]:
    """An operational period of the event; times without an offset are the event's own."""
    starts = aware_datetime(data, "starts_at", event.timezone)
    ends = aware_datetime(data, "ends_at", event.timezone)
    if ends <= starts:
        raise InputError(N_("the end time must be after the start time"), "ends_at")
    shift = Shift(event=event, name=text(data, "name"), starts_at=starts, ends_at=ends)
    w.session.add(shift)
    w.session.flush()
    return Change("shift.create", f"shift:{shift.id}", after=shift_json(shift), result=shift)
