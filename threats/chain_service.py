"""CAP Update and Cancel chains, kept within one feed and one sender.

A message names the earlier messages it updates or cancels by sender and identifier. Only
the feed that carried those messages, and only their own sender, may act on the threats
made of them: otherwise any source on an event could close or rewrite, or suppress in
advance, what another source reported. A reference beyond those bounds is refused, and
the refusal is kept: in the activity log of the threat it named, and in the poll's errors
(the feed's health).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from threats import activity_service as activity
from threats.feeds.cap import Alert, Reference
from threats.models import FeedSource, Threat, ThreatSource


def message_key(feed_id: int, sender: str, identifier: str) -> str:
    """A CAP message as one feed carried it: CAP's own identity (sender and identifier)
    within that feed, so that no feed's message ever stands for another feed's."""
    return f"cap:{feed_id}|{sender}|{identifier}"


def legacy_key(sender: str, identifier: str) -> str:
    """A message's key before keys named their feed: still a feed's own when the threat it
    belongs to is that feed's (rows written before the change)."""
    return f"cap:{sender}|{identifier}"


def known(session: Session, event_id: int, feed_id: int, sender: str, identifier: str) -> bool:
    """Has this feed already carried this message (or named it in a reference)?"""
    own_threats = select(Threat.id).where(Threat.feed_id == feed_id)
    mine = or_(
        ThreatSource.source_key == message_key(feed_id, sender, identifier),
        and_(
            ThreatSource.source_key == legacy_key(sender, identifier),
            ThreatSource.threat_id.in_(own_threats),
        ),
    )
    row = select(ThreatSource.id).where(ThreatSource.event_id == event_id, mine)
    return session.scalar(row.limit(1)) is not None


@dataclass(frozen=True)
class Refusal:
    reference: Reference
    reason: str
    threats: tuple[Threat, ...]  # what it named (none when it named nothing known)


@dataclass
class Chain:
    """What a message's references come to for one feed."""

    threats: list[Threat] = field(default_factory=list)  # the ones it may update or cancel
    kept: list[Reference] = field(default_factory=list)  # recorded as this feed's
    refused: list[Refusal] = field(default_factory=list)


def resolve(session: Session, event_id: int, feed_id: int, alert: Alert) -> Chain:
    """Sort the message's references: its own sender's, resolved in this feed, act; the
    rest are refused."""
    found = _named(session, event_id, alert.references)
    chain = Chain()
    for ref in alert.references:
        named = found.get((ref.sender, ref.identifier), [])
        if ref.sender != alert.sender:
            reason = f"its sender is not this message's own ({alert.sender})"
            chain.refused.append(Refusal(ref, reason, _threats(named)))
            continue
        chain.kept.append(ref)
        mine = [t for owner, t in named if _carried(owner, t, feed_id)]
        if named and not mine:
            reason = "it names a message that another feed carried"
            chain.refused.append(Refusal(ref, reason, _threats(named)))
        # A message of this feed may be linked to another feed's threat (the same report
        # from two sources): this feed's chain does not act on the other feed's threat.
        chain.threats += [t for t in mine if t.feed_id == feed_id and t not in chain.threats]
    chain.threats.sort(key=lambda t: t.id)
    return chain


def _named(
    session: Session, event_id: int, refs: tuple[Reference, ...]
) -> dict[tuple[str, str], list[tuple[int | None, Threat]]]:
    """Every threat of the event that a reference names, in any feed, with the feed that
    carried the named message (None for a row written before keys named their feed)."""
    if not refs:
        return {}
    feed_ids = session.scalars(select(FeedSource.id)).all()
    wanted: dict[str, tuple[int | None, Reference]] = {}
    for ref in refs:
        wanted[legacy_key(ref.sender, ref.identifier)] = (None, ref)
        for feed_id in feed_ids:
            wanted[message_key(feed_id, ref.sender, ref.identifier)] = (feed_id, ref)
    rows = session.execute(
        select(ThreatSource.source_key, Threat)
        .join(Threat, ThreatSource.threat_id == Threat.id)
        .where(ThreatSource.event_id == event_id, ThreatSource.source_key.in_(wanted))
    )
    found = defaultdict(list)
    for key, threat in rows:
        owner, ref = wanted[key]
        found[(ref.sender, ref.identifier)].append((owner, threat))
    return found


def _carried(owner: int | None, threat: Threat, feed_id: int) -> bool:
    """Did this feed carry the named message? A row from before keys named their feed
    is taken to be the feed's whose threat it belongs to."""
    return owner == feed_id or (owner is None and threat.feed_id == feed_id)


def _threats(named: list[tuple[int | None, Threat]]) -> tuple[Threat, ...]:
    return tuple(sorted({t.id: t for _, t in named}.values(), key=lambda t: t.id))


def record_refusals(
    session: Session, feed: FeedSource, alert: Alert, refused: list[Refusal], now: datetime
) -> list[str]:
    """Log each refusal on the threat it named (ICS 214); the sentences for the feed's
    health, one per refused reference."""
    said = []
    for refusal in refused:
        ref = refusal.reference
        sentence = (
            f"CAP {alert.msg_type} {alert.identifier}: reference to "
            f"{ref.sender},{ref.identifier} refused: {refusal.reason}"
        )
        for threat in refusal.threats:
            activity.record(
                session,
                threat,
                f"feed: {feed.name or feed.kind}",
                "reference refused",
                at=now,
                before=threat.status,
                note=sentence,
            )
        said.append(sentence)
    return said
