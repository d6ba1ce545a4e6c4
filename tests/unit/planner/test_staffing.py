"""Hard staffing rules: hours per local day (DST-correct), overlap, rest, check(), violations()."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.staffing import (
    Assignment,
    Ledger,
    Period,
    Person,
    RuleBroken,
    Rules,
    check,
    conflicts,
    hours_by_day,
    violations,
)

CHICAGO = ZoneInfo("America/Chicago")
RULES = Rules()  # 8 h rest, 12 h a day


def shift(id: int, start: str, hours: float) -> Period:
    """A shift starting at a local Chicago time ('2026-08-15 09:30'), `hours` of real time."""
    begins = datetime.fromisoformat(start).replace(tzinfo=CHICAGO)
    return Period(id, begins, begins + timedelta(hours=hours))


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


# Saturday of the Air and Water Show weekend.
INGRESS = shift(1, "2026-08-15 06:00", 4.5)
SHOW = shift(2, "2026-08-15 09:30", 6)
EGRESS = shift(3, "2026-08-15 15:00", 4)
NIGHT = shift(4, "2026-08-15 19:00", 8)  # to 03:00 Sunday
SUNDAY_SHOW = shift(5, "2026-08-16 09:30", 6)
SUNDAY_LATE = shift(6, "2026-08-16 08:30", 12)  # 08:30-20:30, 12 h on its own
PERIODS = {p.id: p for p in (INGRESS, SHOW, EGRESS, NIGHT, SUNDAY_SHOW, SUNDAY_LATE)}
OFFICER = Person(7, "Chicago PD", frozenset({"patrol_officer"}), "CPD 18th District Bike Team")


def test_a_night_shift_is_split_at_local_midnight():
    assert hours_by_day(NIGHT, CHICAGO) == {date(2026, 8, 15): 5.0, date(2026, 8, 16): 3.0}
    assert NIGHT.hours == 8.0


def test_the_night_clocks_fall_back_a_shift_of_four_wall_clock_hours_works_five():
    period = Period(9, local("2026-11-01 00:00"), local("2026-11-01 04:00"))
    assert period.hours == 5.0
    assert hours_by_day(period, CHICAGO) == {date(2026, 11, 1): 5.0}


def test_the_night_clocks_spring_forward_a_shift_of_four_wall_clock_hours_works_three():
    period = Period(9, local("2026-03-08 00:00"), local("2026-03-08 04:00"))
    assert period.hours == 3.0
    assert hours_by_day(period, CHICAGO) == {date(2026, 3, 8): 3.0}


def test_a_night_shift_over_the_fall_back_counts_the_25_hour_day():
    period = Period(9, local("2026-10-31 22:00"), local("2026-11-01 06:00"))
    assert hours_by_day(period, CHICAGO) == {date(2026, 10, 31): 2.0, date(2026, 11, 1): 7.0}


def test_days_are_local_even_when_the_shift_is_given_in_utc():
    utc = ZoneInfo("UTC")
    period = Period(9, NIGHT.starts_at.astimezone(utc), NIGHT.ends_at.astimezone(utc))
    assert hours_by_day(period, CHICAGO) == {date(2026, 8, 15): 5.0, date(2026, 8, 16): 3.0}


def test_a_period_needs_time_zones_and_a_positive_length():
    with pytest.raises(ValueError, match="time zone"):
        Period(1, datetime(2026, 8, 15, 6), datetime(2026, 8, 15, 10))
    with pytest.raises(ValueError, match="before it starts"):
        Period(1, local("2026-08-15 10:00"), local("2026-08-15 06:00"))


def test_overlapping_shifts_conflict_and_the_message_names_the_other_shift():
    assert conflicts(INGRESS, SHOW, RULES) == "overlaps shift 2 (Sat 15 Aug 09:30–15:30)"
    assert conflicts(SHOW, INGRESS, RULES) == "overlaps shift 1 (Sat 15 Aug 06:00–10:30)"
    assert conflicts(SHOW, SHOW, RULES).startswith("overlaps shift 2")


def test_back_to_back_shifts_conflict_on_rest():
    # Ingress ends 10:30, egress starts 15:00: 4.5 h of rest.
    why = "only 4.5 h rest between shifts 1 and 3 (minimum 8 h)"
    assert conflicts(INGRESS, EGRESS, RULES) == why
    assert conflicts(EGRESS, INGRESS, RULES) == why
    # Night ends 03:00 Sunday, Sunday's show starts 09:30: 6.5 h.
    assert conflicts(NIGHT, SUNDAY_SHOW, RULES) == (
        "only 6.5 h rest between shifts 4 and 5 (minimum 8 h)"
    )


def test_enough_rest_is_no_conflict_and_exactly_the_minimum_is_enough():
    assert conflicts(INGRESS, NIGHT, RULES) is None  # 10:30 to 19:00 is 8.5 h
    assert conflicts(EGRESS, SUNDAY_SHOW, RULES) is None
    eight_later = shift(8, "2026-08-15 18:30", 2)  # ingress ends 10:30, plus exactly 8 h
    assert conflicts(INGRESS, eight_later, RULES) is None
    assert conflicts(INGRESS, eight_later, Rules(min_rest=timedelta(hours=8, minutes=1)))


def test_rest_is_measured_in_real_time_over_the_clock_change():
    # 00:30 to 07:30 on the wall is 8 real hours on the night the clocks fall back.
    late = Period(1, local("2026-10-31 16:30"), local("2026-11-01 00:30"))
    early = Period(2, local("2026-11-01 07:30"), local("2026-11-01 12:00"))
    assert conflicts(late, early, RULES) is None


def test_check_accepts_a_valid_assignment_and_ignores_other_people():
    others = [Assignment(8, 1, SHOW.id, "patrol_officer")]
    check(Assignment(7, 1, SHOW.id, "patrol_officer"), OFFICER, others, PERIODS, RULES, CHICAGO)


@pytest.mark.parametrize(
    ("existing", "new", "reason"),
    [
        (
            [],
            Assignment(7, 1, SHOW.id, "emt"),
            "person 7 (Chicago PD) does not hold the role emt",
        ),
        (
            [Assignment(7, 2, SHOW.id, "patrol_officer")],
            Assignment(7, 1, INGRESS.id, "patrol_officer"),
            "person 7 cannot work shift 1: already assigned to "
            "shift 2 (Sat 15 Aug 09:30–15:30), which overlaps it",
        ),
        (
            [Assignment(7, 2, SHOW.id, "patrol_officer")],
            Assignment(7, 1, SHOW.id, "patrol_officer"),
            "person 7 cannot work shift 2: already assigned to "
            "shift 2 (Sat 15 Aug 09:30–15:30), which overlaps it",
        ),
        (
            [Assignment(7, 2, INGRESS.id, "patrol_officer")],
            Assignment(7, 1, EGRESS.id, "patrol_officer"),
            "person 7 cannot work shift 3: only 4.5 h rest between shifts 1 and 3 (minimum 8 h)",
        ),
        (
            [Assignment(7, 2, SUNDAY_LATE.id, "patrol_officer")],
            Assignment(7, 1, NIGHT.id, "patrol_officer"),
            "person 7 would work 15.0 h on Sun 16 Aug, maximum 12 h",
        ),
        (
            [Assignment(7, 1, SHOW.id, "patrol_officer")],
            Assignment(7, 1, SHOW.id, "patrol_officer"),
            "person 7 is already assigned to zone 1, shift 2 as patrol_officer",
        ),
    ],
    ids=["role", "overlap", "same-shift", "rest", "hours", "duplicate"],
)
def test_check_refuses_with_a_reason_a_planner_understands(existing, new, reason):
    # Rest is shortened for the hours case, so only the hours rule can refuse it.
    rules = Rules(min_rest=timedelta(0)) if "h on" in reason else RULES
    with pytest.raises(RuleBroken) as refused:
        check(new, OFFICER, existing, PERIODS, rules, CHICAGO)
    assert refused.value.reason == reason
    assert str(refused.value) == reason


def test_hours_are_counted_per_local_day_not_per_shift():
    # 20:00-08:00 is 12 h, but 4 h on Saturday and 8 h on Sunday: both within 12 h a day.
    overnight = shift(10, "2026-08-15 20:00", 12)
    sunday_evening = shift(11, "2026-08-16 12:00", 4)  # 8 + 4 = 12 h on Sunday: allowed
    periods = {**PERIODS, 10: overnight, 11: sunday_evening}
    rules = Rules(min_rest=timedelta(hours=4))
    existing = [Assignment(7, 1, 10, "patrol_officer")]
    check(Assignment(7, 1, 11, "patrol_officer"), OFFICER, existing, periods, rules, CHICAGO)
    longer = shift(12, "2026-08-16 12:00", 4.5)
    with pytest.raises(RuleBroken, match=r"12\.5 h on Sun 16 Aug"):
        check(
            Assignment(7, 1, 12, "patrol_officer"),
            OFFICER,
            existing,
            {**periods, 12: longer},
            rules,
            CHICAGO,
        )


def test_violations_is_empty_for_a_valid_plan():
    plan = [
        Assignment(7, 1, INGRESS.id, "patrol_officer"),
        Assignment(7, 1, NIGHT.id, "patrol_officer"),
        Assignment(8, 2, SHOW.id, "emt"),
    ]
    people = {7: OFFICER, 8: Person(8, "Chicago Fire/EMS", frozenset({"emt"}))}
    assert violations(plan, people, PERIODS, RULES, CHICAGO) == []


def test_violations_finds_every_broken_rule_in_a_plan():
    people = {
        7: OFFICER,
        8: Person(8, "Chicago Fire/EMS", frozenset({"emt"})),
        9: Person(9, "Cook County Sheriff", frozenset({"patrol_officer"})),
        10: Person(10, "US Coast Guard", frozenset({"marine_unit"})),
    }
    plan = [
        Assignment(7, 1, INGRESS.id, "patrol_officer"),
        Assignment(7, 2, SHOW.id, "patrol_officer"),  # overlaps ingress
        Assignment(8, 1, SHOW.id, "patrol_officer"),  # not an officer
        Assignment(9, 1, INGRESS.id, "patrol_officer"),
        Assignment(9, 1, EGRESS.id, "patrol_officer"),  # 4.5 h rest
        Assignment(10, 3, SHOW.id, "marine_unit"),
        Assignment(10, 3, SHOW.id, "marine_unit"),  # twice
    ]
    found = violations(plan, people, PERIODS, RULES, CHICAGO)
    assert any("person 7: shift 1 overlaps shift 2" in v for v in found)
    assert any("person 8 does not hold the role patrol_officer" in v for v in found)
    assert any("person 9: shift 1 only 4.5 h rest" in v for v in found)
    assert any("appears 2 times" in v and "person_id=10" in v for v in found)
    assert len(found) == 4


def test_violations_finds_too_many_hours_in_a_day():
    people = {7: OFFICER}
    plan = [
        Assignment(7, 1, SUNDAY_LATE.id, "patrol_officer"),
        Assignment(7, 1, NIGHT.id, "patrol_officer"),
    ]
    found = violations(plan, people, PERIODS, Rules(min_rest=timedelta(0)), CHICAGO)
    assert found == ["person 7 would work 15.0 h on Sun 16 Aug, maximum 12 h"]


def test_violations_names_unknown_people_and_shifts():
    found = violations([Assignment(99, 1, 42, "emt")], {}, PERIODS, RULES, CHICAGO)
    assert len(found) == 1 and "unknown person or shift" in found[0]


def test_the_ledger_agrees_with_check_on_every_shift():
    """The solver's fast look-ups must refuse exactly what check() refuses (roles aside)."""
    existing = [Assignment(7, 1, INGRESS.id, "patrol_officer")]
    for rules in (RULES, Rules(min_rest=timedelta(0), max_hours_per_day=10)):
        ledger = Ledger.of({7: OFFICER}, PERIODS, existing, rules, CHICAGO)
        for shift_id in PERIODS:
            new = Assignment(7, 2, shift_id, "patrol_officer")
            try:
                check(new, OFFICER, existing, PERIODS, rules, CHICAGO)
                allowed = True
            except RuleBroken:
                allowed = False
            assert ledger.fits(7, shift_id) is allowed, (rules, shift_id)
