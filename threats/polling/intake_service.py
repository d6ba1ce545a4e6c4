"""What a feed delivered, polled or pushed, into its events' threats: the one ingest path.

A poll (poll_service) and a partner's push (push_service) hand their alerts and incidents
here, so both doors apply the same identity, Update and Cancel chains and reach rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.writes import Publish
from planner.models import Event
from threats import chain_service as chains
from threats.feeds.cap import Alert
from threats.feeds.records import Incident
from threats.ingest_service import EventContext, ingest_alert, ingest_incident
from threats.models import FeedSource


@dataclass
class Ingested:
    threats: list[int] = field(default_factory=list)  # made or changed, in order
    refused: list[str] = field(default_factory=list)  # references refused, one sentence each


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
    for event in target_events(session, feed, now):
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
    """The identifiers of the alerts this feed has carried before in every event it serves:
    a replayed document, answered as such."""
    events = target_events(session, feed, now)

    def carried(alert: Alert) -> bool:
        ids = (alert.sender, alert.identifier)
        return bool(events) and all(chains.known(session, e.id, feed.id, *ids) for e in events)

    return [a.identifier for a in alerts if carried(a)]


def target_events(session: Session, feed: FeedSource, now: datetime) -> list[Event]:
    """The feed's own event, or every event that has not ended when the feed has none."""
    if feed.event_id is not None:
        return [session.get(Event, feed.event_id)]
    return list(session.scalars(select(Event).where(Event.ends_at > now)))
