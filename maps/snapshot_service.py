"""The whole current picture of an event, as a joining viewer first receives it."""

from __future__ import annotations

import threading
from collections import OrderedDict

from shapely.geometry import mapping
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from common.audience import FEED_FIELDS, staffing_for_partner, threat_for_partner, zone_for_partner
from common.geojson import feature_collection
from common.times import iso, utcnow
from maps.compact import RECENT, threat_table
from planner.duty_service import coverage
from planner.models import Event, Zone
from planner.outlines import live_outline, vertex_budget
from planner.serialize import zone_feature
from threats.models import OPEN_STATUSES, FeedSource, Threat
from threats.polling.health import feed_status
from threats.serialize import marker_point, threat_feature

CACHED_OUTLINES = 5_000  # zones; a few MB at most
_OUTLINES: OrderedDict[tuple, dict] = OrderedDict()  # (zone id, updated_at, budget) -> GeoJSON
_UNDERWAY: dict[tuple, threading.Event] = {}  # outlines being computed, for those who wait
_OUTLINES_LOCK = threading.Lock()
# What a marker needs; loaded as plain columns, not as whole threats with their text.
MARKER_COLUMNS = (Threat.id, Threat.kind, Threat.category, Threat.severity, Threat.status)
MARKER_COLUMNS += (Threat.zone_ids, Threat.updated_at, Threat.geometry)


def snapshot(session: Session, event_id: int, audience: str = "full") -> dict:
    """What a joining viewer is sent: the picture, with its open threats as one compact
    table (maps.compact) rather than a feature each."""
    markers, newest = _markers(session, event_id), _newest(session, event_id, RECENT)
    if audience == "partner":
        markers = [threat_for_partner(f) for f in markers]
        newest = [threat_for_partner(f) for f in newest]
    return _frame(session, event_id, audience) | {"threats": threat_table(markers, newest)}


def _open(event_id: int):
    return (Threat.event_id == event_id) & Threat.status.in_(OPEN_STATUSES)


def _markers(session: Session, event_id: int) -> list[dict]:
    """Each open threat as a feature of only the properties its marker needs."""
    rows = session.execute(select(*MARKER_COLUMNS).where(_open(event_id)).order_by(Threat.id))
    return [_marker(row) for row in rows]


def _marker(row) -> dict:
    point = marker_point(row.geometry)
    area = point is not None and row.geometry.geom_type != "Point"
    properties = {
        "id": row.id,
        "kind": row.kind,
        "category": row.category,
        "severity": row.severity,
        "status": row.status,
        "zones": [{"id": zone_id} for zone_id in row.zone_ids or []],
        "point": point,
        "updated_at": iso(row.updated_at),
    }
    return {
        "type": "Feature",
        "geometry": mapping(row.geometry) if area else None,
        "properties": properties,
    }


def _newest(session: Session, event_id: int, count: int) -> list[dict]:
    """The `count` most recently changed open threats, whole: the queue lists their words."""
    query = select(Threat).where(_open(event_id)).order_by(Threat.updated_at.desc()).limit(count)
    return [threat_feature(t, {}) for t in session.scalars(query)]


def picture(session: Session, event_id: int, audience: str = "full") -> dict:
    """Zones, open threats as GeoJSON features and feed health, stamped with the event's
    last sequence number (what the GIS feed serves)."""
    query = select(Threat).where(_open(event_id)).order_by(Threat.id)
    names = dict(session.execute(select(Zone.id, Zone.name).where(Zone.event_id == event_id)).all())
    features = [threat_feature(t, names) for t in session.scalars(query)]
    if audience == "partner":
        features = [threat_for_partner(f) for f in features]
    return _frame(session, event_id, audience) | {"threats": feature_collection(features)}


def live_zones(session: Session, event_id: int) -> list[dict]:
    """The event's zones as the live map draws them: each outline within its share of the
    vertex budget (planner.outlines), computed once per version of the zone and kept, so
    that viewers joining at once neither load nor simplify the full geometries again."""
    query = select(Zone).where(Zone.event_id == event_id).order_by(Zone.id)
    zones = session.scalars(query.options(defer(Zone.geometry))).all()
    budget = vertex_budget(len(zones))
    return [zone_feature(zone, _outline(zone, budget)) for zone in zones]


def _outline(zone: Zone, budget: int) -> dict:
    """The zone's cached outline. One caller computes it while the others joining at the
    same moment wait for it, rather than all simplifying the same geometry at once."""
    key = (zone.id, zone.updated_at, budget)
    while True:
        with _OUTLINES_LOCK:
            if key in _OUTLINES:
                _OUTLINES.move_to_end(key)
                return _OUTLINES[key]
            underway = _UNDERWAY.get(key)
            if underway is None:
                _UNDERWAY[key] = threading.Event()
                break
        underway.wait(30)
    try:
        outline = mapping(live_outline(zone.geometry, budget))  # loads the deferred geometry
        with _OUTLINES_LOCK:
            _OUTLINES[key] = outline
            while len(_OUTLINES) > CACHED_OUTLINES:
                _OUTLINES.popitem(last=False)
        return outline
    finally:
        with _OUTLINES_LOCK:
            _UNDERWAY.pop(key).set()


def _frame(session: Session, event_id: int, audience: str) -> dict:
    """Everything but the threats: zones, staffing now, feed health and the sequence number."""
    event = session.get(Event, event_id)
    zone_features = live_zones(session, event_id)
    now = utcnow()
    feed_states = [
        feed_status(f, now)
        for f in session.scalars(select(FeedSource).where(FeedSource.event_id == event_id))
    ]
    staffing = coverage(session, event, now)
    if audience == "partner":
        zone_features = [zone_for_partner(f) for f in zone_features]
        feed_states = [{k: v for k, v in f.items() if k in FEED_FIELDS} for f in feed_states]
        staffing = staffing_for_partner(staffing)
    return {
        "staffing": staffing,
        "seq": event.live_seq,
        "event_id": event_id,
        "zones": feature_collection(zone_features),
        "feeds": feed_states,
    }
