"""What partner agencies may see: an allow-list per delta kind, applied before emitting."""

from __future__ import annotations

# Free text, notice ids and anything naming a watchlist subject are withheld: only the
# fields below leave the server for a partner room. A CAP alert's `instruction` is what its
# sender tells the public to do, so partners read it (not a watchlist match's, which may
# name its subject).
THREAT_FIELDS = frozenset(
    {
        "id",
        "event_id",
        "kind",
        "language",  # of the kind's words: a partner's CAP reader needs it, it names no one
        "category",
        "severity",
        "urgency",
        "certainty",
        "status",
        "zones",
        "scope",
        "places",  # public NWS place codes and county names: how far an alert reaches
        "reach",
        # Which reach rule decided its zones and how far (planner.reach.decided_by), and the
        # area that measures (GET /threats/<id> only): the event's rules, no one's name.
        "reach_rule",
        "reach_outline",
        "point",
        "sent_at",
        "expires_at",
        "first_seen",  # when it was received: partners see how long it has waited
        "instruction",
        "updated_at",
    }
)
FEED_FIELDS = frozenset(
    {"id", "kind", "state", "healthy", "last_success_at", "event_id", "timezone"}
)
ZONE_FIELDS = frozenset({"id", "name", "kind", "area_m2", "capacity", "density"})


def _only(data: dict, allowed: frozenset[str]) -> dict:
    return {k: v for k, v in data.items() if k in allowed}


def threat_for_partner(feature: dict) -> dict:
    properties = _only(feature.get("properties", {}), THREAT_FIELDS)
    if "watchlist" in (feature["properties"].get("category") or "").split(","):
        properties.pop("kind", None)
        properties.pop("instruction", None)
    return {**feature, "properties": properties}


def zone_for_partner(feature: dict) -> dict:
    return {**feature, "properties": _only(feature.get("properties", {}), ZONE_FIELDS)}


def feed_for_partner(status: dict) -> dict:
    """A feed's health without its name, URL or error text."""
    return _only(status, FEED_FIELDS)


def staffing_for_partner(data: dict) -> dict:
    """Counts per zone only: how staffed a zone is, never who is there."""
    keep = ("status", "required", "on_duty", "short")
    zones = {z: {k: v for k, v in c.items() if k in keep} for z, c in data.get("zones", {}).items()}
    return {"at": data.get("at"), "zones": zones}


REDACTORS = {
    "staffing_changed": staffing_for_partner,
    "threat_created": threat_for_partner,
    "threat_updated": threat_for_partner,
    "zone_changed": zone_for_partner,
    "feed_status": feed_for_partner,
}


def for_partner(kind: str, data: dict) -> dict:
    """The partner copy of a delta's data; an unknown kind keeps its place but no data,
    so a partner's sequence has no holes and nothing new leaks by default."""
    redactor = REDACTORS.get(kind)
    return redactor(data) if redactor else {}
