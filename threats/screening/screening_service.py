"""Badge holders screened against the watchlists: import, screen what changed, decide."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.messages import message_of
from common.times import iso
from common.validation import InputError
from common.writes import Change, Publish, Write
from planner.models import Event
from threats import activity_service as activity
from threats.models import Credential, ScreeningHit, Threat
from threats.polling.watchlist_service import as_entry, screened
from threats.screening.credentials import RosterFileError, read_credentials
from threats.screening.screener import Candidate, Screener
from threats.serialize import threat_feature

HIT_STATUS = {
    "new": "new",
    "acknowledged": "confirmed",
    "assigned": "confirmed",
    "resolved": "confirmed",
    "dismissed": "dismissed",
}


def threat_decided(session: Session, threat: Threat, actor: str, now: datetime) -> None:
    """A commander's decision on a watchlist threat is the decision on its screening hit."""
    if "watchlist" not in (threat.category or "").split(","):
        return
    hit = session.scalar(select(ScreeningHit).where(ScreeningHit.threat_id == threat.id))
    status = HIT_STATUS[threat.status]
    if hit is not None and hit.status != status:
        hit.status, hit.decided_by, hit.decided_at = status, actor, now


# --- badge holders ---------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[dict] = field(default_factory=list)


def import_credentials(session: Session, event: Event, data: bytes, now: datetime) -> ImportReport:
    """Add or update badge holders; refused rows are reported, the others kept."""
    parsed = read_credentials(data)
    report = ImportReport(refused=[{"line": n, "reason": r} for n, r in parsed.refused])
    stored = {
        c.credential_id: c
        for c in session.scalars(select(Credential).where(Credential.event_id == event.id))
    }
    for row in parsed.rows:
        credential = stored.get(row.credential_id)
        if credential is None:
            credential = Credential(event_id=event.id, credential_id=row.credential_id)
            session.add(credential)
            report.created += 1
        elif credential.content_hash == row.digest and credential.organization == row.organization:
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        credential.full_name, credential.date_of_birth = row.full_name, row.date_of_birth
        credential.organization, credential.role = row.organization, row.role
        credential.nationality, credential.extra = row.nationality, row.extra
        credential.content_hash, credential.updated_at = row.digest, now
    session.flush()
    return report


def credential_json(c: Credential) -> dict:
    return {
        "id": c.id,
        "credential_id": c.credential_id,
        "full_name": c.full_name,
        "date_of_birth": c.date_of_birth,
        "organization": c.organization,
        "role": c.role,
        "nationality": c.nationality,
        "extra": c.extra,
    }


# --- screening ---------------------------------------------------------------------------

REVIEW_THRESHOLD = 85.0  # from here a hit is a threat a commander confirms or dismisses
LIST_SEVERITY = {
    "interpol-red": "severe",
    "fbi-wanted": "severe",
    "wanted": "severe",
    "sanctions": "severe",
    "crime": "moderate",
    "poi": "moderate",
    "lookout": "moderate",
    "interpol-yellow": "moderate",
    "debarment": "minor",
    "pep": "minor",  # exposed to risk, not a risk: screened only when listed as a target
    "other": "minor",
}


@dataclass
class ScreenResult:
    screened: int = 0
    hits: int = 0
    new_hits: int = 0
    reopened: int = 0
    threats: list[int] = field(default_factory=list)


def screen_event(
    session: Session, event: Event, *, now: datetime, publish: Publish, full: bool = False
) -> ScreenResult:
    """Screen what changed: new or changed badge holders against every active entry, and
    every badge holder against entries changed since the last screening (`full`: all)."""
    result = ScreenResult()
    entries = session.scalars(screened()).all()
    credentials = session.scalars(select(Credential).where(Credential.event_id == event.id)).all()
    since = None if full else event.screened_at
    due = [c for c in credentials if full or c.screened_hash != c.content_hash]
    pairs = _run(entries, due)
    changed_entries = [e for e in entries if since is not None and e.changed_at > since]
    if changed_entries:
        pairs += _run(changed_entries, credentials)
    result.screened = len(credentials) if changed_entries else len(due)
    for credential, entry, hit in _best(pairs):
        _keep(session, event, credential, entry, hit, now, publish, result)
    for credential in credentials:
        credential.screened_hash = credential.content_hash
    event.screened_at = now
    session.flush()
    return result


def _run(entries, credentials) -> list[tuple]:
    if not entries or not credentials:
        return []
    by_key = {str(e.id): e for e in entries}
    screener = Screener([replace(as_entry(e), source_id=str(e.id)) for e in entries])
    by_id = {str(c.id): c for c in credentials}
    candidates = [
        Candidate(str(c.id), c.full_name, c.date_of_birth, c.nationality) for c in credentials
    ]
    return [(by_id[h.candidate_id], by_key[h.watchlist_id], h) for h in screener.screen(candidates)]


def _best(pairs: list[tuple]) -> list[tuple]:
    """One hit per (badge holder, entry): the best score when both passes found it."""
    best: dict[tuple[int, int], tuple] = {}
    for credential, entry, hit in pairs:
        key = (credential.id, entry.id)
        if key not in best or hit.score > best[key][2].score:
            best[key] = (credential, entry, hit)
    return list(best.values())


def _keep(session, event, credential, entry, hit, now, publish, result: ScreenResult) -> None:
    row = session.scalar(
        select(ScreeningHit).where(
            ScreeningHit.credential_row_id == credential.id,
            ScreeningHit.watchlist_row_id == entry.id,
        )
    )
    result.hits += 1
    if row is not None and row.status == "dismissed" and row.entry_hash == entry.content_hash:
        return  # dismissed, and the entry has not changed since: it does not come back
    if row is None:
        row = ScreeningHit(
            event_id=event.id,
            credential_row_id=credential.id,
            watchlist_row_id=entry.id,
            found_at=now,
        )
        session.add(row)
        result.new_hits += 1
    elif row.status == "dismissed":
        row.status, row.decided_by, row.decided_at = "new", "", None
        result.reopened += 1
    row.score, row.explanation, row.entry_hash = (
        round(hit.score, 1),
        hit.explanation,
        entry.content_hash,
    )
    session.flush()
    if hit.score >= REVIEW_THRESHOLD and row.status == "new":
        _raise_threat(session, event, credential, entry, row, now, publish, result)


def _raise_threat(
    session, event, credential, entry, row: ScreeningHit, now, publish, result
) -> None:
    threat = session.get(Threat, row.threat_id) if row.threat_id else None
    created = threat is None
    if created:
        threat = Threat(
            event_id=event.id,
            source="screening",
            category="watchlist",
            kind="Watchlist match",
            first_seen=now,
        )
        session.add(threat)
    threat.source_id = f"{credential.credential_id}~{entry.source_id}"
    threat.severity = LIST_SEVERITY.get(entry.list_kind, "moderate")
    threat.title = (
        f"Badge {credential.credential_id} {credential.full_name} "
        f"may be {entry.name} ({entry.list_kind})"
    )
    threat.description = f"Score {row.score:.0f}: {row.explanation}"
    threat.status, threat.closed_reason, threat.updated_at = "new", "", now
    threat.zone_ids, threat.geometry = [], None
    session.flush()
    row.threat_id = threat.id
    activity.record(session, threat, "screening", "created" if created else "reopened", at=now)
    kind = "threat_created" if created else "threat_updated"
    publish(session, event.id, kind, threat_feature(threat, {}))
    result.threats.append(threat.id)


def hit_json(row: ScreeningHit) -> dict:
    return {
        "id": row.id,
        "credential_id": row.credential.credential_id,
        "full_name": row.credential.full_name,
        "watchlist_id": row.entry.source_id,
        "watchlist_name": row.entry.name,
        "list_kind": row.entry.list_kind,
        "score": row.score,
        "explanation": row.explanation,
        "status": row.status,
        "threat_id": row.threat_id,
        "found_at": row.found_at.isoformat(),
        "decided_by": row.decided_by,
        "decided_at": iso(row.decided_at),
    }


def add_credentials(w: Write, event: Event, data: bytes) -> Change[ImportReport]:
    """Badge holders from a CSV roster, screened at once; refused rows are reported."""
    try:
        report = import_credentials(w.session, event, data, w.now)
    except RosterFileError as exc:
        raise InputError(message_of(exc), "file") from exc
    result = screen_event(w.session, event, now=w.now, publish=w.publish)
    after = {**vars(report), "screening": vars(result)}
    return Change("credentials.import", f"event:{event.id}:credentials", after=after, result=report)


def run_screening(w: Write, event: Event, *, full: bool = False) -> Change[ScreenResult]:
    """Screen again now; `full` screens everyone against everything."""
    result = screen_event(w.session, event, now=w.now, publish=w.publish, full=full)
    target = f"event:{event.id}:screening"
    return Change("screening.run", target, after=vars(result), result=result)
