"""Filling zone x shift x role needs with people: a greedy baseline and a two-stage solver.

The hard rules depend only on which shifts a person works, not where, so stage 1 chooses
people per (shift, role), as a MILP whose optimum is the proven maximum coverage, and
stage 2 seats the chosen people in that shift's zones: a person's usual zone first, then
beside the rest of their unit.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from math import floor
from zoneinfo import ZoneInfo

import numpy as np

from planner.staffing import (
    EPSILON_H,
    Assignment,
    Need,
    Period,
    Person,
    Rules,
    conflicts,
    hours_by_day,
    overlap,
    violations,
)

try:
    import highspy
except ImportError:  # the greedy plan still works without the solver
    highspy = None

Key = tuple[int, str]  # (shift_id, role)


@dataclass(frozen=True)
class Unfilled:
    need: Need
    missing: int
    reason: str


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


class _SolverFailed(RuntimeError):
    """The MILP gave no usable plan; the caller falls back to greedy."""


@dataclass
class _Book:
    """Who works which shifts and how many hours each day, so a rule check is a few look-ups."""

    people: Mapping[int, Person]
    periods: Mapping[int, Period]
    rules: Rules
    tz: ZoneInfo
    clash: dict[int, set[int]]  # shift -> shifts one person cannot also work (itself included)
    overlaps: dict[int, set[int]]
    day_hours: dict[int, dict[date, float]]
    shifts_of: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    hours_on: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    total: Counter = field(default_factory=Counter)
    heaviest: dict = field(default_factory=dict)  # cache for _heaviest

    def fits(self, person_id: int, shift_id: int) -> bool:
        if not self.clash[shift_id].isdisjoint(self.shifts_of.get(person_id, ())):
            return False
        used = self.hours_on.get(person_id, {})
        cap = self.rules.max_hours_per_day + EPSILON_H
        return all(used.get(d, 0.0) + h <= cap for d, h in self.day_hours[shift_id].items())

    def take(self, person_id: int, shift_id: int) -> None:
        if shift_id in self.shifts_of[person_id]:
            return
        self.shifts_of[person_id].add(shift_id)
        for day, hours in self.day_hours[shift_id].items():
            self.hours_on[person_id][day] += hours
            self.total[person_id] += hours

    def start(self, shift_id: int) -> float:
        return self.periods[shift_id].starts_at.timestamp()


def _book(people, periods, existing, rules: Rules, tz: ZoneInfo) -> _Book:
    """Clashes between every two shifts close enough in time, and the existing work."""
    clash = {s: {s} for s in periods}
    overlaps = {s: {s} for s in periods}
    order = sorted(periods.values(), key=lambda p: p.starts_at.timestamp())
    reach = rules.min_rest.total_seconds()
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            if b.starts_at.timestamp() >= a.ends_at.timestamp() + reach:
                break
            if conflicts(a, b, rules):
                clash[a.id].add(b.id), clash[b.id].add(a.id)
            if overlap(a, b):
                overlaps[a.id].add(b.id), overlaps[b.id].add(a.id)
    day_hours = {s: hours_by_day(p, tz) for s, p in periods.items()}
    book = _Book(people, periods, rules, tz, clash, overlaps, day_hours)
    for a in existing:
        if a.person_id not in people or a.shift_id not in periods:
            raise ValueError(f"existing {a} names an unknown person or shift")
        book.take(a.person_id, a.shift_id)
    return book


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


def _unit(person: Person) -> tuple[str, str] | None:
    return (person.agency, person.unit) if person.unit else None


def _choose(book: _Book, demand: Mapping[Key, int], chosen: dict[Key, list[int]]) -> None:
    """Greedy stage 1, in place: scarcest roles first, then people with the fewest hours."""
    holders = defaultdict(list)
    for pid, person in sorted(book.people.items()):
        for role in person.roles:
            holders[role].append(pid)
    for s, role in sorted(demand, key=lambda k: (len(holders[k[1]]), book.start(k[0]), k)):
        want = demand[(s, role)] - len(chosen[(s, role)])
        if want <= 0:
            continue
        mates = Counter(_unit(book.people[p]) for k, ps in chosen.items() if k[0] == s for p in ps)
        mates[None] = 0
        fit = [pid for pid in holders[role] if book.fits(pid, s)]
        fit.sort(key=lambda p: (round(book.total[p], 3), -mates[_unit(book.people[p])], p))
        for pid in fit[:want]:
            book.take(pid, s)
            chosen[(s, role)].append(pid)


def _place(book: _Book, chosen, open_needs, existing) -> list[Assignment]:
    """Stage 2: seat each (shift, role)'s people in its zones, usual zone first, then units."""
    home: dict[int, Counter] = defaultdict(Counter)
    crew: dict[tuple, Counter] = defaultdict(Counter)
    for a in existing:
        home[a.person_id][a.zone_id] += 1
        crew[(_unit(book.people[a.person_id]), a.shift_id)][a.zone_id] += 1
    room: dict[Key, dict[int, int]] = defaultdict(dict)
    for need, missing in open_needs.items():
        if missing:
            room[(need.shift_id, need.role)][need.zone_id] = missing
    new = []
    for s, role in sorted(chosen, key=lambda k: (book.start(k[0]), k)):
        seats = room[(s, role)]
        unit_of = {p: _unit(book.people[p]) for p in chosen[(s, role)]}
        order = sorted(unit_of, key=lambda p: (not home[p], unit_of[p] or ("", ""), p))
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


def _reason(book: _Book, shift_id: int, role: str) -> str:
    qualified = [pid for pid, p in book.people.items() if role in p.roles]
    if not qualified:
        return f"no one holds the role {role}"
    busy = book.overlaps[shift_id]
    if all(not busy.isdisjoint(book.shifts_of.get(pid, ())) for pid in qualified):
        return "everyone qualified is already working at that time"
    return "rest or hours rules leave no one free"


def _finish(book, open_needs, chosen, existing, method: str, bound: int | None, t0) -> Plan:
    """Seat the chosen people, count what is filled and why the rest is not, check the rules."""
    new = _place(book, chosen, open_needs, existing)
    placed = Counter((a.zone_id, a.shift_id, a.role) for a in new)
    unfilled, reasons, filled, required = [], {}, 0, 0
    for need, missing in open_needs.items():
        missing -= placed[(need.zone_id, need.shift_id, need.role)]
        required += need.required
        filled += need.required - missing
        if missing > 0:
            key = (need.shift_id, need.role)
            reasons[key] = reasons.get(key) or _reason(book, *key)
            unfilled.append(Unfilled(need, missing, reasons[key]))
    args = (book.people, book.periods, book.rules, book.tz)
    broken = set(violations([*existing, *new], *args)) - set(violations(existing, *args))
    if broken:
        raise _SolverFailed(f"{method} plan broke a rule: {min(broken)}")
    bound = required if bound is None else bound
    seconds = time.perf_counter() - t0
    return Plan(new, unfilled, filled, required, bound, filled == bound, seconds, method)


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
    book = _book(people, periods, existing, rules, tz)
    open_needs = _open_needs(needs, existing, periods)
    chosen: dict[Key, list[int]] = defaultdict(list)
    _choose(book, _demand(open_needs), chosen)
    return _finish(book, open_needs, chosen, existing, "greedy", None, t0)


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
    book = _book(people, periods, existing, rules, tz)
    open_needs = _open_needs(needs, existing, periods)
    demand = _demand(open_needs)
    try:
        chosen, stage_bound = _milp(book, demand, time_limit_s - (time.perf_counter() - t0))
        # Top up a plan the solver had to stop early, so each unfilled need's reason holds.
        _choose(book, demand, chosen)
        already = sum(n.required - missing for n, missing in open_needs.items())
        return _finish(book, open_needs, chosen, existing, "milp", already + stage_bound, t0)
    except _SolverFailed as exc:
        plan = greedy(people, periods, needs, existing, rules, tz)
        plan.method, plan.seconds = f"greedy ({exc})", time.perf_counter() - t0
        return plan


def _milp(book: _Book, demand: Mapping[Key, int], time_limit: float) -> tuple[dict, int]:
    """Stage 1: y[person, shift, role] in {0, 1}, maximise the sum; returns picks and bound."""
    if highspy is None:
        raise _SolverFailed("highspy is not installed")
    cols, lp = _model(book, demand)
    chosen: dict[Key, list[int]] = defaultdict(list)
    if not cols:
        return chosen, 0
    h = highspy.Highs()
    for name, value in (
        ("output_flag", False),
        ("threads", 2),
        ("mip_rel_gap", 0.0),
        ("mip_abs_gap", 0.5),
        ("time_limit", max(0.1, time_limit)),
    ):
        h.setOptionValue(name, value)
    h.passModel(lp)
    h.run()
    info, status = h.getInfo(), h.getModelStatus()
    if info.primal_solution_status != highspy.kSolutionStatusFeasible:
        raise _SolverFailed(f"solver stopped without a plan: {h.modelStatusToString(status)}")
    for i in np.flatnonzero(np.asarray(h.getSolution().col_value) > 0.5):
        pid, s, role = cols[i]
        book.take(pid, s)
        chosen[(s, role)].append(pid)
    optimal = status == highspy.HighsModelStatus.kOptimal
    bound = info.objective_function_value if optimal else info.mip_dual_bound
    return chosen, floor(bound + 1e-6)


def _model(book: _Book, demand: Mapping[Key, int]):
    """The stage-1 model as one row-wise sparse matrix, built with plain lists then numpy."""
    shifts = sorted({s for s, _ in demand}, key=book.start)
    roles_in = defaultdict(list)
    for s, role in sorted(demand):
        roles_in[s].append(role)
    cliques = _cliques(book, shifts)
    cols: list[tuple[int, int, str]] = []
    by_key: dict[Key, list[int]] = defaultdict(list)
    rows = _Rows()
    for pid, person in book.people.items():
        mine: dict[int, list[int]] = {}
        for s in shifts:
            roles = [r for r in roles_in[s] if r in person.roles]
            if roles and book.fits(pid, s):
                mine[s] = list(range(len(cols), len(cols) + len(roles)))
                for role, col in zip(roles, mine[s], strict=True):
                    cols.append((pid, s, role))
                    by_key[(s, role)].append(col)
        for ix in {tuple(c for s in cq if s in mine for c in mine[s]) for cq in cliques}:
            if len(ix) > 1:
                rows.add(ix, [1.0] * len(ix), 1.0)
        _hour_rows(book, pid, mine, rows)
    for key, ix in by_key.items():
        rows.add(ix, [1.0] * len(ix), demand[key])
    return cols, rows.lp(len(cols))


class _Rows:
    """Constraint rows `sum(value * y) <= upper`, collected row-wise for HiGHS."""

    def __init__(self) -> None:
        self.start, self.index, self.value, self.upper = [0], [], [], []

    def add(self, index, value, upper: float) -> None:
        self.index += index
        self.value += value
        self.start.append(len(self.index))
        self.upper.append(upper)

    def lp(self, num_col: int):
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = num_col, len(self.upper)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.ones(num_col)
        lp.col_lower_, lp.col_upper_ = np.zeros(num_col), np.ones(num_col)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * num_col
        lp.row_lower_ = np.full(len(self.upper), -highspy.kHighsInf)
        lp.row_upper_ = np.asarray(self.upper, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = num_col, len(self.upper)
        lp.a_matrix_.start_ = np.asarray(self.start, dtype=np.int32)
        lp.a_matrix_.index_ = np.asarray(self.index, dtype=np.int32)
        lp.a_matrix_.value_ = np.asarray(self.value, dtype=float)
        return lp


def _cliques(book: _Book, shifts: list[int]) -> list[list[int]]:
    """Maximal sets of mutually clashing shifts. Shifts stretched by the minimum rest clash
    when their spans meet (an interval graph), so each maximal set is the spans covering
    some shift's start."""
    sets = {
        frozenset(t for t in shifts if t in book.clash[s] and book.start(t) <= book.start(s))
        for s in shifts
    }
    return [sorted(c) for c in sets if not any(c < other for other in sets)]


def _hour_rows(book: _Book, pid: int, mine: dict[int, list[int]], rows: _Rows) -> None:
    """Hours-per-day rows, only for days on which the person could otherwise work too long."""
    by_day: dict[date, dict[int, float]] = defaultdict(dict)
    for s in mine:
        for day, hours in book.day_hours[s].items():
            by_day[day][s] = hours
    for day, hours in by_day.items():
        cap = book.rules.max_hours_per_day - book.hours_on.get(pid, {}).get(day, 0.0)
        if _heaviest(book, tuple(sorted(hours.items()))) > cap + EPSILON_H:
            pairs = [(col, h) for s, h in hours.items() for col in mine[s]]
            rows.add([c for c, _ in pairs], [h for _, h in pairs], max(cap, 0.0))


def _heaviest(book: _Book, hours: tuple[tuple[int, float], ...]) -> float:
    """Most hours of one day a person could work in these shifts under the clash rules
    (weighted interval scheduling over the rest-stretched spans)."""
    if hours in book.heaviest:
        return book.heaviest[hours]
    rest = book.rules.min_rest.total_seconds()
    spans = sorted((book.periods[s].ends_at.timestamp() + rest, book.start(s), h) for s, h in hours)
    best, ends = [0.0], []
    for end, start, h in spans:
        best.append(max(best[-1], best[bisect_right(ends, start)] + h))
        ends.append(end)
    book.heaviest[hours] = best[-1]
    return best[-1]
