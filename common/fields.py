"""The API's field keys as a person names them in a message: `starts_at` is "start time".
The key itself stays in the error's `field` (machine-readable); only the words change."""

from __future__ import annotations

from common.messages import N_

FIELD_WORDS = {
    "name": N_("name"),
    "kind": N_("kind"),
    "note": N_("note"),
    "url": N_("address (URL)"),
    "at": N_("time"),
    "starts_at": N_("start time"),
    "ends_at": N_("end time"),
    "timezone": N_("time zone"),
    "center": N_("the place the map opens on"),
    "expected_attendance": N_("expected attendance"),
    "min_rest_hours": N_("minimum rest (hours)"),
    "max_hours_per_day": N_("maximum hours per day"),
    "interval_s": N_("poll interval (seconds)"),
    "event_id": N_("event"),
    "zone_id": N_("zone"),
    "shift_id": N_("operational period"),
    "shift": N_("operational period"),
    "person_id": N_("person"),
    "threat_id": N_("threat"),
    "role": N_("role"),
    "required": N_("number required"),
    "required_count": N_("number required"),
    "agency": N_("agency"),
    "unit": N_("unit"),
    "badge": N_("badge"),
    "phone": N_("phone"),
    "plate": N_("plate"),
    "label": N_("label"),
    "communications": N_("communications"),
    "special_instructions": N_("special instructions"),
}


def field_words(field: str) -> str:
    """The words for a field key (translated where the message is said), else the key."""
    return FIELD_WORDS.get(field, field)
