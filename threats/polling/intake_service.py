"""What a feed delivered, polled or pushed, into its events' threats: the one ingest path.

A poll (poll_service) and a partner's push (push_service) hand their alerts and incidents
here, so both doors apply the same identity, Update and Cancel chains and reach rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.writes import Publish
from planner.models import Event
from threats import chain_service as chains
from threats.feeds.cap import Alert
from threats.feeds.records import Incident
from threats.ingest_service import EventContext, ingest_alert, ingest_incident
from threats.models import FeedSource, ThreatSource
from threats.places import unplaced


@dataclass
class Ingested:
    threats: list[int] = field(default_factory=list)  # made or changed, in order
    refused: list[str] = field(default_factory=list)  # references refused, one sentence each
    unplaced: int = 0  # alerts with no area and no code an event declared: in no event


def ingest_records(
    session: Session,
    feed: FeedSource,
    alerts: Sequence[Alert],
    now: datetime,
    publish: Publish,
    incidents: Iterable[Incident] = (),
) -> Ingested:
    """Apply the alerts (originals before their updates and cancels) and incidents to every
    event the feed serves; a message the feed already carried changes nothing."""
    ordered = sorted(alerts, key=lambda a: a.sent)
    incidents = list(incidents)
    done, refused = Ingested(), []
    events = target_events(session, feed, now)
    done.unplaced = len(unplaced(ordered, [e.geocodes or [] for e in events]))
    for event in events:
        ctx = EventContext.load(session, event)
        for alert in ordered:
            threat = ingest_alert(
                session, ctx, alert, feed, now=now, publish=publish, refused=refused
            )
            if threat is not None:
                done.threats.append(threat.id)
        for incident in incidents:
            threat = ingest_incident(session, ctx, incident, feed, now=now, publish=publish)
            if threat is not None:
                done.threats.append(threat.id)
    done.refused = list(dict.fromkeys(refused))  # a feed of no event says it in each event
    return done


def already_carried(
    session: Session, feed: FeedSource, alerts: Sequence[Alert], now: datetime
) -> list[str]:
    """The identifiers of the alerts this feed has carried before (or named in a reference)
    in every event it serves: a replayed document, answered as such. One query: the keys
    as chain_service writes them today (rows older than feed-scoped keys count as new here,
    though ingest_alert still knows them)."""
    event_ids = [e.id for e in target_events(session, feed, now)]
    keys = {chains.message_key(feed.id, a.sender, a.identifier): a.identifier for a in alerts}
    if not event_ids or not keys:
        return []
    rows = session.execute(
        select(ThreatSource.source_key, func.count(ThreatSource.event_id.distinct()))
        .where(ThreatSource.event_id.in_(event_ids), ThreatSource.source_key.in_(keys))
        .group_by(ThreatSource.source_key)
    )
    everywhere = {key for key, events in rows if events == len(event_ids)}
    return [keys[key] for key in keys if key in everywhere]


def target_events(session: Session, feed: FeedSource, now: datetime) -> list[Event]:
    """The feed's own event, or every event that has not ended when the feed has none."""
    if feed.event_id is not None:
        return [session.get(Event, feed.event_id)]
    return list(session.scalars(select(Event).where(Event.ends_at > now)))
