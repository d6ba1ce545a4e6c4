"""The clock and how times are written in JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime | None, tz: str | None = None) -> str | None:
    """ISO 8601 with its offset; in the time zone `tz` when given (an event's own)."""
    if value is None:
        return None
    return (value.astimezone(ZoneInfo(tz)) if tz else value).isoformat()
