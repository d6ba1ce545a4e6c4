"""The activity log (ICS 214 style) and the commander's status changes that feed it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.csvfiles import csv_table
from threats.models import ActivityEntry, Threat


def record(
    session: Session,
    threat: Threat,
    actor: str,
    action: str,
    *,
    at: datetime,
    before: str = "",
    note: str = "",
) -> ActivityEntry:
    entry = ActivityEntry(
        event_id=threat.event_id,
        threat_id=threat.id,
        actor=actor[:200],
        action=action,
        from_status=before,
        to_status=threat.status,
        assignee=threat.assignee,
        note=note,
        at=at,
    )
    session.add(entry)
    return entry


def entries(session: Session, event_id: int, threat_id: int | None = None) -> list[ActivityEntry]:
    query = select(ActivityEntry).where(ActivityEntry.event_id == event_id)
    if threat_id is not None:
        query = query.where(ActivityEntry.threat_id == threat_id)
    return list(session.scalars(query.order_by(ActivityEntry.at, ActivityEntry.id)))


def entry_json(entry: ActivityEntry) -> dict:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "threat_id": entry.threat_id,
        "action": entry.action,
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "assignee": entry.assignee,
        "note": entry.note,
    }


LOG_COLUMNS = (
    *("date_time", "actor", "threat_id", "threat", "action"),
    *("from_status", "to_status", "assignee", "note"),
)


def as_csv(rows: list[ActivityEntry], tz: str, titles: dict[int, str]) -> str:
    """ICS 214-style columns: date/time, who, the notable activity."""
    zone = ZoneInfo(tz)
    return csv_table(LOG_COLUMNS, (_log_row(e, zone, titles) for e in rows))


def _log_row(e: ActivityEntry, zone: ZoneInfo, titles: dict[int, str]) -> list:
    return [
        e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z"),
        e.actor,
        e.threat_id,
        titles.get(e.threat_id, ""),
        e.action,
        e.from_status,
        e.to_status,
        e.assignee,
        e.note,
    ]
