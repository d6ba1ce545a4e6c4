"""The whole current picture of an event, as a joining viewer first receives it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from maps.compact import threat_table
from maps.redact import FEED_FIELDS, staffing_for_partner, threat_for_partner, zone_for_partner
from planner.duty_service import coverage
from planner.models import Event, Zone
from planner.serialize import zone_feature
from storage import utcnow
from threats.models import OPEN_STATUSES, FeedSource, Threat
from threats.polling import feed_status
from threats.serialize import feature_collection, threat_feature


def snapshot(session: Session, event_id: int, audience: str = "full") -> dict:
    """What a joining viewer is sent: the picture, its open threats as one compact table
    (maps.compact) rather than a feature each."""
    current = picture(session, event_id, audience)
    return current | {"threats": threat_table(current["threats"]["features"])}


def picture(session: Session, event_id: int, audience: str = "full") -> dict:
    """Zones, open threats and feed health, stamped with the event's last sequence number."""
    event = session.get(Event, event_id)
    zones = session.scalars(select(Zone).where(Zone.event_id == event_id)).all()
    names = {z.id: z.name for z in zones}
    threats = session.scalars(
        select(Threat)
        .where(Threat.event_id == event_id, Threat.status.in_(OPEN_STATUSES))
        .order_by(Threat.id)
    ).all()
    feeds = session.scalars(select(FeedSource).where(FeedSource.event_id == event_id)).all()
    zone_features = [zone_feature(z) for z in zones]
    threat_features = [threat_feature(t, names) for t in threats]
    now = utcnow()
    feed_states = [feed_status(f, now) for f in feeds]
    if audience == "partner":
        zone_features = [zone_for_partner(f) for f in zone_features]
        threat_features = [threat_for_partner(f) for f in threat_features]
        feed_states = [{k: v for k, v in f.items() if k in FEED_FIELDS} for f in feed_states]
    staffing = coverage(session, event, now)
    if audience == "partner":
        staffing = staffing_for_partner(staffing)
    return {
        "staffing": staffing,
        "seq": event.live_seq,
        "event_id": event_id,
        "zones": feature_collection(zone_features),
        "threats": feature_collection(threat_features),
        "feeds": feed_states,
    }
