"""A feed source's health as people and viewers see it: its state, lag, counts and errors."""

from __future__ import annotations

from datetime import datetime, timedelta

from common.times import iso
from threats.models import FeedSource
from threats.polling.incident_fields import fields_shown


def feed_state(feed: FeedSource, now: datetime) -> str:
    """ok, paused, failing, backing off, or blocked (circuit open)."""
    if not feed.enabled:
        return "paused"
    if feed.circuit_open_until and now < feed.circuit_open_until:
        return "blocked"
    if feed.consecutive_failures:
        return "backing off" if feed.next_attempt_at and now < feed.next_attempt_at else "failing"
    if feed.last_error:
        return "partial"
    return "ok" if feed.last_success_at else "new"


def next_poll(feed: FeedSource) -> datetime | None:
    """When the scheduler polls the feed next: an interval after the last poll, or later
    while it backs off; None when paused, only pushed to, or never polled yet."""
    if not feed.enabled or feed.kind == "cap-push" or feed.last_polled_at is None:
        return None
    due = feed.last_polled_at + timedelta(seconds=feed.interval_s)
    return max(due, feed.next_attempt_at) if feed.next_attempt_at else due


def feed_status(feed: FeedSource, now: datetime) -> dict:
    lag = (now - feed.last_success_at).total_seconds() if feed.last_success_at else None
    state = feed_state(feed, now)
    return {
        "id": feed.id,
        "name": feed.name,
        "kind": feed.kind,
        "url": feed.url,
        "interval_s": feed.interval_s,
        "enabled": feed.enabled,
        "event_id": feed.event_id,
        "state": state,
        "healthy": state in ("ok", "new"),
        "last_polled_at": iso(feed.last_polled_at),
        "last_success_at": iso(feed.last_success_at),
        "lag_s": round(lag, 1) if lag is not None else None,
        "last_error": feed.last_error,
        "last_error_at": iso(feed.last_error_at),
        "consecutive_failures": feed.consecutive_failures,
        "next_attempt_at": iso(feed.next_attempt_at),
        "circuit_open_until": iso(feed.circuit_open_until),
        "item_count": feed.item_count,
        "screen_non_targets": feed.screen_non_targets,
        "credential": credential_shown(feed),
        # Alerts of the last read with no polygon or circle and no code any event declared.
        "unplaced_count": feed.unplaced_count or 0,
        "field_map": feed.field_map,
        "field_guess": feed.field_guess,
        "timezone": feed.timezone,
        "field_roles": fields_shown(feed.field_map, feed.field_guess),
        "push": push_status(feed),
    }


def push_status(feed: FeedSource) -> dict:
    """Whether the feed takes pushes, since when, and from which senders (never the token)."""
    return {
        "token": feed.push_token_hash is not None,
        "token_set_at": iso(feed.push_token_set_at),
        "senders": list(feed.push_senders or []),
    }


def credential_shown(feed: FeedSource) -> dict | None:
    """The credential's kind (and header name) only: its secret is never shown back."""
    if not feed.credential_kind:
        return None
    shown = {"kind": feed.credential_kind}
    return shown | {"header": feed.credential_header} if feed.credential_header else shown
