"""Stage 1 of auto-assign: a MILP over crews of interchangeable people (HiGHS).

People with the same wanted roles and free shifts are interchangeable, which folds
thousands of people into a few dozen crews; the solver decides how many of each crew work
each (shift, role), and the counts are handed to named people, which the shape of the
rules (an interval graph) always allows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from math import floor

import numpy as np

from planner.staffing import EPSILON_H, Ledger

try:
    import highspy
except ImportError:  # the greedy plan still works without the solver
    highspy = None

Key = tuple[int, str]  # (shift_id, role)
MAX_SCHEDULES = 2000  # per crew; beyond, its people are modelled one by one (exact, slower)
ALONE_AT_MOST = 300  # beyond, they are pooled again: a relaxation, hours kept when handing out


class SolverFailed(RuntimeError):
    """The solver is missing or stopped without a plan; the caller falls back to greedy."""


def milp(ledger: Ledger, demand: Mapping[Key, int], time_limit: float) -> tuple[dict, int]:
    """Stage 1: how many of each crew work each (shift, role), most in all; picks and bound."""
    if highspy is None:
        raise SolverFailed("highspy is not installed")
    crews, model = _model(ledger, demand)
    chosen: dict[Key, list[int]] = defaultdict(list)
    if not model.cols:
        return chosen, 0
    h = highspy.Highs()
    # Crews already fold the people's symmetry; HiGHS's own detection ignores the time limit.
    options = {"output_flag": False, "threads": 2, "mip_rel_gap": 0.0, "mip_abs_gap": 0.5}
    options |= {"mip_detect_symmetry": False}
    for name, value in {**options, "time_limit": max(0.1, time_limit)}.items():
        h.setOptionValue(name, value)
    h.passModel(model.lp())
    h.run()
    info, status = h.getInfo(), h.getModelStatus()
    if info.primal_solution_status != highspy.kSolutionStatusFeasible:
        raise SolverFailed(f"solver stopped without a plan: {h.modelStatusToString(status)}")
    values = np.rint(h.getSolution().col_value).astype(int)
    counts: list[dict] = [{} for _ in crews]
    for i in np.flatnonzero(values > 0):
        crew, what, role = model.cols[i]
        counts[crew][(what, role)] = int(values[i])
    for crew, wanted in zip(crews, counts, strict=True):
        _hand_out(ledger, crew, wanted, chosen)
    optimal = status == highspy.HighsModelStatus.kOptimal
    bound = info.objective_function_value if optimal else info.mip_dual_bound
    return chosen, floor(bound + 1e-6)


@dataclass
class _Crew:
    """People interchangeable in stage 1: same wanted roles, same free shifts, and either no
    day they could work too long, or their clash-free schedules listed (`schedules`), or
    alone with hours rows of their own."""

    members: list[int]
    free: tuple[int, ...]
    roles: frozenset[str]
    schedules: list[tuple[int, ...]] | None = None
    alone: bool = False


def _crews(ledger: Ledger, shifts: list[int], roles_in: Mapping[int, set[str]]) -> list[_Crew]:
    wanted = set().union(*roles_in.values())
    groups: dict[tuple, _Crew] = {}
    alone: list[_Crew] = []
    for pid, person in sorted(ledger.people.items()):
        roles = person.roles & wanted
        free = tuple(s for s in shifts if roles_in[s] & roles and ledger.fits(pid, s))
        if not free:
            continue
        risky = bool(_risky_days(ledger, pid, free))
        key = (roles, free, tuple(sorted(ledger.hours_on.get(pid, {}).items())) if risky else ())
        if key not in groups:
            schedules = _schedules(ledger, pid, free) if risky else None
            groups[key] = _Crew([], free, roles, schedules, risky and schedules is None)
        if groups[key].alone:
            alone.append(_Crew([pid], free, roles, None, True))
        groups[key].members.append(pid)
    if len(alone) > ALONE_AT_MOST:
        return list(groups.values())  # pooled: the bound is loose, handing out keeps the rules
    return [c for c in groups.values() if not c.alone] + alone


def _model(ledger: Ledger, demand: Mapping[Key, int]) -> tuple[list[_Crew], _Model]:
    """y[crew, shift, role] <= crew size, the sum maximised, at most the demand per (shift,
    role); each crew's shifts limited by clique rows, or by its schedules z[crew, schedule]."""
    shifts = sorted({s for s, _ in demand}, key=ledger.start)
    roles_in: dict[int, set[str]] = defaultdict(set)
    for s, role in demand:
        roles_in[s].add(role)
    cliques, crews, model = _cliques(ledger, shifts), _crews(ledger, shifts, roles_in), _Model()
    by_key: dict[Key, list[int]] = defaultdict(list)
    for c, crew in enumerate(crews):
        mine: dict[int, list[int]] = {}
        for s in crew.free:
            mine[s] = [
                model.col((c, s, r), 1, len(crew.members)) for r in sorted(roles_in[s] & crew.roles)
            ]
            for col in mine[s]:
                by_key[model.cols[col][1:]].append(col)
        if crew.schedules is None:
            for ix in {tuple(i for s in cq if s in mine for i in mine[s]) for cq in cliques}:
                if len(ix) > 1:
                    model.row(ix, [1.0] * len(ix), len(crew.members))
        else:
            _schedule_rows(model, c, crew, mine)
        if crew.alone and len(crew.members) == 1:
            _hour_rows(ledger, model, crew.members[0], mine)
    for key, ix in by_key.items():
        model.row(ix, [1.0] * len(ix), demand[key])
    return crews, model


def _schedule_rows(model: _Model, c: int, crew: _Crew, mine: dict[int, list[int]]) -> None:
    """z[crew, schedule] people follow each schedule; a shift is worked by at most those whose
    schedule holds it."""
    z = [model.col((c, k, ""), 0, len(crew.members)) for k in crew.schedules]
    model.row(z, [1.0] * len(z), len(crew.members))
    for s, ix in mine.items():
        holders = [col for col, k in zip(z, crew.schedules, strict=True) if s in k]
        model.row(ix + holders, [1.0] * len(ix) + [-1.0] * len(holders), 0)


def _hour_rows(ledger: Ledger, model: _Model, pid: int, mine: dict[int, list[int]]) -> None:
    for day, hours in _risky_days(ledger, pid, tuple(mine)).items():
        pairs = [(col, h) for s, h in hours.items() for col in mine[s]]
        cap = ledger.rules.max_hours_per_day - ledger.hours_on[pid].get(day, 0.0)
        model.row([c for c, _ in pairs], [h for _, h in pairs], max(cap, 0.0))


def _hand_out(ledger: Ledger, crew: _Crew, wanted: Mapping[tuple, int], chosen) -> None:
    """Give a crew's counts to its members, unit by unit, shifts in order of start. With
    schedules, members take whole schedules first. Without, someone is always free: the busy
    members and the new shift all clash at its start, so they number at most the crew (an
    interval graph), and the hours rule cannot bind, except in a pooled crew: what it cannot
    hand out is left to the greedy top-up."""
    members = sorted(crew.members, key=lambda p: (ledger.people[p].team or ("",), p))
    schedules = [schedule for (schedule, role), n in wanted.items() if not role for _ in range(n)]
    follows = dict(zip(members, schedules, strict=False))  # the model gives no more than members
    works = {key: n for key, n in wanted.items() if key[1]}
    for s in sorted({s for s, _ in works}, key=ledger.start):
        roles = [role for (t, role), n in sorted(works.items()) if t == s for _ in range(n)]
        free = [
            p for p in members if (not follows or s in follows.get(p, ())) and ledger.fits(p, s)
        ]
        free.sort(key=lambda p: round(ledger.total[p], 3))  # stable: units stay in order
        for pid, role in zip(free, roles, strict=False):
            ledger.take(pid, s)
            chosen[(s, role)].append(pid)


class _Model:
    """Integer columns and rows `sum(value * x) <= upper`, collected row-wise for HiGHS."""

    def __init__(self) -> None:
        self.cols: list[tuple] = []
        self.cost: list[float] = []
        self.upper: list[float] = []
        self.start, self.index, self.value, self.row_upper = [0], [], [], []

    def col(self, key: tuple, cost: float, upper: float) -> int:
        self.cols.append(key)
        self.cost.append(cost)
        self.upper.append(upper)
        return len(self.cols) - 1

    def row(self, index, value, upper: float) -> None:
        self.index += index
        self.value += value
        self.start.append(len(self.index))
        self.row_upper.append(upper)

    def lp(self):
        lp, n, m = highspy.HighsLp(), len(self.cols), len(self.row_upper)
        lp.num_col_, lp.num_row_, lp.sense_ = n, m, highspy.ObjSense.kMaximize
        lp.col_cost_, lp.col_lower_ = np.asarray(self.cost, dtype=float), np.zeros(n)
        lp.col_upper_ = np.asarray(self.upper, dtype=float)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        lp.row_lower_ = np.full(m, -highspy.kHighsInf)
        lp.row_upper_ = np.asarray(self.row_upper, dtype=float)
        matrix = lp.a_matrix_
        matrix.format_, matrix.num_col_, matrix.num_row_ = highspy.MatrixFormat.kRowwise, n, m
        matrix.start_ = np.asarray(self.start, dtype=np.int32)
        matrix.index_ = np.asarray(self.index, dtype=np.int32)
        matrix.value_ = np.asarray(self.value, dtype=float)
        return lp


def _cliques(ledger: Ledger, shifts: list[int]) -> list[list[int]]:
    """Maximal sets of mutually clashing shifts. Shifts stretched by the minimum rest clash
    when their spans meet (an interval graph), so each such set is the spans covering some
    shift's start."""
    sets = {
        frozenset(t for t in shifts if t in ledger.clash[s] and ledger.start(t) <= ledger.start(s))
        for s in shifts
    }
    return [sorted(c) for c in sets if not any(c < other for other in sets)]


def _schedules(ledger: Ledger, pid: int, free: tuple[int, ...]) -> list[tuple[int, ...]] | None:
    """Every non-empty set of these shifts the person may work together; None past the cap."""
    found: list[tuple[int, ...]] = []
    cap = ledger.rules.max_hours_per_day + EPSILON_H

    def grow(first: int, picked: tuple[int, ...], used: dict) -> bool:
        for i in range(first, len(free)):
            s = free[i]
            more = {d: used.get(d, 0.0) + h for d, h in ledger.day_hours[s].items()}
            if ledger.clash[s].isdisjoint(picked) and max(more.values()) <= cap:
                found.append((*picked, s))
                if len(found) > MAX_SCHEDULES or not grow(i + 1, found[-1], used | more):
                    return False
        return True

    return found if grow(0, (), dict(ledger.hours_on.get(pid, {}))) else None


def _risky_days(ledger: Ledger, pid: int, free: tuple[int, ...]) -> dict[date, dict[int, float]]:
    """Days on which some clash-free choice of these shifts would exceed the hours maximum."""
    by_day: dict[date, dict[int, float]] = defaultdict(dict)
    for s in free:
        for day, hours in ledger.day_hours[s].items():
            by_day[day][s] = hours
    used = ledger.hours_on.get(pid, {})
    rest = ledger.rules.min_rest.total_seconds()
    risky = {}
    for day, hours in by_day.items():
        spans = tuple(
            (ledger.periods[s].ends_at.timestamp() + rest, ledger.start(s), h)
            for s, h in hours.items()
        )
        if _heaviest(spans) + used.get(day, 0.0) > ledger.rules.max_hours_per_day + EPSILON_H:
            risky[day] = hours
    return risky


@lru_cache(maxsize=4096)
def _heaviest(spans: tuple[tuple[float, float, float], ...]) -> float:
    """Most hours from (stretched end, start, hours) spans, no two meeting: weighted
    interval scheduling, as shifts stretched by the minimum rest clash when they meet."""
    best, ends = [0.0], []
    for end, start, hours in sorted(spans):
        best.append(max(best[-1], best[bisect_right(ends, start)] + hours))
        ends.append(end)
    return best[-1]
