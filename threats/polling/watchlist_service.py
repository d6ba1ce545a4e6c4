"""Store watchlist entries on their source's own identity; mark the vanished as removed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, load_only

from common.times import iso
from threats.feeds import interpol
from threats.feeds.records import Lookout, WatchlistEntry
from threats.models import FeedSource, WatchlistRecord

FIELDS = (
    "list_kind",
    "name",
    "given_names",
    "family_name",
    "aliases",
    "weak_aliases",
    "birth_dates",
    "nationalities",
    "gender",
    "reason",
    "url",
    "extra",
    "target",
)

# How much of each text column a row keeps: a source's longer name or URL is cut to it (on
# PostgreSQL it failed the whole list's write); an id too long to keep is no identity.
_COLUMNS = WatchlistRecord.__table__.c
LENGTHS = {k: _COLUMNS[k].type.length for k in FIELDS if getattr(_COLUMNS[k].type, "length", None)}
SOURCE_ID_CHARS = _COLUMNS["source_id"].type.length


# What upsert reads of a stored row; the rest (names, JSON lists) is written, never read.
_COMPARED = (
    WatchlistRecord.source_id,
    WatchlistRecord.content_hash,
    WatchlistRecord.last_seen,
    WatchlistRecord.removed_at,
)


@dataclass
class Changes:
    added: list[WatchlistRecord]
    changed: list[WatchlistRecord]
    removed: list[WatchlistRecord]


def _values(entry: WatchlistEntry) -> dict:
    """The stored columns of an entry. Read field by field: `asdict` deep-copies every
    entry and was most of an unchanged list's upsert time."""
    values = {k: getattr(entry, k) for k in FIELDS}
    for k in ("aliases", "weak_aliases", "birth_dates", "nationalities"):
        values[k] = list(values[k])
    values["extra"] = json.loads(json.dumps(dict(values["extra"]), default=_plain))
    for k, length in LENGTHS.items():
        values[k] = values[k][:length]
    return values


def _plain(value: object) -> object:
    """A value JSON cannot hold, as `asdict` then `str` made it: a dataclass as a dict."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


def _digest(values: dict) -> str:
    # A target hashes as rows did before `target` was stored: the new column alone must not
    # make every stored entry "changed" and reopen every dismissed screening hit.
    hashed = {k: v for k, v in values.items() if not (k == "target" and v is True)}
    return hashlib.sha256(json.dumps(hashed, sort_keys=True, default=str).encode()).hexdigest()


def upsert(
    session: Session,
    feed_id: int,
    entries: Iterable[WatchlistEntry],
    now: datetime,
    *,
    complete: bool,
) -> Changes:
    """Add new entries, update changed ones, and, when the whole list was read, mark the
    ones that vanished as removed (a partial read removes nothing)."""
    stored = {
        r.source_id: r
        for r in session.scalars(
            select(WatchlistRecord)
            .where(WatchlistRecord.feed_id == feed_id)
            .options(load_only(*_COMPARED))
        )
    }
    changes, seen = Changes([], [], []), set()
    for entry in entries:
        if len(entry.source_id) > SOURCE_ID_CHARS:
            continue  # it cannot be stored, nor found again, under its own id
        seen.add(entry.source_id)
        values = _values(entry)
        digest = _digest(values)
        row = stored.get(entry.source_id)
        if row is None:
            row = WatchlistRecord(
                feed_id=feed_id,
                source_id=entry.source_id,
                first_seen=now,
                changed_at=now,
                content_hash=digest,
                last_seen=now,
                **values,
            )
            session.add(row)
            stored[entry.source_id] = row
            changes.added.append(row)
            continue
        if row.content_hash != digest or row.removed_at is not None:
            for key, value in values.items():
                setattr(row, key, value)
            row.content_hash, row.changed_at, row.removed_at = digest, now, None
            changes.changed.append(row)
    if complete:
        for source_id, row in stored.items():
            if source_id not in seen and row.removed_at is None:
                row.removed_at = now
                changes.removed.append(row)
    session.flush()
    _mark_seen(session, feed_id, seen, now, complete=complete)
    return changes


def _mark_seen(session: Session, feed_id: int, seen: set[str], now: datetime, *, complete: bool):
    """Set last_seen on every row this read saw, in one statement (or one per thousand
    of a partial read) rather than one UPDATE per row: a complete list is 20,000 rows."""
    query = update(WatchlistRecord).where(WatchlistRecord.feed_id == feed_id)
    if complete:  # what a complete read did not see is marked removed by now
        session.execute(query.where(WatchlistRecord.removed_at.is_(None)).values(last_seen=now))
        return
    ids = sorted(seen)
    for start in range(0, len(ids), 1000):
        chunk = WatchlistRecord.source_id.in_(ids[start : start + 1000])
        session.execute(query.where(chunk).values(last_seen=now))


def as_entry(row: WatchlistRecord) -> WatchlistEntry:
    return WatchlistEntry(
        source_id=row.source_id,
        list_kind=row.list_kind,
        name=row.name,
        aliases=tuple(row.aliases),
        weak_aliases=tuple(row.weak_aliases),
        given_names=row.given_names,
        family_name=row.family_name,
        birth_dates=tuple(row.birth_dates),
        nationalities=tuple(row.nationalities),
        gender=row.gender,
        reason=row.reason,
        url=row.url,
        extra=dict(row.extra or {}),
        target=row.target,
    )


def screened():
    """The entries badge holders and sightings are screened against: active ones that are
    targets of their list, or of a feed set to screen its non-targets too."""
    wide = select(FeedSource.id).where(FeedSource.screen_non_targets.is_(True))
    return select(WatchlistRecord).where(
        WatchlistRecord.removed_at.is_(None),
        or_(WatchlistRecord.target.is_(True), WatchlistRecord.feed_id.in_(wide)),
    )


def keep_details(session: Session, feed_id: int, entries: list[WatchlistEntry]) -> list:
    """A list page lacks what a notice's detail added when it was first read: keep it."""
    detailed = {
        r.source_id: r
        for r in session.scalars(select(WatchlistRecord).where(WatchlistRecord.feed_id == feed_id))
        if (r.extra or {}).get("detail")
    }
    out = []
    for entry in entries:
        row = detailed.get(entry.source_id)
        if row is not None and not entry.extra.get("detail"):
            entry = interpol.merge(entry, as_entry(row))
        out.append(entry)
    return out


def lookout_entries(lookouts: Iterable[Lookout]) -> list[WatchlistEntry]:
    """Lookouts kept beside the watchlists, so the same screening reads names and plates."""
    return [
        WatchlistEntry(
            source_id=item.source_id,
            list_kind="lookout",
            name=item.name or item.plate,
            reason=item.description,
            extra={
                "plate": item.plate,
                "issued_at": iso(item.issued_at),
                "point": list(item.geometry.coords[0]) if item.geometry is not None else None,
            },
        )
        for item in lookouts
    ]


def record_json(row: WatchlistRecord) -> dict:
    return {
        "id": row.id,
        "feed_id": row.feed_id,
        "watchlist_id": row.source_id,
        "list_kind": row.list_kind,
        "name": row.name,
        "given_names": row.given_names,
        "family_name": row.family_name,
        "aliases": row.aliases,
        "weak_aliases": row.weak_aliases,
        "birth_dates": row.birth_dates,
        "nationalities": row.nationalities,
        "gender": row.gender,
        "reason": row.reason,
        "url": row.url,
        "target": row.target,
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "removed_at": iso(row.removed_at),
    }


def search(
    session: Session, q: str, list_kind: str | None, *, include_removed: bool, limit: int
) -> list[WatchlistRecord]:
    query = select(WatchlistRecord).order_by(WatchlistRecord.name).limit(max(1, limit))
    if not include_removed:
        query = query.where(WatchlistRecord.removed_at.is_(None))
    if list_kind:
        query = query.where(WatchlistRecord.list_kind == list_kind)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(WatchlistRecord.name).like(like),
                func.lower(WatchlistRecord.source_id).like(like),
            )
        )
    return list(session.scalars(query))
