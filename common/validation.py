"""Checks on input from people and integrations, with messages that name the field."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from common.fields import field_words
from common.messages import N_

# What XML 1.0 (the CAP feed out) cannot carry, nor a terminal show harmlessly: C0 controls
# and DEL, lone surrogates (which no database can store as UTF-8) and the two non-characters.
# Tab and line breaks are let through only in text that may run over several lines.
_CONTROLS = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CONTROLS_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# The narrowest whole-number column (PostgreSQL's integer: every id, count and sequence
# number): a number beyond it names no row, and storing one fails in the database.
DB_INT_MAX = 2**31 - 1


class InputError(ValueError):
    """Input that cannot be accepted; `field` names where the problem is."""

    def __init__(self, message: str, field: str | None = None) -> None:  # a Text, mostly
        super().__init__(message)
        self.field = field


class NotFound(LookupError):
    """What was asked for does not exist (answered with 404)."""


def require(data: dict, field: str) -> object:
    if not isinstance(data, dict):
        raise InputError(N_("expected a JSON object"))
    value = data.get(field)
    if value is None or value == "":
        raise InputError(N_("%(field)s is required", field=field_words(field)), field)
    return value


def has_controls(value: str, *, multiline: bool = False) -> bool:
    """Whether `value` holds a character that names and free text may not (see _CONTROLS)."""
    return (_CONTROLS_BUT_LINES if multiline else _CONTROLS).search(value) is not None


def text(
    data: dict, field: str, *, required: bool = True, max_len: int = 200, multiline: bool = False
) -> str:
    """A string field, stripped; control characters in it refused (tab and line breaks too,
    unless `multiline`)."""
    value = require(data, field) if required else data.get(field, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(N_("%(field)s must be a string", field=field_words(field)), field)
    if len(value) > max_len:
        raise InputError(
            N_(
                "%(field)s is longer than %(max_len)d characters",
                field=field_words(field),
                max_len=max_len,
            ),
            field,
        )
    value = value.strip()
    if has_controls(value, multiline=multiline):
        raise InputError(N_("%(field)s holds control characters", field=field_words(field)), field)
    return value


def timezone(data: dict, field: str = "timezone") -> str:
    name = text(data, field, max_len=64)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            N_("%(field)s: unknown time zone %(name)r", field=field_words(field), name=name), field
        ) from exc
    return name


def aware_datetime(data: dict, field: str, tz: str | None = None) -> datetime:
    """An ISO 8601 time; a time without an offset is read in `tz` (the event's zone)."""
    value = require(data, field)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise InputError(
            N_(
                "%(field)s: %(value)r is not an ISO 8601 date-time",
                field=field_words(field),
                value=value,
            ),
            field,
        ) from exc
    if parsed.tzinfo is None:
        if tz is None:
            raise InputError(
                N_(
                    "%(field)s: give a UTC offset, e.g. 2027-08-14T10:00:00-05:00",
                    field=field_words(field),
                ),
                field,
            )
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    try:
        parsed.astimezone(UTC)  # as it is stored: 9999-12-31 at -05:00 is past year 9999
    except OverflowError as exc:
        raise InputError(
            N_("%(field)s: %(value)r is out of range", field=field_words(field), value=value), field
        ) from exc
    return parsed


def is_record_id(value: object) -> bool:
    """A JSON value that can be a row's id: a whole number from 1 to DB_INT_MAX."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= DB_INT_MAX


def whole_number(written: str) -> int:
    """An id or count as a query string or form writes it: ASCII digits only (no sign,
    spaces, "1e3" or "²"), at most DB_INT_MAX; ValueError otherwise, so werkzeug's
    `args.get(name, type=whole_number)` answers None for it."""
    if not (written.isascii() and written.isdigit()) or len(written) > 10:
        raise ValueError(f"not a whole number up to {DB_INT_MAX}: {written[:20]!r}")
    number = int(written)
    if number > DB_INT_MAX:
        raise ValueError(f"not a whole number up to {DB_INT_MAX}: {written!r}")
    return number


def optional_number(
    data: dict, field: str, *, minimum: float = 0, maximum: float | None = None
) -> float | None:
    """A finite number from `minimum` (to `maximum`: one stored in a whole-number column
    must fit it), or None when absent."""
    value = data.get(field)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < minimum
    ):
        raise InputError(
            N_(
                "%(field)s must be a number of at least %(minimum)s",
                field=field_words(field),
                minimum=minimum,
            ),
            field,
        )
    if maximum is not None and value > maximum:
        raise InputError(
            N_("%(field)s must be at most %(maximum)s", field=field_words(field), maximum=maximum),
            field,
        )
    return value
