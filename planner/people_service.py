"""Agencies and personnel: add one person, import a roster with a per-row report, and say
who is available to an event (only they are offered and auto-assigned there)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from common.messages import N_, message_of
from common.validation import InputError, is_record_id, text
from common.writes import Change, Write
from planner.models import Agency, Event, EventPerson, Person
from planner.roles import RoleBook
from planner.roster import Refused, Roster, RosterError, read_roster


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    refused: list[Refused] = field(default_factory=list)
    available: int | None = None  # made available to the event imported into, if any

    def as_json(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "available": self.available,
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


def read_roster_file(data: bytes, book: RoleBook) -> Roster:
    """A roster CSV read and checked row by row against the known roles; doors call it
    before any transaction begins, so parsing a large file holds no lock."""
    try:
        return read_roster(data, book)
    except RosterError as exc:  # the whole file: not CSV, or no usable header
        raise InputError(message_of(exc), "file") from exc


def import_roster(w: Write, roster: Roster, event: Event | None = None) -> Change[ImportReport]:
    """Create or update people from a read roster; refused rows are reported, the rest kept,
    and made available to `event` when one is given.

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
    target = "personnel:import"
    if event is not None:
        found = _known_people(session, set(owners))
        ids = {found[_key(o, r.badge, r.name)] for r, o in zip(roster.rows, owners, strict=True)}
        report.available = len(ids)
        _make_available(session, event.id, ids, w.now)
        target = f"event:{event.id}:people:import"
    return Change("personnel.import", target, after=report.as_json(), result=report)


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


def create_person(w: Write, data: dict, book: RoleBook) -> Change[Person]:
    session = w.session
    name, agency_name = text(data, "name"), text(data, "agency")
    unit = text(data, "unit", required=False)
    badge = text(data, "badge", required=False, max_len=64) or None
    phone = text(data, "phone", required=False, max_len=64)
    roles = data.get("roles")
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        raise InputError(N_("roles must be a non-empty list of role names"), "roles")
    for written in roles:
        if not book.find(written):
            raise InputError(unknown_role(written, book), "roles")
    person = Person(
        agency=agency(session, agency_name),
        name=name,
        unit=unit,
        badge=badge,
        phone=phone,
        roles=list(dict.fromkeys(book.find(r) for r in roles)),
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


def unknown_role(written: str, book: RoleBook) -> str:
    """Why a role a form or the API names is refused, with the nearest known role."""
    written = written.strip()[:64]
    near = book.nearest(written)
    if near is None:
        return N_("unknown role '%(role)s': add it to the roles first", role=written)
    return N_(
        "unknown role '%(role)s': did you mean %(label)s (%(code)s)?",
        role=written,
        label=near.named(),
        code=near.code,
    )


def available_ids(session: Session, event_id: int) -> set[int]:
    return set(
        session.scalars(select(EventPerson.person_id).where(EventPerson.event_id == event_id))
    )


def make_available(w: Write, event: Event, data: dict) -> Change[int]:
    """Add people to an event, by id (`person_ids`) or whole agencies (`agency_ids`)."""
    people, agencies = _id_lists(data, ("person_ids", "agency_ids"))
    ids = set(
        w.session.scalars(select(Person.id).where(Person.active.is_(True), Person.id.in_(people)))
    ) | set(
        w.session.scalars(
            select(Person.id).where(Person.active.is_(True), Person.agency_id.in_(agencies))
        )
    )
    if len(set(people) - ids) > 0:
        missing = min(set(people) - ids)
        raise InputError(N_("no active person %(person)d", person=missing), "person_ids")
    added = _make_available(w.session, event.id, ids, w.now)
    after = {"added": added, "person_ids": sorted(ids)}
    return Change("event.people.add", f"event:{event.id}:people", after=after, result=added)


def make_unavailable(w: Write, event: Event, data: dict) -> Change[int]:
    """Take people off an event's list; their assignments there stay until removed."""
    (people,) = _id_lists(data, ("person_ids",))
    mine = (EventPerson.event_id == event.id) & EventPerson.person_id.in_(people)
    gone = len(set(w.session.scalars(select(EventPerson.person_id).where(mine))))
    w.session.execute(delete(EventPerson).where(mine))
    after = {"removed": gone, "person_ids": sorted(set(people))}
    return Change("event.people.remove", f"event:{event.id}:people", after=after, result=gone)


def _id_lists(data, keys: tuple[str, ...]) -> tuple[list[int], ...]:
    if not isinstance(data, dict):
        raise InputError(N_("send {person_ids: [ids]} or {agency_ids: [ids]}"))
    lists = []
    for key in keys:
        ids = data.get(key, [])
        if not isinstance(ids, list) or not all(is_record_id(i) for i in ids):
            raise InputError(N_("%(field)s must be a list of ids", field=key), key)
        lists.append(ids)
    if not any(lists):
        raise InputError(N_("send {person_ids: [ids]} or {agency_ids: [ids]}"), keys[0])
    return tuple(lists)


def _make_available(session: Session, event_id: int, ids: set[int], now) -> int:
    new = sorted(ids - available_ids(session, event_id))
    if new:
        rows = [{"event_id": event_id, "person_id": p, "added_at": now} for p in new]
        session.execute(insert(EventPerson), rows)
    return len(new)
