"""ICS 204 (assignment list per division and period) and ICS 215 (Required / Have / Need)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from common.csvfiles import csv_table
from planner.gaps import Gap

# The CSV columns; a person's export may put their own language's titles in the header row.
ICS204_COLUMNS = (
    "division",
    "operational_period",
    "leader",
    "role",
    "name",
    "agency",
    "unit",
    "contact",
    "work_assignment",
    "special_instructions",
    "communications",
)
ICS215_COLUMNS = ("work_assignment", "resource", "required", "have", "need")
# Who leads a division when the plan names no one: the most senior role present.
LEADER_ROLES = ("commander", "lieutenant", "sergeant", "supervisor", "team_leader")


@dataclass(frozen=True)
class Resource:
    name: str
    agency: str
    unit: str
    role: str
    contact: str


@dataclass(frozen=True)
class Prepared:
    """Who made the form (their name and role, in the reader's words) and when."""

    by: str
    when: str


@dataclass(frozen=True)
class DivisionNote:
    """What the planner wrote for one division in one period: radio channels, talkgroups
    and phones (box 8), and special instructions (box 7)."""

    communications: str = ""
    special_instructions: str = ""


@dataclass
class Assignment204:
    """One ICS 204: a division (zone) in one operational period."""

    division: str
    kind: str
    period: str
    instructions: str
    resources: list[Resource] = field(default_factory=list)
    required: int = 0
    note: DivisionNote = DivisionNote()

    @property
    def leader(self) -> Resource | None:
        for role in LEADER_ROLES:
            for r in self.resources:
                if r.role == role:
                    return r
        return None


def ics204(
    zones: Iterable[tuple[int, str, str, str]],
    resources: Mapping[int, list[Resource]],
    required: Mapping[int, int],
    period: str,
    notes: Mapping[int, DivisionNote] | None = None,
) -> list[Assignment204]:
    """One form per zone that has people, needs them or has a note for the period; zones
    are (id, name, kind, the zone's own notes)."""
    forms = []
    notes = notes or {}
    for zone_id, name, kind, zone_notes in zones:
        people = sorted(resources.get(zone_id, []), key=lambda r: (r.role, r.agency, r.name))
        note = notes.get(zone_id, DivisionNote())
        if people or required.get(zone_id) or note != DivisionNote():
            need = required.get(zone_id, 0)
            forms.append(Assignment204(name, kind, period, zone_notes, people, need, note))
    return forms


def ics204_csv(forms: Iterable[Assignment204], headings: Sequence[str] = ICS204_COLUMNS) -> str:
    return csv_table(headings, (_row204(form, r) for form in forms for r in form.resources))


def _row204(form: Assignment204, r: Resource) -> list[str]:
    leader = form.leader.name if form.leader else ""
    who = [r.role, r.name, r.agency, r.unit, r.contact]
    note = [form.note.special_instructions, form.note.communications]
    return [form.division, form.period, leader, *who, form.instructions, *note]


@dataclass(frozen=True)
class Row215:
    work_assignment: str
    role: str
    required: int
    have: int

    @property
    def need(self) -> int:
        return max(self.required - self.have, 0)


def ics215(rows: Iterable[Gap], zone_names: Mapping[int, str]) -> list[Row215]:
    """Required / Have / Need per zone and resource kind, from the gap rows of one period."""
    summed: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        totals = summed[(zone_names.get(row.zone_id, str(row.zone_id)), row.role)]
        totals[0] += row.required
        totals[1] += row.assigned
    return [Row215(zone, role, req, have) for (zone, role), (req, have) in sorted(summed.items())]


@dataclass(frozen=True)
class Total215:
    role: str
    required: int
    have: int
    need: int  # the sum of each zone's need: a surplus in one zone fills no gap in another


def totals215(rows: Iterable[Row215]) -> list[Total215]:
    """Per resource kind across every work assignment (the form's bottom line)."""
    summed: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        t = summed[row.role]
        t[0], t[1], t[2] = t[0] + row.required, t[1] + row.have, t[2] + row.need
    return [Total215(role, *t) for role, t in sorted(summed.items())]


def ics215_csv(rows: Iterable[Row215], headings: Sequence[str] = ICS215_COLUMNS) -> str:
    return csv_table(
        headings, ([r.work_assignment, r.role, r.required, r.have, r.need] for r in rows)
    )
