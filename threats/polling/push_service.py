"""Alerts a partner pushes to one of our CAP feeds: the feed's own token, its allow-list of
senders, the same limits as a poll, and the same ingest path (intake_service).

A push token opens one door only, `POST /api/v1/feeds/<id>/push` of its own feed: it is
no API token and no user's. Like an API token it is shown once and only its SHA-256 is
kept, so a copy of the database pushes nothing.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session

from accounts import security
from common.messages import N_
from common.validation import InputError
from common.writes import Change, Write
from threats.feeds import cap
from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Page
from threats.models import PUSH_KINDS, PUSH_ONLY, FeedSource
from threats.polling.health import feed_state, feed_status, push_status
from threats.polling.intake_service import already_carried, ingest_records

PUSH_TYPES = frozenset({"application/cap+xml", "application/xml", "text/xml"})
STATUS_EVERY_S = 60  # how stale a push feed's "last success" may look on the live map
MAX_SENDERS = 50
MAX_SENDER_LEN = 255


class PushRefused(Exception):
    """A push not taken: its HTTP status, a code the partner's system can act on, and why.
    `on_feed`: the caller proved it is the feed's partner, so the refusal goes in the
    feed's health too (an unknown caller's does not: anyone could fill it)."""

    def __init__(
        self, status: int, code: str, message: str, *, on_feed: bool = True, retry_after=None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.on_feed = status, code, message, on_feed
        self.retry_after: int | None = retry_after


@dataclass
class Pushed:
    alerts: int
    threats: list[int] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # identifiers carried before: a replay
    refused: list[str] = field(default_factory=list)  # alerts and references refused

    def answer(self) -> dict:
        return {
            "alerts": self.alerts,
            "threats": self.threats,
            "already": self.already,
            "refused": self.refused,
        }


def new_push_token() -> tuple[str, str]:
    """A fresh push token and the hash stored in its place ("ewp_": not an API token)."""
    token = "ewp_" + secrets.token_urlsafe(32)
    return token, security.token_hash(token)


def rotate_token(w: Write, feed: FeedSource) -> Change[str]:
    """A new push token for the feed, replacing any old one at once; shown this once."""
    if feed.kind not in PUSH_KINDS:
        raise InputError(
            N_("only %(kinds)s feeds take pushes", kinds=", ".join(PUSH_KINDS)), "kind"
        )
    token, digest = new_push_token()
    before = push_status(feed)
    feed.push_token_hash, feed.push_token_set_at = digest, w.now
    w.session.flush()
    return Change("feed.push_token", f"feed:{feed.id}", push_status(feed), before, token)


def revoke_token(w: Write, feed: FeedSource) -> Change[FeedSource]:
    """No token pushes to the feed any more, from its next request on."""
    before = push_status(feed)
    feed.push_token_hash, feed.push_token_set_at = None, None
    w.session.flush()
    return Change("feed.push_revoke", f"feed:{feed.id}", push_status(feed), before, feed)


def checked_senders(value) -> list[str]:
    """A list of CAP <sender> values (or one string of them, as a form sends it: CAP
    forbids spaces and commas in a sender, so they can part them)."""
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(N_("push_senders must be a list of CAP senders"), "push_senders")
    senders = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if len(senders) > MAX_SENDERS:
        raise InputError(N_("at most %(count)d senders", count=MAX_SENDERS), "push_senders")
    for sender in senders:
        if len(sender) > MAX_SENDER_LEN or "," in sender or any(c.isspace() for c in sender):
            raise InputError(N_("%(sender)s is no CAP sender", sender=sender), "push_senders")
    return senders


def pushing_feed(session: Session, feed_id: int, token: str | None) -> FeedSource:
    """The feed this token may push to, when it is `feed_id`; else PushRefused: 401 for no
    token or one no feed holds (revoked, an API token), 403 for another feed's token."""
    if not token:
        raise PushRefused(401, "unauthorized", "Send the feed's push token.", on_feed=False)
    digest = security.token_hash(token)
    feed = session.scalar(select(FeedSource).where(FeedSource.push_token_hash == digest))
    if feed is None or not hmac.compare_digest(feed.push_token_hash, digest):
        raise PushRefused(401, "unauthorized", "This is no feed's push token.", on_feed=False)
    if feed.id != feed_id:
        raise PushRefused(403, "wrong_feed", "This token pushes to another feed.", on_feed=False)
    if feed.kind not in PUSH_KINDS:
        raise PushRefused(403, "not_a_push_feed", f"A {feed.kind} feed takes no pushes.")
    if not feed.enabled:
        raise PushRefused(409, "feed_paused", "The feed is paused: nothing is taken.")
    return feed


def count(session: Session, feed: FeedSource, now: datetime, per_minute: int) -> None:
    """Count this push in the feed's minute, in one atomic UPDATE (concurrent pushes in
    several processes never share a stale count); over `per_minute`, PushRefused 429. A
    partner's loop or a stolen token floods nothing but its own feed's door."""
    fresh = or_(
        FeedSource.push_window_at.is_(None),
        FeedSource.push_window_at <= now - timedelta(minutes=1),
    )
    started, counted = session.execute(
        update(FeedSource)
        .where(FeedSource.id == feed.id)
        .values(
            push_window_at=case((fresh, now), else_=FeedSource.push_window_at),
            push_window_count=case((fresh, 1), else_=FeedSource.push_window_count + 1),
        )
        .returning(FeedSource.push_window_at, FeedSource.push_window_count)
        .execution_options(synchronize_session=False)
    ).one()
    if counted > per_minute:
        wait = max(1, int((started + timedelta(minutes=1) - now).total_seconds() + 0.999))
        said = f"More than {per_minute} pushes in a minute; Retry-After says when to go on."
        raise PushRefused(429, "rate_limited", said, retry_after=wait)


def push(w: Write, feed: FeedSource, body: bytes, max_alerts: int) -> Change[Pushed]:
    """Take every CAP alert of the document into the feed's events, or none of them; a
    document of more than `max_alerts` is refused whole (one request, one small fan-out).
    An alert refused among good ones is named in the answer's `refused`, as a poll's is."""
    page = parse(body)
    alerts, carried = list(page.records), len(page.records) + len(page.refused)
    if carried > max_alerts:
        said = f"A push carries at most {max_alerts} alerts; this one has {carried}."
        raise PushRefused(413, "too_many_alerts", said)
    _check_senders(feed, alerts)
    already = already_carried(w.session, feed, alerts, w.now)
    done = ingest_records(w.session, feed, alerts, w.now, w.publish)
    pushed = Pushed(len(alerts), done.threats, already, [*page.refused, *done.refused])
    seen = _as_viewers_see(feed, w.now)
    _healthy(feed, pushed, w.now)
    if _as_viewers_see(feed, w.now) != seen:
        _tell(w, feed)
    return Change("feed.push", f"feed:{feed.id}", pushed.answer(), None, pushed)


def refusal(w: Write, feed_id: int, refused: PushRefused) -> Change[None]:
    """A refused push of the feed's own partner, in its health: its people see why."""
    feed = w.session.get(FeedSource, feed_id)
    said = f"push refused: {refused.message}"[:4000]
    if feed is not None and refused.on_feed:
        again = feed.last_error == said  # a partner's loop: viewers were told once
        feed.last_error, feed.last_error_at = said, w.now
        if not again:
            _tell(w, feed)
    after = {"refused": refused.message, "code": refused.code}
    return Change("feed.push", f"feed:{feed_id}", after, None, None)


def parse(body: bytes) -> Page[cap.Alert]:
    """The document's CAP alerts (cap.read_alerts: a bare alert, or whatever wraps them),
    and those refused among them."""
    try:
        return cap.read_alerts(body)  # the door bounds its size (PUSH_MAX_BYTES)
    except FeedFormatError as exc:
        cause = exc.__cause__
        if isinstance(cause, DefusedXmlException):
            raise PushRefused(400, "xml_forbidden", str(exc)) from exc
        if isinstance(cause, ParseError):
            raise PushRefused(400, "malformed_xml", str(exc)) from exc
        raise PushRefused(422, "invalid_cap", str(exc)) from exc


def _check_senders(feed: FeedSource, alerts: list[cap.Alert]) -> None:
    allowed = set(feed.push_senders or [])
    strangers = sorted({a.sender for a in alerts} - allowed)
    if strangers:
        said = ", ".join(strangers)
        raise PushRefused(403, "sender_not_allowed", f"sender not allowed on this feed: {said}")


def _healthy(feed: FeedSource, pushed: Pushed, now: datetime) -> None:
    """As a poll records its health; a polled feed keeps its poll's failures and counts,
    which a push says nothing about."""
    feed.last_success_at = now
    if pushed.refused:
        feed.last_error, feed.last_error_at = "; ".join(pushed.refused)[:4000], now
    if feed.kind == PUSH_ONLY:
        feed.item_count = pushed.alerts
        if not pushed.refused:
            feed.last_error = None


def _as_viewers_see(feed: FeedSource, now: datetime) -> tuple:
    """What a viewer reads of the feed's health, its last success only as recent or not: a
    burst of pushes (an incident, hundreds a minute) tells every viewer that the feed is
    fine once a minute, not once per alert; a change of state or error, at once."""
    success = feed.last_success_at
    stale = success is None or (now - success).total_seconds() >= STATUS_EVERY_S
    return feed_state(feed, now), feed.last_error, feed.item_count, stale


def _tell(w: Write, feed: FeedSource) -> None:
    if feed.event_id is not None:
        w.tell(feed.event_id, "feed_status", feed_status(feed, w.now))
