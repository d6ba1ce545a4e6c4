"""The whole current picture of an event, as a joining viewer first receives it."""

from __future__ import annotations

from shapely.geometry import mapping
from sqlalchemy import select
from sqlalchemy.orm import Session

from maps.compact import RECENT, threat_table
from maps.redact import FEED_FIELDS, staffing_for_partner, threat_for_partner, zone_for_partner
from planner.duty_service import coverage
from planner.models import Event, Zone
from planner.serialize import zone_feature
from storage import utcnow
from threats.models import OPEN_STATUSES, FeedSource, Threat
from threats.polling import feed_status
from threats.serialize import anchor, feature_collection, iso, threat_feature

# What a marker needs; loaded as plain columns, not as whole threats with their text.
MARKER_COLUMNS = (Threat.id, Threat.kind, Threat.category, Threat.severity, Threat.status)
MARKER_COLUMNS += (Threat.zone_ids, Threat.updated_at, Threat.geometry)


def snapshot(session: Session, event_id: int, audience: str = "full") -> dict:
    """What a joining viewer is sent: the picture, with its open threats as one compact
    table (maps.compact) rather than a feature each."""
    current = picture(session, event_id, audience, threats=False)
    markers, newest = _markers(session, event_id), _newest(session, event_id, RECENT)
    if audience == "partner":
        markers = [threat_for_partner(f) for f in markers]
        newest = [threat_for_partner(f) for f in newest]
    return current | {"threats": threat_table(markers, newest)}


def _open(event_id: int):
    return (Threat.event_id == event_id) & Threat.status.in_(OPEN_STATUSES)


def _markers(session: Session, event_id: int) -> list[dict]:
    """Each open threat as a feature of only the properties its marker needs."""
    rows = session.execute(select(*MARKER_COLUMNS).where(_open(event_id)).order_by(Threat.id))
    return [_marker(row) for row in rows]


def _marker(row) -> dict:
    geometry = row.geometry
    point = anchor(geometry) if geometry is not None and not geometry.is_empty else None
    area = point is not None and geometry.geom_type != "Point"
    properties = {
        "id": row.id,
        "kind": row.kind,
        "category": row.category,
        "severity": row.severity,
        "status": row.status,
        "zones": [{"id": zone_id} for zone_id in row.zone_ids or []],
        "point": [point.x, point.y] if point is not None else None,
        "updated_at": iso(row.updated_at),
    }
    return {
        "type": "Feature",
        "geometry": mapping(geometry) if area else None,
        "properties": properties,
    }


def _newest(session: Session, event_id: int, count: int) -> list[dict]:
    """The `count` most recently changed open threats, whole: the queue lists their words."""
    query = select(Threat).where(_open(event_id)).order_by(Threat.updated_at.desc()).limit(count)
    return [threat_feature(t, {}) for t in session.scalars(query)]


def picture(session: Session, event_id: int, audience: str = "full", threats: bool = True) -> dict:
    """Zones, open threats (unless threats=False) and feed health, stamped with the event's
    last sequence number."""
    event = session.get(Event, event_id)
    zones = session.scalars(select(Zone).where(Zone.event_id == event_id)).all()
    names = {z.id: z.name for z in zones}
    found = (
        session.scalars(select(Threat).where(_open(event_id)).order_by(Threat.id))
        if threats
        else []
    )
    feeds = session.scalars(select(FeedSource).where(FeedSource.event_id == event_id)).all()
    zone_features = [zone_feature(z) for z in zones]
    threat_features = [threat_feature(t, names) for t in found]
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
