"""What a partner's copy of a record leaves out: maps/redact.py's allow-lists, the fields
beyond them that staff read, and the keys of an answer, to look for those in."""

from __future__ import annotations

from common.audience import FEED_FIELDS, THREAT_FIELDS, ZONE_FIELDS

# What a staff copy of a threat, zone or feed holds beyond its allow-list in maps/redact.py.
# test_authorization_matrix's staff walks check this against the real answers, so a new
# field must be placed, here or in an allow-list.
ALLOWED = {"threat": THREAT_FIELDS, "zone": ZONE_FIELDS, "feed": FEED_FIELDS}
WITHHELD = {
    "threat": frozenset(
        {
            *("title", "description", "source", "source_id", "reported_by"),
            *("assignee", "closed_reason", "staffing_now", "log", "texts"),
            "diverted",  # who was sent to it: names, never partners'
        }
    ),
    "zone": frozenset({"event_id", "notes"}),
    "feed": frozenset(
        {
            *("name", "url", "interval_s", "enabled", "last_polled_at", "lag_s", "last_error"),
            *("last_error_at", "consecutive_failures", "next_attempt_at", "circuit_open_until"),
            *("item_count", "screen_non_targets", "unplaced_count", "push"),
            *("field_map", "field_guess", "field_roles"),  # a partner has no use for our columns
            "credential",  # its kind only, even for staff
        }
    ),
}
# Keys no allow-list lets through, whatever the record: never in a partner's answer.
NEVER_FOR_PARTNERS = frozenset().union(*WITHHELD.values()) - frozenset().union(*ALLOWED.values())


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value))
    return set()
