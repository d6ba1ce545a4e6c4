"""Alerts that say where they apply only by place codes (SAME, UGC): which of an event's
places they name, and how a threat that reaches a whole event says so."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from planner import geocodes
from planner.counties import described
from threats.feeds.cap import Alert


def alert_places(alert: Alert, declared: Sequence[str]) -> list[str]:
    """The declared codes that an area of the alert with no polygon or circle names. An
    area with a shape is matched by its shape alone, whatever codes it also carries."""
    if not declared:
        return []
    named = {
        code
        for info in alert.infos
        for area in info.areas
        if area.geometry is None
        for code in geocodes.alert_codes(area.geocodes)
    }
    return geocodes.matching(declared, named)


def unplaced(alerts: Iterable[Alert], declared: Iterable[Sequence[str]]) -> list[Alert]:
    """The actual alerts and updates with no shape at all whose codes none of the events'
    declared codes match: placed in no event. Cancels place nothing, so are not counted."""
    events = [codes for codes in declared if codes]
    return [
        a
        for a in alerts
        if a.status == "Actual"
        and a.msg_type in ("Alert", "Update")
        and a.geometry is None
        and not any(alert_places(a, codes) for codes in events)
    ]


def whole_event(codes: Iterable[str]) -> str:
    """'whole event: Cook County, IL (SAME 017031)', in English: the API's sentence."""
    parts = [
        f"{p['name']} ({p['kind']} {p['code']})" if p["name"] else f"{p['kind']} {p['code']}"
        for p in described(codes)
    ]
    return "whole event: " + "; ".join(parts)
