"""Who is on duty where, now: the command post's check-ins, out and diversions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

STATUSES = ("on_duty", "off_duty", "diverted")


@dataclass(frozen=True)
class DutyState:
    person_id: int
    status: str
    zone_id: int | None
    role: str
    threat_id: int | None
    at: datetime


def latest(states: Iterable[DutyState]) -> dict[int, DutyState]:
    """Each person's latest state; later reports win, and so does the later of two at one time."""
    out: dict[int, DutyState] = {}
    for state in states:
        known = out.get(state.person_id)
        if known is None or state.at >= known.at:
            out[state.person_id] = state
    return out


def on_duty(states: Iterable[DutyState]) -> Counter:
    """People on duty per (zone, role); a diverted person is at an incident, not in a zone."""
    return Counter(
        (s.zone_id, s.role) for s in states if s.status == "on_duty" and s.zone_id is not None
    )
