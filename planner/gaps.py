"""Required vs assigned head counts per zone, shift and role, and what to suggest."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from planner.staffing import Assignment, Need, Period

CROWD_MANAGER_RATIO = 250  # attendees per crowd manager (NFPA 101 / Green Guide)
MIN_CROWD_MANAGERS = 2
CROWD_KINDS = ("crowd", "vip", "gate")
CRITICAL_BELOW = 0.5  # under half the required head count, a zone is critical


@dataclass(frozen=True)
class Gap:
    zone_id: int
    shift_id: int
    role: str
    required: int
    assigned: int
    on_duty: int | None = None  # checked in now; None where there is no live count

    @property
    def short(self) -> int:
        return max(self.required - self.assigned, 0)

    @property
    def short_now(self) -> int:
        """What is missing on the ground: required vs on duty when known, else assigned."""
        have = self.assigned if self.on_duty is None else self.on_duty
        return max(self.required - have, 0)

    @property
    def surplus(self) -> int:
        return max(self.assigned - self.required, 0)


def gaps(needs: Iterable[Need], assignments: Iterable[Assignment]) -> list[Gap]:
    """One row per (zone, shift, role) that is required or staffed, sorted."""
    required = {(n.zone_id, n.shift_id, n.role): n.required for n in needs}
    assigned = Counter((a.zone_id, a.shift_id, a.role) for a in assignments)
    keys = sorted(set(required) | set(assigned))
    return [Gap(*key, required.get(key, 0), assigned.get(key, 0)) for key in keys]


def active_shift_ids(periods: Iterable[Period], at: datetime) -> set[int]:
    """The shifts in force at an instant (start inclusive, end exclusive)."""
    return {p.id for p in periods if p.starts_at <= at < p.ends_at}


def with_on_duty(rows: Iterable[Gap], on_duty: Mapping[tuple[int, str], int]) -> list[Gap]:
    """The rows with live on-duty counts; people on duty where nothing is required appear too."""
    rows = list(rows)
    seen = {(r.zone_id, r.role) for r in rows}
    out = [Gap(r.zone_id, r.shift_id, r.role, r.required, r.assigned,
               on_duty.get((r.zone_id, r.role), 0)) for r in rows]  # fmt: skip
    out += [Gap(z, -1, role, 0, 0, n) for (z, role), n in sorted(on_duty.items())
            if (z, role) not in seen]  # fmt: skip
    return out


def at_instant(rows: Iterable[Gap], shift_ids: set[int]) -> list[Gap]:
    """Rows of the active shifts, summed per zone and role (shifts may overlap)."""
    required: Counter = Counter()
    assigned: Counter = Counter()
    for row in rows:
        if row.shift_id in shift_ids:
            required[(row.zone_id, row.role)] += row.required
            assigned[(row.zone_id, row.role)] += row.assigned
    keys = sorted(set(required) | set(assigned))
    return [Gap(z, -1, r, required[(z, r)], assigned[(z, r)]) for z, r in keys]


@dataclass(frozen=True)
class Coverage:
    required: int
    assigned: int
    short: int
    status: str  # "none" (nothing required), "covered", "short", "critical"


def zone_coverage(rows: Iterable[Gap], *, live: bool = False) -> dict[int, Coverage]:
    """Per zone: covered when no role is short; critical under half of what is required.
    `live` counts the people on duty now instead of those assigned."""
    totals: dict[int, list[int]] = {}
    for row in rows:
        have = row.on_duty if live and row.on_duty is not None else row.assigned
        t = totals.setdefault(row.zone_id, [0, 0, 0])
        t[0] += row.required
        t[1] += min(have, row.required)
        t[2] += max(row.required - have, 0)
    return {
        zone: Coverage(req, have, short, _status(req, have, short))
        for zone, (req, have, short) in totals.items()
    }


def _status(required: int, covered: int, short: int) -> str:
    if required == 0:
        return "none"
    if short == 0:
        return "covered"
    return "critical" if covered < required * CRITICAL_BELOW else "short"


def crowd_managers(occupancy: float) -> int:
    """Crowd managers for an occupancy: 1 per 250, and never fewer than 2."""
    return max(MIN_CROWD_MANAGERS, math.ceil(occupancy / CROWD_MANAGER_RATIO))


def occupancies(
    capacities: Mapping[int, int | None], kinds: Mapping[int, str], attendance: int | None
) -> dict[int, float]:
    """Expected people per crowd zone: its capacity, scaled down when the whole event
    expects fewer people than its crowd zones could hold."""
    crowd = {z: c for z, c in capacities.items() if c and kinds.get(z) in CROWD_KINDS}
    total = sum(crowd.values())
    scale = 1.0 if not attendance or not total else min(1.0, attendance / total)
    return {z: c * scale for z, c in crowd.items()}
