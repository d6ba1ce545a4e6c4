"""Filling needs: greedy vs the solver, existing assignments, unfilled reasons, zones, units."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import planner.assign
import planner.crews
from bench.assign import make_instance
from planner.assign import Plan, greedy, solve
from planner.staffing import Assignment, Need, Period, Person, Rules, violations

CHICAGO = ZoneInfo("America/Chicago")
RULES = Rules()  # 8 h rest, 12 h a day
PATROL, EMT, K9 = "patrol_officer", "emt", "k9"


def shift(id: int, start: str, hours: float) -> Period:
    begins = datetime.fromisoformat(start).replace(tzinfo=CHICAGO)
    return Period(id, begins, begins + timedelta(hours=hours))


def person(id: int, *roles: str, agency: str = "Chicago PD", unit: str = "") -> Person:
    return Person(id, agency, frozenset(roles), unit)


def roster(*persons: Person) -> dict[int, Person]:
    return {p.id: p for p in persons}


FRI_SHOW = shift(1, "2026-08-14 09:30", 6)
INGRESS = shift(2, "2026-08-15 06:00", 4.5)
SHOW = shift(3, "2026-08-15 09:30", 6)
NIGHT = shift(4, "2026-08-15 19:00", 8)
SUN_SHOW = shift(5, "2026-08-16 09:30", 6)
EARLY = shift(6, "2026-08-15 04:00", 3.5)  # ends 07:30, two hours before the show
MORNING = shift(7, "2026-08-15 08:00", 4)  # overlaps the show
PERIODS = {p.id: p for p in (FRI_SHOW, INGRESS, SHOW, NIGHT, SUN_SHOW, EARLY, MORNING)}


def plans(people, needs, existing=(), rules=RULES, periods=PERIODS) -> list[Plan]:
    """The greedy and the solver plan for the same input, each checked against every rule."""
    found = []
    for method in (greedy, solve):
        plan = method(people, periods, needs, list(existing), rules, CHICAGO)
        everything = [*existing, *plan.assignments]
        assert violations(everything, people, periods, rules, CHICAGO) == []
        staffed = Counter((a.zone_id, a.shift_id, a.role) for a in everything)
        for need in needs:
            key = (need.zone_id, need.shift_id, need.role)
            new = sum(1 for a in plan.assignments if (a.zone_id, a.shift_id, a.role) == key)
            assert new == 0 or staffed[key] <= need.required  # never more than required
        assert plan.filled == sum(
            min(n.required, staffed[n.zone_id, n.shift_id, n.role]) for n in needs
        )
        assert plan.required == sum(n.required for n in needs)
        assert plan.filled <= plan.bound <= plan.required
        assert set(existing).isdisjoint(plan.assignments)  # only new assignments are returned
        found.append(plan)
    return found


def test_a_hand_counted_optimum():
    # Two officers can each work ingress + night, or the show (3.5 h before the night: too
    # little rest): at most 3 of the 4 officer slots. The medic works the show or the night.
    people = roster(person(1, PATROL), person(2, PATROL), person(3, EMT))
    needs = [
        Need(1, INGRESS.id, PATROL, 1),
        Need(1, SHOW.id, PATROL, 1),
        Need(2, NIGHT.id, PATROL, 2),
        Need(2, SHOW.id, EMT, 1),
        Need(2, NIGHT.id, EMT, 1),
    ]
    _, best = plans(people, needs)
    assert (best.filled, best.required, best.bound, best.optimal) == (4, 6, 4, True)
    assert best.method == "milp"
    assert sum(u.missing for u in best.unfilled) == 2


def test_the_solver_beats_greedy_on_a_tight_instance():
    # Officers are scarcer than medics on paper (2 vs 4 hold the role), so greedy fills the
    # officer slot first, with the dual-qualified person 1 (fewest hours). But the three
    # other medics are busy at the time, so the medic slot is then lost.
    people = roster(person(1, PATROL, EMT), person(2, PATROL), *(person(i, EMT) for i in (3, 4, 5)))
    existing = [Assignment(2, 9, FRI_SHOW.id, PATROL)]
    existing += [Assignment(i, 9, MORNING.id, EMT) for i in (3, 4, 5)]
    needs = [Need(1, SHOW.id, PATROL, 1), Need(1, SHOW.id, EMT, 1)]
    quick, best = plans(people, needs, existing)
    assert quick.filled == 1 and quick.bound == 2 and not quick.optimal
    assert [u.reason for u in quick.unfilled] == [
        "4 available hold the role emt: 0 assigned, 0 blocked by rest, 0 by max hours, "
        "4 by overlap"  # person 1 works the officer's place; 3, 4 and 5 the morning
    ]
    assert (best.filled, best.bound, best.optimal, best.unfilled) == (2, 2, True, [])
    assert sorted(best.assignments, key=lambda a: a.person_id) == [
        Assignment(1, 1, SHOW.id, EMT),
        Assignment(2, 1, SHOW.id, PATROL),
    ]


def test_existing_assignments_count_toward_needs_and_bind_their_people():
    # Person 1 already covers one of the two slots; person 3 ends a shift 2 h before it.
    people = roster(person(1, PATROL), person(2, PATROL), person(3, PATROL))
    existing = [Assignment(1, 1, SHOW.id, PATROL), Assignment(3, 5, EARLY.id, PATROL)]
    for plan in plans(people, [Need(1, SHOW.id, PATROL, 2)], existing):
        assert plan.assignments == [Assignment(2, 1, SHOW.id, PATROL)]
        assert (plan.filled, plan.required, plan.unfilled) == (2, 2, [])


def test_existing_staff_beyond_a_need_fill_it_but_count_once():
    people = roster(person(1, PATROL), person(2, PATROL), person(3, PATROL))
    existing = [Assignment(1, 1, SHOW.id, PATROL), Assignment(2, 1, SHOW.id, PATROL)]
    for plan in plans(people, [Need(1, SHOW.id, PATROL, 1)], existing):
        assert (plan.assignments, plan.filled, plan.required) == ([], 1, 1)


@pytest.mark.parametrize(
    ("people", "existing", "rules", "counts"),
    [
        (roster(person(1, PATROL)), [], RULES, (0, 0, 0, 0, 0, 2)),
        (
            roster(person(1, EMT), person(2, EMT)),
            [Assignment(1, 9, MORNING.id, EMT), Assignment(2, 9, SHOW.id, EMT)],
            RULES,
            (2, 1, 0, 0, 1, 2),  # person 2 works the show elsewhere; person 1 overlaps it
        ),
        (
            roster(person(1, EMT), person(2, EMT)),
            [Assignment(1, 9, MORNING.id, EMT), Assignment(2, 9, EARLY.id, EMT)],
            RULES,
            (2, 0, 1, 0, 1, 2),
        ),
        (
            roster(person(1, EMT)),
            [Assignment(1, 9, EARLY.id, EMT), Assignment(1, 9, NIGHT.id, EMT)],
            Rules(min_rest=timedelta(0), max_hours_per_day=12),
            (1, 0, 0, 1, 0, 2),  # 3.5 + 6 + 5 h on Saturday
        ),
    ],
    ids=["nobody-holds-it", "all-busy", "rest", "hours"],
)
def test_each_shortage_counts_who_holds_the_role_and_what_keeps_them_off(
    people, existing, rules, counts
):
    """(available, assigned, by rest, by hours, by overlap, short), counted by hand."""
    need = Need(1, SHOW.id, EMT, 2)
    for plan in plans(people, [need], existing, rules):
        (found,) = plan.shortages
        got = (found.available, found.assigned, found.by_rest, found.by_hours)
        assert (*got, found.by_overlap, found.short) == counts
        assert (found.shift_id, found.role, found.required, found.free) == (
            SHOW.id,
            EMT,
            need.required,
            0,
        )
        assert plan.unfilled == [planner.assign.Unfilled(need, 2, planner.assign.reason(found))]


def test_a_shortage_with_no_one_holding_the_role_says_so():
    plan = greedy(
        roster(person(1, PATROL)), PERIODS, [Need(1, SHOW.id, EMT, 1)], [], RULES, CHICAGO
    )
    assert plan.unfilled[0].reason == "no one available to this event holds the role emt"


def test_four_crowd_managers_for_a_hundred_and_two_places_are_short_ninety_eight():
    people = roster(*(person(i, "crowd_manager") for i in range(1, 5)))
    needs = [Need(z, SHOW.id, "crowd_manager", n) for z, n in ((1, 60), (2, 42))]
    for plan in plans(people, needs, []):
        (found,) = plan.shortages
        assert (found.required, found.available, found.assigned, found.short) == (102, 4, 4, 98)
        assert (found.by_rest, found.by_hours, found.by_overlap, found.free) == (0, 0, 0, 0)


def test_a_person_keeps_their_zone_across_shifts():
    # Person 2 is busy on Saturday, so person 1 takes the show in zone 2; on Sunday, with
    # zones 1 and 2 both open, person 1 returns to zone 2 (and so would by id go to zone 1).
    people = roster(person(1, PATROL), person(2, PATROL))
    existing = [Assignment(2, 9, MORNING.id, PATROL)]
    needs = [
        Need(2, SHOW.id, PATROL, 1),
        Need(1, SUN_SHOW.id, PATROL, 1),
        Need(2, SUN_SHOW.id, PATROL, 1),
    ]
    for plan in plans(people, needs, existing):
        assert set(plan.assignments) == {
            Assignment(1, 2, SHOW.id, PATROL),
            Assignment(1, 2, SUN_SHOW.id, PATROL),
            Assignment(2, 1, SUN_SHOW.id, PATROL),
        }


def test_members_of_a_unit_land_in_the_same_zone():
    # Two units of the same agency, ids interleaved, two zones of three.
    bikes, marine = "CPD 18th District Bike Team", "CPD Marine Unit"
    people = roster(*(person(i, PATROL, unit=bikes if i % 2 else marine) for i in range(1, 7)))
    needs = [Need(1, SHOW.id, PATROL, 3), Need(2, SHOW.id, PATROL, 3)]
    for plan in plans(people, needs):
        units = {
            z: {people[a.person_id].unit for a in plan.assignments if a.zone_id == z}
            for z in (1, 2)
        }
        assert units[1] != units[2] and all(len(u) == 1 for u in units.values()), units


def test_needs_are_checked_early():
    people = roster(person(1, PATROL))
    twice = [Need(1, SHOW.id, PATROL, 1), Need(1, SHOW.id, PATROL, 2)]
    with pytest.raises(ValueError, match="duplicate"):
        solve(people, PERIODS, twice, [], RULES, CHICAGO)
    with pytest.raises(ValueError, match="unknown shift"):
        greedy(people, PERIODS, [Need(1, 99, PATROL, 1)], [], RULES, CHICAGO)


def test_solve_falls_back_to_greedy_without_the_solver(monkeypatch):
    monkeypatch.setattr(planner.crews, "highspy", None)
    people = roster(person(1, PATROL), person(2, EMT))
    plan = solve(people, PERIODS, [Need(1, SHOW.id, PATROL, 1)], [], RULES, CHICAGO)
    assert plan.method == "greedy (highspy is not installed)"
    assert plan.assignments == [Assignment(1, 1, SHOW.id, PATROL)]


def test_solve_never_returns_a_plan_that_breaks_a_rule(monkeypatch):
    def double_booking(ledger, demand, time_limit):
        return {(SHOW.id, PATROL): [1], (MORNING.id, PATROL): [1]}, 2

    monkeypatch.setattr(planner.assign, "milp", double_booking)
    people = roster(person(1, PATROL), person(2, PATROL))
    needs = [Need(1, SHOW.id, PATROL, 1), Need(2, MORNING.id, PATROL, 1)]
    plan = solve(people, PERIODS, needs, [], RULES, CHICAGO)
    assert plan.method.startswith("greedy (milp plan broke a rule: person 1: shift 7 overlaps")
    assert violations(plan.assignments, people, PERIODS, RULES, CHICAGO) == []
    assert sorted(a.person_id for a in plan.assignments) == [1, 2]


def test_a_solver_stopped_early_is_topped_up_so_reasons_hold(monkeypatch):
    monkeypatch.setattr(planner.assign, "milp", lambda ledger, demand, time_limit: ({}, 2))
    people = roster(person(1, PATROL), person(2, PATROL))
    plan = solve(people, PERIODS, [Need(1, SHOW.id, PATROL, 3)], [], RULES, CHICAGO)
    assert (plan.method, plan.filled, plan.bound, plan.optimal) == ("milp", 2, 2, True)
    assert plan.shortages[0].free == 0  # the top-up took everyone a stopped solver left
    assert plan.unfilled[0].reason.endswith(
        "2 assigned, 0 blocked by rest, 0 by max hours, 0 by overlap"
    )


def _best_coverage(people, periods, needs, rules) -> int:
    """Exhaustive search: each person in turn picks any set of (shift, role)s that keeps
    every rule; a state is how many each (shift, role) has, capped at its demand."""
    demand = Counter()
    for n in needs:
        demand[n.shift_id, n.role] += n.required
    keys = sorted(demand)
    states = {tuple(0 for _ in keys)}
    for p in people.values():
        choices = [[None] + [r for r in sorted(p.roles) if (s, r) in demand] for s in periods]
        options = []
        for pick in itertools.product(*choices):
            taken = [Assignment(p.id, 0, s, r) for s, r in zip(periods, pick, strict=True) if r]
            if not violations(taken, people, periods, rules, CHICAGO):
                options.append({(a.shift_id, a.role) for a in taken})
        states = {
            tuple(min(demand[k], c + (k in option)) for k, c in zip(keys, state, strict=True))
            for state in states
            for option in options
        }
    return max(sum(state) for state in states)


@pytest.mark.parametrize(
    ("schedules", "alone"), [(2000, 300), (1, 300), (1, 0)], ids=["crews", "one-by-one", "pooled"]
)
@pytest.mark.parametrize("seed", range(25))
def test_solve_finds_the_true_optimum_of_small_random_instances(
    seed, schedules, alone, monkeypatch
):
    # With a cap of 1 schedule, people whose hours rule can bind are modelled one by one;
    # with none allowed alone, they are pooled into a relaxation that may miss the optimum.
    monkeypatch.setattr(planner.crews, "MAX_SCHEDULES", schedules)
    monkeypatch.setattr(planner.crews, "ALONE_AT_MOST", alone)
    rng = random.Random(seed)
    periods = {
        i: shift(i, f"2026-08-15 {rng.randint(0, 23):02d}:00", rng.choice([3, 4.5, 6, 8, 10]))
        for i in range(1, 5)
    }
    roles = [PATROL, EMT]
    people = roster(*(person(i, *rng.sample(roles, rng.randint(1, 2))) for i in range(1, 6)))
    needs = [
        Need(rng.randint(1, 2), s, r, rng.randint(1, 3))
        for s in periods
        for r in roles
        if rng.random() < 0.7
    ]
    needs = list({(n.zone_id, n.shift_id, n.role): n for n in needs}.values())
    rules = Rules(timedelta(hours=rng.choice([0, 4, 8, 10])), rng.choice([8.0, 10.0, 12.0]))
    quick, best = plans(people, needs, rules=rules, periods=periods)
    optimum = _best_coverage(people, periods, needs, rules)
    assert quick.filled <= best.filled <= optimum <= best.bound
    if alone:
        assert (best.filled, best.bound, best.optimal) == (optimum, optimum, True)


def test_on_a_mid_size_random_show_the_solver_keeps_every_rule_and_covers_at_least_greedy():
    case = make_instance(people=300, slots=60, seed=7)
    quick, best = plans(case.people, case.needs, rules=case.rules, periods=case.periods)
    assert best.optimal and best.bound == best.filled
    assert best.filled >= quick.filled
    assert best.filled < best.required  # the generator makes tight instances


def test_at_air_and_water_show_scale_the_solver_proves_its_optimum():
    case = make_instance(people=3000, slots=600, seed=1)
    best = solve(case.people, case.periods, case.needs, [], case.rules, case.tz)
    assert best.method == "milp" and best.optimal and best.bound == best.filled
    assert violations(best.assignments, case.people, case.periods, case.rules, case.tz) == []
