"""Benchmark: greedy vs the two-stage MILP on an Air and Water Show sized roster.

    python bench/assign.py [--people 3000] [--slots 600] [--seed 1] [--time-limit 5]

The instance is tight on purpose: the needs ask for a bit more than the roster can work
under the rest and hours rules, so coverage, the proven bound and the gap all mean something.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time as clock
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from planner.assign import Plan, greedy, solve
from planner.staffing import Need, Period, Person, Rules, violations

TZ = ZoneInfo("America/Chicago")
SHOW_DAYS = (date(2026, 8, 14), date(2026, 8, 15), date(2026, 8, 16))  # Fri to Sun
SHIFTS = {  # name: (start, hours, how busy compared to the show itself)
    "ingress": (time(6), 4.5, 0.8),
    "show": (time(9, 30), 6.0, 1.0),
    "egress": (time(15), 4.0, 0.9),
    "night": (time(19), 8.0, 0.4),  # crosses midnight
}
# agency: (short name, share of the roster, unit kinds with weights)
AGENCIES = {
    "Chicago PD": ("CPD", 30, {"patrol": 70, "bike": 15, "k9": 4, "marine": 6}),
    "Cook County Sheriff": ("CCSO", 10, {"patrol": 85, "k9": 15}),
    "Illinois State Police": ("ISP", 8, {"patrol": 90, "k9": 10}),
    "Chicago Fire/EMS": ("CFD", 11, {"ems": 100}),
    "US Coast Guard": ("USCG", 4, {"marine": 100}),
    "Chicago Park District Security": ("CPDS", 7, {"patrol": 80, "bike": 20}),
    "Metra Police": ("Metra", 4, {"patrol": 85, "k9": 15}),
    "CTA Security": ("CTA", 5, {"patrol": 100}),
    "Illinois National Guard": ("ILNG", 8, {"patrol": 100}),
    "DuPage County Sheriff": ("DCSO", 5, {"patrol": 90, "bike": 10}),
    "Evanston PD": ("EPD", 3, {"patrol": 80, "bike": 20}),
    "Private EMS (contract)": ("PEMS", 5, {"ems": 100}),
}
UNIT_ROLES = {
    "patrol": {"patrol_officer"},
    "bike": {"bike_team", "patrol_officer"},
    "k9": {"k9", "patrol_officer"},
    "marine": {"marine_unit"},
    "ems": {"emt"},
}
# zone kind: (weight, head counts per role in a busy shift)
ZONE_KINDS = {
    "crowd": (5, {"patrol_officer": 8, "sergeant": 1, "bike_team": 2, "emt": 2}),
    "gate": (3, {"patrol_officer": 5, "sergeant": 1, "k9": 1}),
    "water": (2, {"marine_unit": 3, "emt": 1}),
    "perimeter": (2, {"patrol_officer": 4, "bike_team": 1}),
    "medical": (1, {"emt": 4}),
}
SUPPLY_PER_PERSON = 2.8  # shifts a person can work over the show days under the rules, roughly
TIGHTNESS = 1.05  # demand over supply


@dataclass(frozen=True)
class Instance:
    people: dict[int, Person]
    periods: dict[int, Period]
    needs: list[Need]
    rules: Rules
    tz: ZoneInfo


def make_periods() -> dict[int, Period]:
    periods = {}
    for day in SHOW_DAYS:
        for start, hours, _ in SHIFTS.values():
            begins = datetime.combine(day, start, tzinfo=TZ)
            periods[len(periods) + 1] = Period(
                len(periods) + 1, begins, begins + timedelta(hours=hours)
            )
    return periods


def make_people(count: int, rng: random.Random) -> dict[int, Person]:
    """Units of 4-10 from each agency; unit leaders are mostly sergeants, a few cross-train."""
    people: dict[int, Person] = {}
    units: Counter = Counter()
    names = list(AGENCIES)
    shares = [AGENCIES[n][1] for n in names]
    while len(people) < count:
        agency = rng.choices(names, shares)[0]
        short, _, kinds = AGENCIES[agency]
        kind = rng.choices(list(kinds), list(kinds.values()))[0]
        units[short, kind] += 1
        unit = f"{short} {kind.title()} Team {units[short, kind]}"
        for i in range(min(rng.randint(4, 10), count - len(people))):
            roles = set(UNIT_ROLES[kind])
            if i == 0 and kind != "ems" and rng.random() < 0.8:
                roles.add("sergeant")
            if kind in ("patrol", "bike") and rng.random() < 0.08:
                roles.add("emt")
            pid = len(people) + 1
            people[pid] = Person(pid, agency, frozenset(roles), unit)
    return people


def make_needs(people, periods, slots: int, rng: random.Random) -> list[Need]:
    """Every zone staffed in every shift; head counts scaled so demand slightly beats supply."""
    names = [name for _ in SHOW_DAYS for name in SHIFTS]
    weights = {s: SHIFTS[name][2] for s, name in zip(periods, names, strict=True)}
    raw: list[tuple[int, int, str, float]] = []
    kinds, kind_weights = list(ZONE_KINDS), [w for w, _ in ZONE_KINDS.values()]
    zone = 0
    while len(raw) < slots:
        zone += 1
        menu = ZONE_KINDS[rng.choices(kinds, kind_weights)[0]][1]
        for s in periods:
            for role, count in menu.items():
                raw.append((zone, s, role, count * weights[s] * rng.uniform(0.7, 1.3)))
    raw = raw[:slots]
    holders = {r: sum(r in p.roles for p in people.values()) for _, _, r, _ in raw}
    asked = {r: sum(w for _, _, role, w in raw if role == r) for r in holders}
    scale = {r: TIGHTNESS * SUPPLY_PER_PERSON * holders[r] / asked[r] for r in holders}
    return [Need(z, s, r, max(1, round(w * scale[r]))) for z, s, r, w in raw]


def make_instance(people: int, slots: int, seed: int) -> Instance:
    rng = random.Random(seed)
    periods = make_periods()
    roster = make_people(people, rng)
    return Instance(roster, periods, make_needs(roster, periods, slots, rng), Rules(), TZ)


def row(plan: Plan, people: int, slots: int, broken: int) -> str:
    gap = 100 * (plan.bound - plan.filled) / max(plan.bound, 1)
    return (
        f"{plan.method:<8} {people:>6} {slots:>5} {plan.required:>8} {plan.filled:>6} "
        f"{100 * plan.filled / max(plan.required, 1):>9.2f} {plan.bound:>6} {gap:>6.2f} "
        f"{plan.optimal!s:>7} {plan.seconds:>7.3f} {broken:>10}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--slots", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=5.0)
    args = parser.parse_args(argv)
    started = clock.perf_counter()
    case = make_instance(args.people, args.slots, args.seed)
    print(f"instance built in {clock.perf_counter() - started:.2f} s (seed {args.seed})")
    inputs = (case.people, case.periods, case.needs, [], case.rules, case.tz)
    base = greedy(*inputs)
    best = solve(*inputs, time_limit_s=args.time_limit)
    print(f"{'method':<8} {'people':>6} {'slots':>5} {'required':>8} {'filled':>6} ", end="")
    print(f"{'coverage%':>9} {'bound':>6} {'gap%':>6} {'optimal':>7} {'seconds':>7} violations")
    for plan in (base, best):
        broken = len(violations(plan.assignments, case.people, case.periods, case.rules, case.tz))
        print(row(plan, len(case.people), len(case.needs), broken))
    print(
        f"ratio milp/greedy: seconds {best.seconds / base.seconds:.1f}x, "
        f"filled {best.filled / max(base.filled, 1):.4f} (+{best.filled - base.filled})"
    )
    print(
        f"machine: {os.cpu_count()} cpus, {platform.platform()}, Python {platform.python_version()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
