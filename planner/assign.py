"""Filling zone x shift x role needs with people: a greedy baseline and a two-stage solver.

The hard rules depend only on which shifts a person works, not where. So stage 1 chooses who
works each (shift, role), as a MILP whose optimum is the proven maximum coverage, and stage 2
seats them in that shift's zones: a person's usual zone first, then beside their unit.

Stage 1 counts crews, not people: people with the same wanted roles and free shifts are
interchangeable, which folds thousands of people into a few dozen crews. The counts are then
handed to named people, which the shape of the rules (an interval graph) always allows.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from common.messages import N_
from planner.crews import SolverFailed, milp
from planner.staffing import (
    Assignment,
    Ledger,
    Need,
    Period,
    Person,
    Rules,
    violations,
)

Key = tuple[int, str]  # (shift_id, role)
SOLVER_SHARE = 0.85  # of the time left, for HiGHS; the rest seats people and checks the plan


@dataclass(frozen=True)
class Unfilled:
    need: Need
    missing: int
    reason: str


@dataclass(frozen=True)
class Shortage:
    """Why one role is short in one shift: of the people available who hold the role, how
    many work it there, and what rule keeps each of the others off it."""

    shift_id: int
    role: str
    required: int  # over the shift's zones
    available: int  # available to the event and holding the role
    assigned: int  # working the role in this shift (kept and new assignments)
    by_rest: int  # would rest too little between this shift and another of theirs
    by_hours: int  # would pass the maximum hours in a day
    by_overlap: int  # already work a shift overlapping it (or this one, in another role)
    free: int  # none of those: the solver left them (only when stopped early)
    short: int  # places still empty, zone by zone


@dataclass
class Plan:
    assignments: list[Assignment]  # new ones only; existing assignments are kept as they are
    unfilled: list[Unfilled]
    filled: int  # over all needs, existing and new assignments together
    required: int
    bound: int  # proven upper bound on `filled`
    optimal: bool
    seconds: float
    method: str
    shortages: list[Shortage] = field(default_factory=list)


def _open_needs(needs: Sequence[Need], existing, periods) -> dict[Need, int]:
    """What each need still lacks once existing assignments are counted."""
    have = Counter((a.zone_id, a.shift_id, a.role) for a in set(existing))
    open_: dict[Need, int] = {}
    keys = set()
    for n in needs:
        key = (n.zone_id, n.shift_id, n.role)
        if key in keys or n.shift_id not in periods or n.required < 0:
            raise ValueError(f"{n}: a duplicate, an unknown shift or a negative head count")
        keys.add(key)
        open_[n] = max(0, n.required - have[key])
    return open_


def _demand(open_needs: Mapping[Need, int]) -> Counter:
    demand: Counter = Counter()
    for need, missing in open_needs.items():
        if missing:
            demand[(need.shift_id, need.role)] += missing
    return demand


def _choose(ledger: Ledger, demand: Mapping[Key, int], chosen: dict[Key, list[int]]) -> None:
    """Greedy stage 1, in place: scarcest roles first, then people with the fewest hours."""
    holders = defaultdict(list)
    for pid, person in sorted(ledger.people.items()):
        for role in person.roles:
            holders[role].append(pid)
    for s, role in sorted(demand, key=lambda k: (len(holders[k[1]]), ledger.start(k[0]), k)):
        want = demand[(s, role)] - len(chosen.setdefault((s, role), []))
        if want <= 0:
            continue
        mates = Counter(
            ledger.people[p].team for (t, _), ps in chosen.items() if t == s for p in ps
        )
        mates[None] = 0
        fit = [pid for pid in holders[role] if ledger.fits(pid, s)]
        fit.sort(key=lambda p: (round(ledger.total[p], 3), -mates[ledger.people[p].team], p))
        for pid in fit[:want]:
            ledger.take(pid, s)
            chosen[(s, role)].append(pid)


def _place(ledger: Ledger, chosen, open_needs, existing) -> list[Assignment]:
    """Stage 2: seat each (shift, role)'s people in its zones, usual zone first, then units."""
    home: dict[int, Counter] = defaultdict(Counter)
    crew: dict[tuple, Counter] = defaultdict(Counter)
    for a in existing:
        home[a.person_id][a.zone_id] += 1
        crew[(ledger.people[a.person_id].team, a.shift_id)][a.zone_id] += 1
    room: dict[Key, dict[int, int]] = defaultdict(dict)
    for need, missing in open_needs.items():
        if missing:
            room[(need.shift_id, need.role)][need.zone_id] = missing
    new = []
    for s, role in sorted(chosen, key=lambda k: (ledger.start(k[0]), k)):
        seats = room[(s, role)]
        unit_of = {p: ledger.people[p].team for p in chosen[(s, role)]}
        order = sorted(chosen[(s, role)], key=lambda p: (not home[p], unit_of[p] or ("",), p))
        for pid in order:
            mates = crew[(unit_of[pid], s)] if unit_of[pid] else Counter()
            zone = max(
                (z for z, n in seats.items() if n),
                key=lambda z: (home[pid][z], mates[z], seats[z], -z),
            )
            seats[zone] -= 1
            home[pid][zone] += 1
            mates[zone] += 1
            new.append(Assignment(pid, zone, s, role))
    return new


def shortages(
    ledger: Ledger,
    missing: Mapping[Key, int],
    required: Mapping[Key, int],
    plan: Sequence[Assignment],
) -> list[Shortage]:
    """Each short (shift, role) explained by counts; `ledger` holds the whole plan."""
    working: dict[Key, set[int]] = defaultdict(set)
    for a in plan:
        working[(a.shift_id, a.role)].add(a.person_id)
    found = []
    for shift_id, role in sorted(missing, key=lambda k: (ledger.start(k[0]), k)):
        holders = [pid for pid, p in ledger.people.items() if role in p.roles]
        here = working[(shift_id, role)]
        why: Counter = Counter(
            _kept_off(ledger, pid, shift_id) for pid in holders if pid not in here
        )
        found.append(
            Shortage(
                shift_id,
                role,
                required[(shift_id, role)],
                len(holders),
                len(here),
                why["rest"],
                why["hours"],
                why["overlap"],
                why["free"],
                missing[(shift_id, role)],
            )
        )
    return found


def _kept_off(ledger: Ledger, pid: int, shift_id: int) -> str:
    """The first hard rule that keeps a person off a shift, given the shifts they work."""
    mine = ledger.shifts_of.get(pid, set())
    if not ledger.overlaps[shift_id].isdisjoint(mine):
        return "overlap"
    if not ledger.clash[shift_id].isdisjoint(mine):
        return "rest"
    return "free" if ledger.fits(pid, shift_id) else "hours"


def reason(shortage: Shortage) -> str:
    """One need's reason, in a planner's words (the shift is named where it is shown)."""
    if not shortage.available:
        return N_("no one available to this event holds the role %(role)s", role=shortage.role)
    return N_(
        "%(available)d available hold the role %(role)s: %(assigned)d assigned, "
        "%(rest)d blocked by rest, %(hours)d by max hours, %(overlap)d by overlap",
        available=shortage.available,
        role=shortage.role,
        assigned=shortage.assigned,
        rest=shortage.by_rest,
        hours=shortage.by_hours,
        overlap=shortage.by_overlap,
    )


def _finish(ledger, open_needs, chosen, existing, method: str, bound: int | None, t0) -> Plan:
    """Seat the chosen people, count what is filled and why the rest is not, check the rules."""
    new = _place(ledger, chosen, open_needs, existing)
    placed = Counter((a.zone_id, a.shift_id, a.role) for a in new)
    short: list[tuple[Need, int]] = []
    per_key: Counter = Counter()
    filled = required = 0
    for need, missing in open_needs.items():
        missing -= placed[(need.zone_id, need.shift_id, need.role)]
        required += need.required
        filled += need.required - missing
        per_key[(need.shift_id, need.role)] += need.required
        if missing > 0:
            short.append((need, missing))
    args = (ledger.people, ledger.periods, ledger.rules, ledger.tz)
    whole = Ledger.of(*args[:2], [*existing, *new], *args[2:])
    missing_by_key: Counter = Counter()
    for need, missing in short:
        missing_by_key[(need.shift_id, need.role)] += missing
    explained = shortages(whole, missing_by_key, per_key, [*existing, *new])
    reasons = {(s.shift_id, s.role): reason(s) for s in explained}
    unfilled = [Unfilled(n, m, reasons[(n.shift_id, n.role)]) for n, m in short]
    broken = set(violations([*existing, *new], *args)) - set(violations(existing, *args))
    if broken:
        raise SolverFailed(f"{method} plan broke a rule: {min(broken)}")
    bound = required if bound is None else bound
    seconds = time.perf_counter() - t0
    optimal = filled == bound
    return Plan(new, unfilled, filled, required, bound, optimal, seconds, method, explained)


def greedy(
    people: Mapping[int, Person],
    periods: Mapping[int, Period],
    needs: Sequence[Need],
    existing: Sequence[Assignment],
    rules: Rules,
    tz: ZoneInfo,
) -> Plan:
    """An instant plan and the baseline: no proof of optimality, bound = required."""
    t0 = time.perf_counter()
    ledger = Ledger.of(people, periods, existing, rules, tz)
    open_needs = _open_needs(needs, existing, periods)
    chosen: dict[Key, list[int]] = defaultdict(list)
    _choose(ledger, _demand(open_needs), chosen)
    return _finish(ledger, open_needs, chosen, existing, "greedy", None, t0)


def solve(
    people: Mapping[int, Person],
    periods: Mapping[int, Period],
    needs: Sequence[Need],
    existing: Sequence[Assignment],
    rules: Rules,
    tz: ZoneInfo,
    *,
    time_limit_s: float = 5.0,
) -> Plan:
    """The most needs a valid plan can fill, proven when `optimal`; greedy if the solver fails."""
    t0 = time.perf_counter()
    ledger = Ledger.of(people, periods, existing, rules, tz)
    open_needs = _open_needs(needs, existing, periods)
    demand = _demand(open_needs)
    try:
        left = time_limit_s - (time.perf_counter() - t0)
        chosen, stage_bound = milp(ledger, demand, SOLVER_SHARE * left)
        # Top up a plan the solver had to stop early, so each unfilled need's reason holds.
        _choose(ledger, demand, chosen)
        bound = min(sum(n.required for n in open_needs), stage_bound + _already(open_needs))
        plan = _finish(ledger, open_needs, chosen, existing, "milp", bound, t0)
    except SolverFailed as exc:
        plan = greedy(people, periods, needs, existing, rules, tz)
        plan.method = f"greedy ({exc})"
    if not plan.optimal and plan.method == "milp":  # stopped early, it may trail the baseline
        quick = greedy(people, periods, needs, existing, rules, tz)
        if quick.filled > plan.filled:
            quick.bound, quick.optimal = plan.bound, quick.filled == plan.bound
            plan, plan.method = quick, "greedy (more than the unfinished milp)"
    plan.seconds = time.perf_counter() - t0
    return plan


def _already(open_needs: Mapping[Need, int]) -> int:
    """Slots that existing assignments fill."""
    return sum(need.required - missing for need, missing in open_needs.items())
