"""Versions of stored things, so that a write based on an old reading cannot silently undo
someone else's change (optimistic concurrency).

A zone's or threat's version is when it last changed (its `updated_at`, set by every write)
in whole milliseconds since 1970: the API sends it as the ETag of a read and takes it back
in If-Match on a write, and the pages already know it for every zone and threat they show.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def version_of(changed_at: datetime) -> str:
    """The version of what last changed at `changed_at` (an aware time)."""
    return str((changed_at - EPOCH) // timedelta(milliseconds=1))


class Conflict(Exception):
    """A write based on a version that is no longer current (answered with 409 and the
    current state, so the writer can look again before trying again)."""

    def __init__(self, message: str, current: dict, version: str) -> None:  # a Text, mostly
        super().__init__(message)
        self.current, self.version = current, version


def check_version(
    version: str, seen: Collection[str] | None, message: str, current: Callable[[], dict]
) -> None:
    """Nothing when the write names no version (`seen` is None: an older client, which
    keeps writing as before), "*", or the current one; else Conflict with `current()`."""
    if seen is None or "*" in seen or version in seen:
        return
    raise Conflict(message, current(), version)
