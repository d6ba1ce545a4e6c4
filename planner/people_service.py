"""Agencies and personnel: add one person, or import a roster with a per-row report."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.messages import N_, message_of
from common.validation import InputError, text
from common.writes import Change, Write
from planner.models import Agency, Person
from planner.roster import (
    Refused,
    RosterError,
    RosterRow,
    is_role,
    normalise_role,
    read_roster,
)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    refused: list[Refused] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "refused": [{"line": r.line, "reason": r.reason} for r in self.refused],
        }


def agency(session: Session, name: str, cache: dict[str, Agency] | None = None) -> Agency:
    """The agency of that name, created on first use (names compare case-insensitively)."""
    name = name.strip()
    key = name.lower()
    if cache is not None and key in cache:
        return cache[key]
    # The exact name first: SQLite's lower() folds only ASCII, so lower('École') is not 'école'.
    found = session.scalar(select(Agency).where(Agency.name == name)) or session.scalar(
        select(Agency).where(func.lower(Agency.name) == key)
    )
    if found is None:
        found = Agency(name=name)
        session.add(found)
        session.flush()
    if cache is not None:
        cache[key] = found
    return found


def import_roster(w: Write, data: bytes) -> Change[ImportReport]:
    """Create or update people from a CSV; refused rows are reported, the rest kept."""
    session = w.session
    try:
        roster = read_roster(data)
    except RosterError as exc:  # the whole file: not CSV, or no usable header
        raise InputError(message_of(exc), "file") from exc
    report = ImportReport(refused=list(roster.refused))
    agencies: dict[str, Agency] = {}
    for row in roster.rows:
        _, created = _upsert(session, row, agency(session, row.agency, agencies))
        report.created += created
        report.updated += not created
    session.flush()
    return Change("personnel.import", "personnel:import", after=report.as_json(), result=report)


def _upsert(session: Session, row: RosterRow, owner: Agency) -> tuple[Person, bool]:
    match = Person.badge == row.badge if row.badge else Person.name == row.name
    person = session.scalar(select(Person).where(Person.agency_id == owner.id, match))
    created = person is None
    if created:
        person = Person(agency=owner, badge=row.badge)
        session.add(person)
    person.name, person.unit, person.roles, person.phone = (
        row.name,
        row.unit,
        list(row.roles),
        row.phone,
    )
    person.active = True
    return person, created


def create_person(w: Write, data: dict) -> Change[Person]:
    session = w.session
    roles = data.get("roles")
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        raise InputError(N_("roles must be a non-empty list of role names"), "roles")
    roles = list(dict.fromkeys(normalise_role(r) for r in roles))
    if not all(is_role(r) for r in roles):
        raise InputError(N_("a role is letters, digits and underscores"), "roles")
    person = Person(
        agency=agency(session, text(data, "agency")),
        name=text(data, "name"),
        unit=text(data, "unit", required=False),
        badge=text(data, "badge", required=False, max_len=64) or None,
        phone=text(data, "phone", required=False, max_len=64),
        roles=roles,
    )
    session.add(person)
    session.flush()
    return Change("person.create", f"person:{person.id}", after=person_json(person), result=person)


def person_json(person: Person) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "agency": person.agency.name,
        "unit": person.unit,
        "badge": person.badge,
        "roles": person.roles,
        "phone": person.phone,
        "active": person.active,
    }
