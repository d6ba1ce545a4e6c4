"""Staffing as plain data, and the hard rules every plan must keep: roles, overlap, rest, hours.

Times are aware datetimes. Durations are measured in real (UTC) time, so a shift over a
daylight-saving change is as long as people actually work; "per day" is the calendar day
in the event's time zone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from common.messages import N_, Moment

EPSILON_H = 1e-6  # float slack when comparing hours, so 12.0 h fits a 12 h maximum


@dataclass(frozen=True)
class Person:
    id: int
    agency: str
    roles: frozenset[str]
    unit: str = ""  # a unit within the agency, e.g. "CPD 18th District Bike Team"

    @property
    def team(self) -> tuple[str, str] | None:
        """The agency's own unit this person belongs to, if any (kept together on duty)."""
        return (self.agency, self.unit) if self.unit else None


@dataclass(frozen=True)
class Period:
    """An operational period (shift); it may overlap others and cross midnight."""

    id: int
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError(f"shift {self.id}: start and end need a time zone")
        if _utc(self.ends_at) <= _utc(self.starts_at):
            raise ValueError(f"shift {self.id}: ends at or before it starts")

    @property
    def hours(self) -> float:
        return (_utc(self.ends_at) - _utc(self.starts_at)).total_seconds() / 3600


@dataclass(frozen=True)
class Need:
    zone_id: int
    shift_id: int
    role: str
    required: int


@dataclass(frozen=True)
class Assignment:
    person_id: int
    zone_id: int
    shift_id: int
    role: str


@dataclass(frozen=True)
class Rules:
    min_rest: timedelta = timedelta(hours=8)
    max_hours_per_day: float = 12.0


class RuleBroken(ValueError):
    """An assignment that breaks a hard rule; `reason` is a sentence a planner understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _utc(moment: datetime) -> datetime:
    # Arithmetic between datetimes sharing one tzinfo is wall-clock; UTC makes it real time.
    return moment.astimezone(UTC)


def describe(period: Period) -> str:
    """'shift 3 (Sat 15 Aug 19:00–Sun 03:00)', in the period's own time zone."""
    start, end = period.starts_at, period.ends_at.astimezone(period.starts_at.tzinfo)
    same_day = end.date() == start.date()
    until = (
        Moment(end, ("Hm",), f"{end:%H:%M}")
        if same_day
        else Moment(end, ("E", "Hm"), f"{end:%a %H:%M}")
    )
    begins = Moment(start, ("MMMEd", "Hm"), f"{start:%a} {start.day} {start:%b} {start:%H:%M}")
    return N_("shift %(id)d (%(start)s–%(until)s)", id=period.id, start=begins, until=until)


def _day(day: date) -> str:
    return Moment(day, ("MMMEd",), f"{day:%a} {day.day} {day:%b}")


def hours_by_day(period: Period, tz: ZoneInfo) -> dict[date, float]:
    """Real hours worked on each local calendar day; a day may have 23 or 25 hours."""
    start, end = _utc(period.starts_at), _utc(period.ends_at)
    day = start.astimezone(tz).date()
    hours: dict[date, float] = {}
    while start < end:
        midnight = _utc(datetime.combine(day + timedelta(days=1), time(), tzinfo=tz))
        piece_end = min(end, midnight)
        hours[day] = (piece_end - start).total_seconds() / 3600
        start, day = piece_end, day + timedelta(days=1)
    return hours


def overlap(a: Period, b: Period) -> bool:
    """True if the two shifts share a moment (a shift overlaps itself)."""
    return a.id == b.id or (
        _utc(a.starts_at) < _utc(b.ends_at) and _utc(b.starts_at) < _utc(a.ends_at)
    )


def conflicts(a: Period, b: Period, rules: Rules) -> str | None:
    """None if one person may work both shifts; otherwise why not."""
    if overlap(a, b):
        return N_("overlaps %(shift)s", shift=describe(b))
    rest = max(_utc(b.starts_at) - _utc(a.ends_at), _utc(a.starts_at) - _utc(b.ends_at))
    if rest < rules.min_rest:
        first, second = sorted((a.id, b.id))
        return N_(
            "only %(rest)s h rest between shifts %(first)d and %(second)d (minimum %(min)s h)",
            rest=f"{rest.total_seconds() / 3600:.1f}",
            first=first,
            second=second,
            min=f"{rules.min_rest.total_seconds() / 3600:g}",
        )
    return None


def _day_totals(shift_ids: Iterable[int], day_hours: Mapping[int, dict[date, float]]):
    totals: dict[date, float] = defaultdict(float)
    for shift_id in shift_ids:
        for day, hours in day_hours[shift_id].items():
            totals[day] += hours
    return totals


def _too_long(person_id: int, day: date, hours: float, rules: Rules) -> str:
    return N_(
        "person %(person)d would work %(hours)s h on %(day)s, maximum %(max)s h",
        person=person_id,
        hours=f"{hours:.1f}",
        day=_day(day),
        max=f"{rules.max_hours_per_day:g}",
    )


def check(
    new: Assignment,
    person: Person,
    existing: Sequence[Assignment],
    periods: Mapping[int, Period],
    rules: Rules,
    tz: ZoneInfo,
) -> None:
    """Raise RuleBroken if `person` may not take `new` next to their existing assignments."""
    mine = [a for a in existing if a.person_id == person.id]
    if new in mine:
        raise RuleBroken(
            N_(
                "person %(person)d is already assigned to zone %(zone)d, shift %(shift)d as "
                "%(role)s",
                person=person.id,
                zone=new.zone_id,
                shift=new.shift_id,
                role=new.role,
            )
        )
    if new.role not in person.roles:
        raise RuleBroken(
            N_(
                "person %(person)d (%(agency)s) does not hold the role %(role)s",
                person=person.id,
                agency=person.agency,
                role=new.role,
            )
        )
    shift = periods[new.shift_id]
    for other in sorted({a.shift_id for a in mine}):
        if why := conflicts(shift, periods[other], rules):
            if overlap(shift, periods[other]):
                why = N_(
                    "already assigned to %(shift)s, which overlaps it",
                    shift=describe(periods[other]),
                )
            raise RuleBroken(
                N_(
                    "person %(person)d cannot work shift %(shift)d: %(why)s",
                    person=person.id,
                    shift=shift.id,
                    why=why,
                )
            )
    shift_ids = {a.shift_id for a in mine} | {shift.id}
    totals = _day_totals(shift_ids, {s: hours_by_day(periods[s], tz) for s in shift_ids})
    for day, hours in sorted(totals.items()):
        if hours > rules.max_hours_per_day + EPSILON_H:
            raise RuleBroken(_too_long(person.id, day, hours, rules))


def violations(
    assignments: Sequence[Assignment],
    people: Mapping[int, Person],
    periods: Mapping[int, Period],
    rules: Rules,
    tz: ZoneInfo,
) -> list[str]:
    """Every hard rule a whole plan breaks, one sentence each; empty for a valid plan."""
    found: list[str] = []
    for assignment, times in sorted(Counter(assignments).items(), key=lambda kv: repr(kv[0])):
        if times > 1:
            found.append(f"{assignment} appears {times} times")
    by_person: dict[int, list[Assignment]] = defaultdict(list)
    for a in dict.fromkeys(assignments):
        if a.person_id not in people or a.shift_id not in periods:
            found.append(f"{a} names an unknown person or shift")
        elif a.role not in people[a.person_id].roles:
            found.append(f"person {a.person_id} does not hold the role {a.role} ({a})")
        else:
            by_person[a.person_id].append(a)
    used = {a.shift_id for mine in by_person.values() for a in mine}
    day_hours = {shift_id: hours_by_day(periods[shift_id], tz) for shift_id in used}
    for person_id, mine in sorted(by_person.items()):
        found += _person_violations(person_id, mine, periods, rules, day_hours)
    return found


def _person_violations(
    person_id: int,
    mine: list[Assignment],
    periods: Mapping[int, Period],
    rules: Rules,
    day_hours: Mapping[int, dict[date, float]],
) -> list[str]:
    found = []
    for i, a in enumerate(mine):
        for b in mine[i + 1 :]:
            if why := conflicts(periods[a.shift_id], periods[b.shift_id], rules):
                found.append(f"person {person_id}: shift {a.shift_id} {why}")
    for day, hours in sorted(_day_totals({a.shift_id for a in mine}, day_hours).items()):
        if hours > rules.max_hours_per_day + EPSILON_H:
            found.append(_too_long(person_id, day, hours, rules))
    return found


@dataclass
class Ledger:
    """Who works which shifts and how many hours each day, so asking whether one more shift
    fits is a few set look-ups: check() for planners that try thousands of candidates."""

    people: Mapping[int, Person]
    periods: Mapping[int, Period]
    rules: Rules
    tz: ZoneInfo
    clash: dict[int, set[int]]  # shift -> shifts one person cannot also work (itself included)
    overlaps: dict[int, set[int]]  # shift -> shifts sharing a moment with it (itself included)
    day_hours: dict[int, dict[date, float]]
    shifts_of: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    hours_on: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    total: Counter = field(default_factory=Counter)  # person -> hours over all days

    @classmethod
    def of(cls, people, periods, existing: Iterable[Assignment], rules: Rules, tz: ZoneInfo):
        """A ledger holding `existing`, with clashes found only among shifts near in time."""
        clash = {s: {s} for s in periods}
        overlaps = {s: {s} for s in periods}
        order = sorted(periods.values(), key=lambda p: p.starts_at.timestamp())
        for i, a in enumerate(order):
            reach = a.ends_at.timestamp() + rules.min_rest.total_seconds()
            for b in order[i + 1 :]:
                if b.starts_at.timestamp() >= reach:
                    break
                if conflicts(a, b, rules):
                    clash[a.id].add(b.id), clash[b.id].add(a.id)
                if overlap(a, b):
                    overlaps[a.id].add(b.id), overlaps[b.id].add(a.id)
        day_hours = {s: hours_by_day(p, tz) for s, p in periods.items()}
        ledger = cls(people, periods, rules, tz, clash, overlaps, day_hours)
        for a in existing:
            if a.person_id not in people or a.shift_id not in periods:
                raise ValueError(f"{a} names an unknown person or shift")
            ledger.take(a.person_id, a.shift_id)
        return ledger

    def fits(self, person_id: int, shift_id: int) -> bool:
        """True if the person may also work this shift (roles aside)."""
        if not self.clash[shift_id].isdisjoint(self.shifts_of.get(person_id, ())):
            return False
        used = self.hours_on.get(person_id, {})
        cap = self.rules.max_hours_per_day + EPSILON_H
        return all(used.get(d, 0.0) + h <= cap for d, h in self.day_hours[shift_id].items())

    def take(self, person_id: int, shift_id: int) -> None:
        if shift_id not in self.shifts_of[person_id]:
            self.shifts_of[person_id].add(shift_id)
            for day, hours in self.day_hours[shift_id].items():
                self.hours_on[person_id][day] += hours
                self.total[person_id] += hours

    def start(self, shift_id: int) -> float:
        return self.periods[shift_id].starts_at.timestamp()
