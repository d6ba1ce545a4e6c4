"""The words the interface shows for stored codes (statuses, severities, kinds, states).

The codes stay English in the database and the API; only their labels are translated.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "threat_status": {
        "new": _l("new"),
        "acknowledged": _l("acknowledged"),
        "assigned": _l("assigned"),
        "resolved": _l("resolved"),
        "dismissed": _l("dismissed"),
    },
    "severity": {
        "extreme": _l("extreme"),
        "severe": _l("severe"),
        "moderate": _l("moderate"),
        "minor": _l("minor"),
        "unknown": _l("unknown"),
    },
    "zone_kind": {
        "crowd": _l("crowd"),
        "vip": _l("VIP"),
        "gate": _l("gate"),
        "perimeter": _l("perimeter"),
        "staging": _l("staging"),
        "medical": _l("medical"),
        "command_post": _l("command post"),
        "water": _l("water"),
        "airspace": _l("airspace"),
    },
    "feed_state": {
        "ok": _l("ok"),
        "new": _l("new"),
        "paused": _l("paused"),
        "failing": _l("failing"),
        "backing off": _l("backing off"),
        "blocked": _l("blocked"),
        "partial": _l("partial"),
    },
    "duty": {
        "on_duty": _l("on duty"),
        "off_duty": _l("off duty"),
        "diverted": _l("diverted"),
        "planned": _l("posted, not checked in"),
    },
    # The default reach rules' categories (planner.reach.DEFAULT_RULES) as a person names
    # them; an event's own rule is named by its category as the planner wrote it.
    "reach_rule": {
        "lightning": _l("lightning"),
        "severe thunderstorm": _l("severe thunderstorm"),
        "car bomb": _l("car bomb"),
        "vehicle bomb": _l("vehicle bomb"),
        "suspicious vehicle": _l("suspicious vehicle"),
        "suitcase": _l("suitcase"),
        "suspicious package": _l("suspicious package"),
        "suspicious item": _l("suspicious item"),
        "pipe bomb": _l("pipe bomb"),
        "drone": _l("drone"),
        "unmanned aircraft": _l("unmanned aircraft"),
    },
    "reach_origin": {
        "default rule": _l("default rule"),
        "event rule": _l("this event's rule"),
        "alert area": _l("the alert's own area"),
    },
    "role": {
        "admin": _l("admin"),
        "commander": _l("commander"),
        "planner": _l("planner"),
        "partner": _l("partner"),
    },
}


def label(group: str, code: str | None) -> str:
    """The translated word for a code, or the code itself when it has none."""
    if code is None:
        return ""
    found = LABELS.get(group, {}).get(code)
    return str(found) if found is not None else code


def labels(group: str) -> dict[str, str]:
    """One group's labels as plain strings (for a page's script)."""
    return {code: str(text) for code, text in LABELS[group].items()}
