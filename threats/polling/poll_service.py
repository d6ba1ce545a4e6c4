"""Poll one feed source: read it, store what it says, record its health, publish.

A failed or partial poll never erases or corrupts the last good data: nothing read in a
failed poll is kept, and watchlist entries are only marked removed after a complete read.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.writes import Publish
from planner.models import Event
from threats.feeds.errors import FeedFormatError
from threats.models import Credential, FeedItem, FeedSource
from threats.polling import backoff, urls
from threats.polling import watchlist_service as watchlist
from threats.polling.accept import accept_for
from threats.polling.fetch import Access, Blocked, FetchError, FetchResult, Refused
from threats.polling.health import feed_status
from threats.polling.intake_service import ingest_records
from threats.polling.readers import READERS, Harvest, Source
from threats.screening.screening_service import screen_event

Fetch = Callable[..., FetchResult]
log = logging.getLogger(__name__)


@dataclass
class PollResult:
    feed_id: int
    ok: bool
    skipped: bool = False
    not_modified: bool = False
    items: int = 0
    threats: list[int] = field(default_factory=list)
    watchlist: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    refused: int = 0  # links not followed and CAP references not applied: see errors
    rejected: list[str] = field(default_factory=list)  # malformed records refused, rest kept
    unplaced: int = 0  # alerts with no area and no code an event declared: in no event


def poll_feed(
    session: Session,
    feed: FeedSource,
    *,
    fetch: Fetch,
    publish: Publish,
    now: datetime,
    force: bool = False,
    rng: random.Random | None = None,
    backoff_base_s: float = backoff.BASE_S,
) -> PollResult:
    """Poll once and commit. Unless forced, a feed that is backing off is left alone."""
    result = PollResult(feed.id, ok=False)
    if not force and not backoff.may_poll(now, feed.next_attempt_at):
        result.ok = result.skipped = True
        return result
    verdict = None
    try:
        harvest = _read(session, feed, fetch)
        feed.last_polled_at = now
        result.not_modified, result.errors = harvest.not_modified, list(harvest.errors)
        result.refused, result.rejected = harvest.refused, list(harvest.rejected)
        if not harvest.not_modified:
            _store(session, feed, harvest, now, publish, result)
            feed.etag, feed.last_modified = harvest.etag, harvest.last_modified
        result.ok = True
    except (FetchError, FeedFormatError) as exc:
        session.rollback()
        feed = session.get(FeedSource, result.feed_id)
        feed.last_polled_at = now
        result.errors.append(str(exc))
        result.refused = int(isinstance(exc, Refused))
        verdict = _failed(feed, exc, now, rng, backoff_base_s)
    _record_health(feed, result, now, verdict)
    if feed.event_id is not None:
        publish(session, feed.event_id, "feed_status", feed_status(feed, now))
    session.commit()
    return result


def _read(session: Session, feed: FeedSource, fetch: Fetch) -> Harvest:
    reader = READERS.get(feed.kind)
    if reader is None:
        raise FeedFormatError(f"feed kind {feed.kind!r} is not known")
    known = session.execute(
        select(FeedItem.item_key, FeedItem.version).where(FeedItem.feed_id == feed.id)
    )
    source = Source(
        feed.kind,
        feed.url,
        feed.etag,
        feed.last_modified,
        _tz(session, feed),
        frozenset((k, v) for k, v in known),
        field_map=feed.field_map,
    )
    access = access_of(feed)
    # No transaction stays open while the network is slow: on SQLite it would hold the
    # write lock (BEGIN IMMEDIATE) and stall every other writer until the feed answered.
    session.commit()
    return reader(source, partial(fetch, access=access))


def access_of(feed: FeedSource) -> Access:
    """What each of the feed's fetches sends: the Accept of its kind and, sealed, its
    credential for its URL's origin (the fetcher opens it, and sends it nowhere else)."""
    return Access(accept_for(feed.kind), urls.origin(feed.url), feed.credential_sealed)


def _tz(session: Session, feed: FeedSource) -> ZoneInfo:
    if feed.timezone:  # the feed's own zone, checked when it was set
        return ZoneInfo(feed.timezone)
    event = session.get(Event, feed.event_id) if feed.event_id else None
    return ZoneInfo(event.timezone if event else "UTC")


def _store(session, feed, harvest: Harvest, now, publish, result: PollResult) -> None:
    result.items = harvest.items
    if harvest.field_guess is not None:
        feed.field_guess = harvest.field_guess
    for key, version in harvest.new_items:
        session.add(FeedItem(feed_id=feed.id, item_key=key, version=version))
    entries = harvest.entries + watchlist.lookout_entries(harvest.lookouts)
    if feed.kind.startswith("interpol-"):
        entries = watchlist.keep_details(session, feed.id, entries)
    if entries or (harvest.complete and feed.kind not in ("cap", "cap-atom", "nws")):
        changes = watchlist.upsert(session, feed.id, entries, now, complete=harvest.complete)
        result.watchlist = {
            "added": len(changes.added),
            "changed": len(changes.changed),
            "removed": len(changes.removed),
        }
    if harvest.alerts or harvest.incidents:
        _ingest(session, feed, harvest, now, publish, result)


def _ingest(session, feed, harvest: Harvest, now, publish, result: PollResult) -> None:
    done = ingest_records(session, feed, harvest.alerts, now, publish, harvest.incidents)
    result.threats += done.threats
    result.unplaced = done.unplaced
    result.refused += len(done.refused)
    result.errors += done.refused


def _failed(feed: FeedSource, exc: Exception, now: datetime, rng, base_s) -> backoff.Verdict:
    feed.consecutive_failures += 1
    feed.consecutive_blocks = feed.consecutive_blocks + 1 if isinstance(exc, Blocked) else 0
    return backoff.after_failure(
        now,
        feed.consecutive_failures,
        retry_after_s=getattr(exc, "retry_after_s", None),
        blocks=feed.consecutive_blocks,
        rng=rng,
        base_s=base_s,
    )


def _record_health(feed: FeedSource, result: PollResult, now: datetime, verdict) -> None:
    if result.ok:
        feed.last_success_at = now
        feed.consecutive_failures = feed.consecutive_blocks = 0
        feed.next_attempt_at = feed.circuit_open_until = None
        if not result.not_modified:
            feed.item_count, feed.unplaced_count = result.items, result.unplaced
    else:
        feed.next_attempt_at, feed.circuit_open_until = (
            verdict.next_attempt_at,
            verdict.circuit_open_until,
        )
    if result.errors or result.rejected:
        counted = [f"{result.refused} refused"] if result.refused else []
        said = "; ".join(counted + _records_refused(result) + result.errors)
        feed.last_error, feed.last_error_at = said[:4000], now
    elif result.ok:
        feed.last_error = None


MAX_REASONS = 5  # the health line names the first few; the count says how many in all


def _records_refused(result: PollResult) -> list[str]:
    """'3 of 60 records refused: record 7 (id X): no name; ...', or nothing."""
    if not result.rejected:
        return []
    shown = "; ".join(result.rejected[:MAX_REASONS])
    more = len(result.rejected) - MAX_REASONS
    tail = f"; and {more} more" if more > 0 else ""
    return [f"{len(result.rejected)} of {result.items} records refused: {shown}{tail}"]


def poll_once(
    session: Session,
    feed_id: int,
    *,
    fetch: Fetch,
    publish: Publish,
    now: datetime,
    force: bool = False,
    backoff_base_s: float = backoff.BASE_S,
) -> PollResult | None:
    """Poll one feed (None when there is no such feed); when a watchlist changed, screen
    the badge holders of every event again against what changed."""
    feed = session.get(FeedSource, feed_id)
    if feed is None:
        return None
    result = poll_feed(
        session, feed, fetch=fetch, publish=publish, now=now, force=force,
        backoff_base_s=backoff_base_s,
    )  # fmt: skip
    if not result.ok:
        log.warning("feed %s poll failed: %s", feed_id, "; ".join(result.errors))
    if result.watchlist.get("added") or result.watchlist.get("changed"):
        rescreen(session, now=now, publish=publish)
    return result


def rescreen(session: Session, *, now: datetime, publish: Publish) -> None:
    """A watchlist changed: screen every event's badge holders against what changed."""
    events = session.scalars(
        select(Event).where(Event.id.in_(select(Credential.event_id).distinct()))
    ).all()
    for event in events:
        screen_event(session, event, now=now, publish=publish)
        session.commit()
