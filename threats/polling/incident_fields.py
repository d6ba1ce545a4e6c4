"""What an incident feed source may say about its own columns and time zone, checked once
for the page and the API alike (feed_service calls these)."""

from __future__ import annotations

from common.messages import N_
from common.validation import InputError, text, timezone
from threats.feeds.fields import MAP_KEYS, fields_in_use


def field_map(data: dict) -> dict[str, str] | None:
    """{"id": "case_number", "time": "date", ...}: only known roles, each a column name;
    empty names are dropped (that role is guessed), and an empty map is None."""
    value = data.get("field_map")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InputError(N_("field_map must be an object of role: column"), "field_map")
    unknown = sorted(set(value) - set(MAP_KEYS))
    if unknown:
        raise InputError(
            N_(
                "field_map cannot name %(roles)s; the roles are %(known)s",
                roles=", ".join(map(str, unknown)),
                known=", ".join(MAP_KEYS),
            ),
            "field_map",
        )
    named = {role: _column(role, value[role]) for role in MAP_KEYS if role in value}
    return {role: column for role, column in named.items() if column} or None


def _column(role: str, column: object) -> str:
    """A column name, its error named after where it sits: `field_map.id must be a string`."""
    where = f"field_map.{role}"
    return text({where: column}, where, required=False)


def feed_timezone(data: dict) -> str | None:
    """An IANA zone name for the feed's floating times, or None for the event's own."""
    if data.get("timezone") in (None, ""):
        return None
    return timezone(data)


def fields_shown(mapped: dict | None, guess: dict | None) -> list[dict]:
    """Each role with the column read for it and whether that column was guessed."""
    in_use = fields_in_use(mapped, guess or {})
    return [
        {"role": role, "column": in_use[role], "guessed": not (mapped or {}).get(role)}
        for role in MAP_KEYS
        if role in in_use
    ]
