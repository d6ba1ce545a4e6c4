"""Feed sources and the watchlist, as people change and search them."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from messages import N_, message_of
from planner import deployment
from planner import gaps as gap_module
from planner.models import Assignment, Zone
from threats.feeds.fetch import Fetcher, FetchError
from threats.models import FEED_KINDS, FeedSource, WatchlistRecord
from validation import InputError, optional_number, text


def update_feed(feed: FeedSource, changes, fetcher: Fetcher) -> FeedSource:
    """Pausing clears nothing; resuming closes the circuit breaker and polls at the next tick."""
    if not isinstance(changes, dict) or not changes:
        raise InputError(N_("send the fields to change"))
    unknown = set(changes) - {"name", "url", "interval_s", "enabled", "kind"}
    if unknown:
        raise InputError(N_("cannot change %(fields)s", fields=", ".join(sorted(unknown))))
    if "kind" in changes:
        kind = text(changes, "kind", max_len=32)
        if kind not in FEED_KINDS:
            raise InputError(
                N_("kind must be one of %(kinds)s", kinds=", ".join(FEED_KINDS)), "kind"
            )
        feed.kind = kind
    if "url" in changes:
        feed.url = checked_url(changes, fetcher)
    if "interval_s" in changes:
        feed.interval_s = int(optional_number(changes, "interval_s", minimum=10) or feed.interval_s)
    if "name" in changes:
        feed.name = text(changes, "name")
    if "enabled" in changes:
        if not isinstance(changes["enabled"], bool):
            raise InputError(N_("enabled must be true or false"), "enabled")
        if changes["enabled"] and not feed.enabled:
            feed.next_attempt_at = feed.circuit_open_until = None
            feed.consecutive_blocks = 0
        feed.enabled = changes["enabled"]
    return feed


def checked_url(data: dict, fetcher: Fetcher) -> str:
    url = text(data, "url", max_len=2000)
    try:
        fetcher.check_url(url)
    except FetchError as exc:
        raise InputError(message_of(exc), "url") from exc
    return url


def watchlist_rows(
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


def staffing_now(session: Session, event, zone_ids: list[int], now) -> list[dict]:
    """Per zone the threat touches: who is posted there in the shifts in force now, and the
    gap (required vs assigned) there now."""
    gaps = [g for g in deployment.gap_rows(session, event, at=now) if g.zone_id in zone_ids]
    active = gap_module.active_shift_ids(deployment.periods(session, event).values(), now)
    posted = session.scalars(
        select(Assignment).where(
            Assignment.event_id == event.id,
            Assignment.zone_id.in_(zone_ids or [-1]),
            Assignment.shift_id.in_(active or {-1}),
        )
    ).all()
    names = dict(
        session.execute(select(Zone.id, Zone.name).where(Zone.id.in_(zone_ids or [-1]))).all()
    )
    return [
        {
            "zone_id": zid,
            "zone": names.get(zid, ""),
            "required": sum(g.required for g in gaps if g.zone_id == zid),
            "assigned": sum(g.assigned for g in gaps if g.zone_id == zid),
            "short": sum(g.short for g in gaps if g.zone_id == zid),
            "on_duty": [
                {
                    "name": a.person.name,
                    "agency": a.person.agency.name,
                    "role": a.role,
                    "phone": a.person.phone,
                }
                for a in posted
                if a.zone_id == zid
            ],
        }
        for zid in zone_ids
    ]
