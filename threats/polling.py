"""Poll one feed source: fetch, parse, ingest into its events, record health, publish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.models import Event
from threats.feeds import cap
from threats.feeds.errors import FeedFormatError
from threats.feeds.fetch import FetchError, FetchResult
from threats.ingest import EventContext, Publish, ingest_alert
from threats.models import FeedItem, FeedSource

Fetch = Callable[..., FetchResult]
SUPPORTED_KINDS = ("cap", "cap-atom")


@dataclass
class PollResult:
    feed_id: int
    ok: bool
    not_modified: bool = False
    items: int = 0
    alerts: int = 0
    threats: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def poll_feed(
    session: Session, feed: FeedSource, *, fetch: Fetch, publish: Publish, now: datetime
) -> PollResult:
    """Poll once and commit; a failed poll records its error and keeps the last good data."""
    result = PollResult(feed.id, ok=False)
    feed.last_polled_at = now
    try:
        response = _fetch_feed(feed, fetch)
        if response.not_modified:
            result.ok = result.not_modified = True
        else:
            alerts = _read(session, feed, response.body, fetch, result)
            _ingest(session, feed, alerts, now, publish, result)
            feed.etag, feed.last_modified = response.etag, response.last_modified
            result.ok = True
    except (FetchError, FeedFormatError) as exc:
        session.rollback()
        feed = session.get(FeedSource, result.feed_id)
        feed.last_polled_at = now
        result.errors.append(str(exc))
    _record_health(feed, result, now)
    if feed.event_id is not None:
        publish(session, feed.event_id, "feed_status", feed_status(feed))
    session.commit()
    return result


def _fetch_feed(feed: FeedSource, fetch: Fetch) -> FetchResult:
    if feed.kind not in SUPPORTED_KINDS:
        raise FeedFormatError(f"feed kind {feed.kind!r} is not read yet")
    return fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)


def _read(session, feed, body: bytes, fetch: Fetch, result: PollResult) -> list[cap.Alert]:
    """The alerts of a CAP document or of the new entries of a CAP ATOM index."""
    if not cap.is_atom(body):
        result.items = 1
        return [cap.parse_alert(body)]
    alerts = []
    entries = cap.parse_atom_index(body)
    result.items = len(entries)
    for entry in entries:
        if _seen(session, feed.id, entry):
            continue
        try:
            alerts.append(cap.parse_alert(fetch(entry.link).body))
        except (FetchError, FeedFormatError) as exc:
            result.errors.append(f"entry {entry.id}: {exc}")  # retried at the next poll
            continue
        session.add(FeedItem(feed_id=feed.id, item_key=entry.id, version=_version(entry)))
    return alerts


def _version(entry: cap.AtomEntry) -> str:
    return entry.updated.isoformat() if entry.updated else ""


def _seen(session: Session, feed_id: int, entry: cap.AtomEntry) -> bool:
    item = session.scalar(
        select(FeedItem).where(FeedItem.feed_id == feed_id, FeedItem.item_key == entry.id)
    )
    if item is None:
        return False
    if item.version == _version(entry):
        return True
    session.delete(item)  # changed entry: read it again
    session.flush()
    return False


def _ingest(session, feed, alerts, now, publish, result: PollResult) -> None:
    alerts = sorted(alerts, key=lambda a: a.sent)  # originals before their updates and cancels
    result.alerts = len(alerts)
    for event in _target_events(session, feed, now):
        ctx = EventContext.load(session, event)
        for alert in alerts:
            threat = ingest_alert(session, ctx, alert, feed, now=now, publish=publish)
            if threat is not None:
                result.threats.append(threat.id)


def _target_events(session: Session, feed: FeedSource, now: datetime) -> list[Event]:
    """The feed's own event, or every event that has not ended when the feed has none."""
    if feed.event_id is not None:
        return [session.get(Event, feed.event_id)]
    return list(session.scalars(select(Event).where(Event.ends_at > now)))


def _record_health(feed: FeedSource, result: PollResult, now: datetime) -> None:
    if result.ok:
        feed.last_success_at = now
        feed.consecutive_failures = 0
        feed.item_count = feed.item_count if result.not_modified else result.items
    else:
        feed.consecutive_failures += 1
    if result.errors:
        feed.last_error, feed.last_error_at = "; ".join(result.errors)[:4000], now
    elif result.ok:
        feed.last_error = None


def feed_status(feed: FeedSource) -> dict:
    return {
        "id": feed.id,
        "name": feed.name,
        "kind": feed.kind,
        "url": feed.url,
        "interval_s": feed.interval_s,
        "enabled": feed.enabled,
        "event_id": feed.event_id,
        "healthy": feed.consecutive_failures == 0 and not feed.last_error,
        "last_polled_at": _iso(feed.last_polled_at),
        "last_success_at": _iso(feed.last_success_at),
        "last_error": feed.last_error,
        "last_error_at": _iso(feed.last_error_at),
        "consecutive_failures": feed.consecutive_failures,
        "item_count": feed.item_count,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
