"""Feed sources as people add, change, pause, resume and poll them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.messages import N_, message_of
from common.validation import (
    DB_INT_MAX,
    InputError,
    NotFound,
    is_record_id,
    optional_number,
    text,
)
from common.writes import Change, Write
from planner.models import Event
from threats.models import FEED_KINDS, PUSH_ONLY, Credential, FeedSource
from threats.polling import credentials, incident_fields, poll_service, push_service, urls
from threats.polling.fetch import Fetcher, FetchError
from threats.polling.health import feed_status
from threats.screening.screening_service import screen_event

FEED_FIELDS = {"name", "url", "interval_s", "enabled", "kind", "screen_non_targets"}
FEED_FIELDS |= {"credential", "field_map", "timezone", "push_senders"}
# A source is someone else's server: nobody polls it more often than this. The demo, which
# polls its own replay on this machine, may go faster (DEMO_POLL_S).
MIN_INTERVAL_S = 10


def create_feed(
    w: Write, data: dict, fetcher: Fetcher, *, min_interval_s: float = MIN_INTERVAL_S
) -> Change[FeedSource]:
    """A new source, polled from the next scheduler sync on: {kind, url, interval_s, name,
    event_id, enabled, screen_non_targets, credential, field_map, timezone, push_senders}. The
    URL must be one the fetcher may reach (a cap-push feed has none: it is pushed to); the
    event must exist; a credential ({kind, secret, user, header}) is sealed at once; an
    incident feed's field map and zone are checked."""
    if not isinstance(data, dict):
        raise InputError(N_("expected a JSON object"))
    kind = _kind(data)
    feed = FeedSource(
        name=text(data, "name", required=False) or kind,
        kind=kind,
        url=_url(data, kind, fetcher),
        interval_s=_interval(data, 300, min_interval_s),
        enabled=data.get("enabled", True) is not False,
        event_id=_event_id(w, data.get("event_id")),
        screen_non_targets=_screen_non_targets(data) if "screen_non_targets" in data else False,
        field_map=incident_fields.field_map(data),
        timezone=incident_fields.feed_timezone(data),
        push_senders=push_service.checked_senders(data.get("push_senders", [])),
    )
    if data.get("credential") is not None:
        set_credential(feed, data["credential"], fetcher)
    w.session.add(feed)
    w.session.flush()
    after = feed_status(feed, w.now)
    return Change("feed.create", f"feed:{feed.id}", after=after, result=feed)


def update_feed(
    w: Write, feed_id: int, changes, fetcher: Fetcher, *, min_interval_s: float = MIN_INTERVAL_S
) -> Change[FeedSource]:
    """Pausing clears nothing; resuming closes the circuit breaker and polls at the next tick.
    The credential is kept unless `credential` is given (null removes it); a URL on another
    origin needs it given again, so a secret never follows a feed to another site."""
    feed = get_feed(w.session, feed_id)
    if not isinstance(changes, dict) or not changes:
        raise InputError(N_("send the fields to change"))
    unknown = set(changes) - FEED_FIELDS
    if unknown:
        raise InputError(N_("cannot change %(fields)s", fields=", ".join(sorted(unknown))))
    before = feed_status(feed, w.now)
    if "kind" in changes or "url" in changes:
        feed.kind = _kind(changes) if "kind" in changes else feed.kind
        keep = "url" in changes or feed.kind == PUSH_ONLY  # a push feed drops its URL
        url = _url(changes if keep else {"url": feed.url}, feed.kind, fetcher)
        feed.url = _moved(feed, url, "credential" in changes)
    if "credential" in changes:
        set_credential(feed, changes["credential"], fetcher)
    if "push_senders" in changes:
        feed.push_senders = push_service.checked_senders(changes["push_senders"])
    if "interval_s" in changes:
        feed.interval_s = _interval(changes, feed.interval_s, min_interval_s)
    if "name" in changes:
        feed.name = text(changes, "name")
    if "field_map" in changes:
        feed.field_map = incident_fields.field_map(changes)
    if "timezone" in changes:
        feed.timezone = incident_fields.feed_timezone(changes)
    if "enabled" in changes:
        enabled = _enabled(changes)
        if enabled and not feed.enabled:
            feed.next_attempt_at = feed.circuit_open_until = None
            feed.consecutive_blocks = 0
        feed.enabled = enabled
    if "screen_non_targets" in changes:
        wider = _screen_non_targets(changes) and not feed.screen_non_targets
        feed.screen_non_targets = _screen_non_targets(changes)
        if wider:
            _screen_everyone(w)
    w.session.flush()
    after = feed_status(feed, w.now)
    return Change("feed.update", f"feed:{feed.id}", after=after, before=before, result=feed)


def poll_now(
    w: Write, feed_id: int, fetcher: Fetcher, backoff_base_s: float
) -> Change[poll_service.PollResult]:
    """A person's "poll now": at once, even while the feed backs off."""
    if get_feed(w.session, feed_id).kind == PUSH_ONLY:
        raise InputError(N_("a cap-push feed is not polled: its partner pushes to it"))
    result = poll_service.poll_once(
        w.session, feed_id, fetch=fetcher, publish=w.publish, now=w.now, force=True,
        backoff_base_s=backoff_base_s,
    )  # fmt: skip
    feed = get_feed(w.session, feed_id)
    after = {
        "ok": result.ok,
        "items": result.items,
        "threats": result.threats,
        "errors": result.errors,
        "refused": result.refused,
        "feed": feed_status(feed, w.now),
    }
    return Change("feed.poll", f"feed:{feed_id}", after=after, result=result)


def set_credential(feed: FeedSource, given, fetcher: Fetcher) -> None:
    """Seal the credential given for the feed's URL (None or {kind: none} removes it). A
    new credential may open more of the source: its next poll reads it whole again."""
    credential = None if given is None else credentials.from_input(given, urls.origin(feed.url))
    if credential is not None and fetcher.secrets is None:
        raise InputError(N_("this deployment cannot keep feed credentials"), "credential")
    feed.credential_kind = credential.kind if credential else None
    feed.credential_header = (credential.header or None) if credential else None
    feed.credential_sealed = fetcher.secrets.seal(credential) if credential else None
    feed.etag = feed.last_modified = None


def _moved(feed: FeedSource, url: str, credential_given: bool) -> str:
    elsewhere = urls.origin(url) != urls.origin(feed.url)
    if feed.credential_sealed and not credential_given and elsewhere:
        raise InputError(
            N_("the new URL is on another site: give the credential again, or remove it"),
            "credential",
        )
    return url


def get_feed(session: Session, feed_id: int) -> FeedSource:
    feed = session.get(FeedSource, feed_id)
    if feed is None:
        raise NotFound(f"no feed {feed_id}")
    return feed


def checked_url(data: dict, fetcher: Fetcher) -> str:
    url = text(data, "url", max_len=2000)
    try:
        fetcher.check_url(url)
    except FetchError as exc:
        raise InputError(message_of(exc), "url") from exc
    return url


def rotate_push_token(w: Write, feed_id: int) -> Change[str]:
    """A new push token for the feed (the old one stops at once); the result, shown once."""
    return push_service.rotate_token(w, get_feed(w.session, feed_id))


def revoke_push_token(w: Write, feed_id: int) -> Change[FeedSource]:
    return push_service.revoke_token(w, get_feed(w.session, feed_id))


def _url(data: dict, kind: str, fetcher: Fetcher) -> str:
    """A polled feed's checked URL; a cap-push feed has none to poll."""
    if kind != PUSH_ONLY:
        return checked_url(data, fetcher)
    if data.get("url"):
        raise InputError(N_("a cap-push feed has no URL: its partner pushes to it"), "url")
    return ""


def _kind(data: dict) -> str:
    kind = text(data, "kind", max_len=32)
    if kind not in FEED_KINDS:
        raise InputError(N_("kind must be one of %(kinds)s", kinds=", ".join(FEED_KINDS)), "kind")
    return kind


def _interval(data: dict, default: int, minimum: float) -> int:
    return int(optional_number(data, "interval_s", minimum=minimum, maximum=DB_INT_MAX) or default)


def _enabled(data: dict) -> bool:
    if not isinstance(data["enabled"], bool):
        raise InputError(N_("enabled must be true or false"), "enabled")
    return data["enabled"]


def _screen_everyone(w: Write) -> None:
    """A feed now screens its non-targets: they are not "changed since the last screening",
    so every event's badge holders are screened against everything once, now."""
    w.session.flush()
    with_badges = select(Credential.event_id).distinct()
    for event in w.session.scalars(select(Event).where(Event.id.in_(with_badges))):
        screen_event(w.session, event, now=w.now, publish=w.publish, full=True)


def _screen_non_targets(data: dict) -> bool:
    if not isinstance(data["screen_non_targets"], bool):
        raise InputError(N_("screen_non_targets must be true or false"), "screen_non_targets")
    return data["screen_non_targets"]


def _event_id(w: Write, event_id) -> int | None:
    if event_id is None:
        return None
    if not is_record_id(event_id) or w.session.get(Event, event_id) is None:
        raise NotFound(f"no event {event_id!r}")
    return event_id
