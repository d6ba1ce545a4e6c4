"""Agencies and personnel: add one person, or import a roster with a per-row report."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from common.messages import N_, message_of
from common.validation import InputError, text
from common.writes import Change, Write
from planner.models import Agency, Person
from planner.roster import (
    Refused,
    Roster,
    RosterError,
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


def read_roster_file(data: bytes) -> Roster:
    """A roster CSV read and checked row by row; doors call it before any transaction
    begins, so parsing a large file holds no lock."""
    try:
        return read_roster(data)
    except RosterError as exc:  # the whole file: not CSV, or no usable header
        raise InputError(message_of(exc), "file") from exc


def import_roster(w: Write, roster: Roster) -> Change[ImportReport]:
    """Create or update people from a read roster; refused rows are reported, the rest kept.

    A person is found within the agency by badge, else by name. The whole file is written
    in a few statements (not one per row), so even 50,000 rows hold the write lock briefly.
    """
    session = w.session
    agencies: dict[str, Agency] = {}
    owners = [agency(session, row.agency, agencies).id for row in roster.rows]
    known = _known_people(session, set(owners))
    new: list[dict] = []
    changed: list[dict] = []
    for row, owner in zip(roster.rows, owners, strict=True):
        fields = {"name": row.name, "unit": row.unit, "roles": list(row.roles)}
        fields |= {"phone": row.phone, "active": True}
        found = known.get(_key(owner, row.badge, row.name))
        if isinstance(found, dict):  # a person this file adds, named again by name
            found.update(fields)
            changed.append(found)
        elif found is not None:
            changed.append(fields | {"id": found})
        else:
            new.append(_added(known, owner, row.badge, fields))
    _write_people(session, new, [c for c in changed if "id" in c])
    report = ImportReport(created=len(new), updated=len(changed), refused=list(roster.refused))
    return Change("personnel.import", "personnel:import", after=report.as_json(), result=report)


def _key(owner: int, badge: str | None, name: str) -> tuple:
    return (owner, "badge", badge) if badge else (owner, "name", name)


def _known_people(session: Session, owners: set[int]) -> dict[tuple, int | dict]:
    """The agencies' people by badge and by name (the oldest of a name, as a lookup by
    name finds it first)."""
    rows = session.execute(
        select(Person.id, Person.agency_id, Person.badge, Person.name)
        .where(Person.agency_id.in_(owners))
        .order_by(Person.id)
    )
    known: dict[tuple, int | dict] = {}
    for person_id, owner, badge, name in rows:
        if badge:
            known[(owner, "badge", badge)] = person_id
        known.setdefault((owner, "name", name), person_id)
    return known


def _added(known: dict, owner: int, badge: str | None, fields: dict) -> dict:
    """A new person's row, found by later rows of the file as a stored one would be."""
    row = fields | {"agency_id": owner, "badge": badge}
    if badge:
        known[(owner, "badge", badge)] = row
    known.setdefault((owner, "name", fields["name"]), row)
    return row


def _write_people(session: Session, new: list[dict], changed: list[dict]) -> None:
    if new:
        session.execute(insert(Person), new)
    if changed:
        session.execute(update(Person), changed)


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
