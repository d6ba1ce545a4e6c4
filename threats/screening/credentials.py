"""Reading an event's credential roster (badge holders) from CSV, each row checked."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field

from common.csvfiles import csv_text
from common.messages import N_, message_of

COLUMNS = ("credential_id", "full_name", "date_of_birth", "organization", "role", "nationality")
MAX_ROWS = 200_000
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RosterFileError(ValueError):
    """The file as a whole cannot be read as a credential roster."""


@dataclass(frozen=True)
class CredentialRow:
    line: int
    credential_id: str
    full_name: str
    date_of_birth: str
    organization: str
    role: str
    nationality: str
    extra: dict

    @property
    def digest(self) -> str:
        """What screening depends on; a change means the row must be screened again."""
        key = [self.full_name, self.date_of_birth, self.nationality]
        return hashlib.sha256(json.dumps(key).encode()).hexdigest()


@dataclass
class CredentialFile:
    rows: list[CredentialRow] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def read_credentials(data: bytes) -> CredentialFile:
    """Rows of `credential_id, full_name, date_of_birth, organization, role, nationality`;
    extra columns are kept, missing optional ones are empty."""
    try:
        text = csv_text(data)
    except ValueError as exc:
        raise RosterFileError(message_of(exc)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    out, seen = CredentialFile(), {}
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "credential_id" not in header or "full_name" not in header:
            raise RosterFileError(N_("the header must name at least credential_id and full_name"))
        for line, record in enumerate(reader, start=2):
            if line - 1 > MAX_ROWS:
                raise RosterFileError(N_("more than %(max)d rows; split the file", max=MAX_ROWS))
            _take(out, seen, line, {(k or "").strip().lower(): (v or "").strip()
                                    for k, v in record.items() if k})  # fmt: skip
    except csv.Error as exc:
        raise RosterFileError(N_("not readable as CSV: %(error)s", error=str(exc))) from exc
    return out


def _take(out: CredentialFile, seen: dict, line: int, record: dict) -> None:
    row = _row(line, record)
    if isinstance(row, str):
        out.refused.append((line, row))
    elif row.credential_id in seen:
        out.refused.append(
            (
                line,
                N_(
                    "credential %(id)s is already on line %(line)d",
                    id=row.credential_id,
                    line=seen[row.credential_id],
                ),
            )
        )
    else:
        seen[row.credential_id] = line
        out.rows.append(row)


def _row(line: int, record: dict[str, str]) -> CredentialRow | str:
    credential_id, name = record.get("credential_id", ""), record.get("full_name", "")
    if not credential_id:
        return N_("no credential_id")
    if not name:
        return N_("no full_name")
    born = record.get("date_of_birth", "")
    if born and not DATE.match(born):
        return N_("date_of_birth %(value)r is not YYYY-MM-DD", value=born)
    nationality = record.get("nationality", "").upper()
    if nationality and not re.fullmatch(r"[A-Z]{2}", nationality):
        return N_("nationality %(value)r is not a two-letter ISO code", value=nationality)
    if len(credential_id) > 100 or len(name) > 300:
        return N_("credential_id or full_name is too long")
    extra = {k: v for k, v in record.items() if k not in COLUMNS}
    return CredentialRow(line, credential_id, name, born, record.get("organization", "")[:300],
                         record.get("role", "")[:100], nationality, extra)  # fmt: skip


def rows_as_csv(rows: list) -> bytes:
    """Badge holders sent as JSON rows (the CSV's columns), as the CSV they stand for, so
    both are read and checked by one reader."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(r for r in rows if isinstance(r, dict))
    return out.getvalue().encode()
