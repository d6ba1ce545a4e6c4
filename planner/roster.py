"""Reading a personnel roster CSV: one checked row per person, and why a row is refused."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from common.csvfiles import csv_text
from common.messages import N_, message_of
from planner.roles import RoleBook

MAX_ROWS = 50_000
MAX_BADGE_CHARS = 64  # Person.badge is String(64)
NAME_COLUMNS = ("name", "full_name")
ROLE_SPLIT = re.compile(r"[;|,]")


class RosterError(ValueError):
    """The file as a whole cannot be read (not CSV, no header, too big)."""


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    agency: str
    unit: str
    badge: str | None
    roles: tuple[str, ...]
    phone: str


@dataclass(frozen=True)
class Refused:
    line: int
    reason: str


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def read_roster(data: bytes, book: RoleBook) -> Roster:
    """Rows of a roster CSV (name, agency, unit, roles, badge, phone), each checked; a role is
    named by its code or any of its labels in `book`, and an unknown one refuses its line."""
    try:
        return _roster(_reader(data), book)
    except csv.Error as exc:
        raise RosterError(N_("not readable as CSV: %(error)s", error=str(exc))) from exc


def _roster(reader: csv.DictReader, book: RoleBook) -> Roster:
    roster, seen = Roster(), {}
    for number, record in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise RosterError(N_("more than %(max)d rows; split the file", max=MAX_ROWS))
        row_or_reason = _row(
            number, {k.strip().lower(): (v or "").strip() for k, v in record.items() if k}, book
        )
        if isinstance(row_or_reason, str):
            roster.refused.append(Refused(number, row_or_reason))
            continue
        key = (row_or_reason.agency.lower(), (row_or_reason.badge or row_or_reason.name).lower())
        if key in seen:
            same = N_("the same person as line %(line)d", line=seen[key])
            roster.refused.append(Refused(number, same))
            continue
        seen[key] = number
        roster.rows.append(row_or_reason)
    return roster


def _reader(data: bytes) -> csv.DictReader:
    try:
        text = csv_text(data)
    except ValueError as exc:
        raise RosterError(message_of(exc)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if not columns & {*NAME_COLUMNS, "first_name"} or "agency" not in columns:
        raise RosterError(
            N_("the header must name the columns name (or first_name, last_name) and agency")
        )
    return reader


def _row(line: int, record: dict[str, str], book: RoleBook) -> RosterRow | str:
    name = next((record[c] for c in NAME_COLUMNS if record.get(c)), "")
    if not name:
        name = " ".join(p for p in (record.get("first_name"), record.get("last_name")) if p)
    if not name:
        return N_("no name")
    if not record.get("agency"):
        return N_("no agency")
    written = [r.strip() for r in ROLE_SPLIT.split(record.get("roles", "")) if r.strip()]
    roles = tuple(dict.fromkeys(book.find(r) or "" for r in written))
    if "" in roles:
        return unknown_role(next(r for r in written if not book.find(r)), line, book)
    if not roles:
        return N_("no roles (list them in the roles column, separated by ;)")
    if len(name) > 200 or len(record["agency"]) > 200:
        return N_("name or agency longer than 200 characters")
    badge = record.get("badge") or record.get("badge_number") or None
    if badge is not None and len(badge) > MAX_BADGE_CHARS:
        return N_("badge longer than %(max)d characters", max=MAX_BADGE_CHARS)
    return RosterRow(
        line=line,
        name=name,
        agency=record["agency"],
        unit=record.get("unit", "")[:200],
        badge=badge,
        roles=roles,
        phone=record.get("phone", "")[:64],
    )


def unknown_role(written: str, line: int, book: RoleBook) -> str:
    """Why a line naming an unknown role is refused, with the nearest known role."""
    written = written[:64]
    near = book.nearest(written)
    if near is None:
        return N_(
            "unknown role '%(role)s' on line %(line)d: add it to the roles first",
            role=written,
            line=line,
        )
    return N_(
        "unknown role '%(role)s' on line %(line)d: did you mean %(label)s (%(code)s)?",
        role=written,
        line=line,
        label=near.named(),
        code=near.code,
    )
