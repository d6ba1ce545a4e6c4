"""The whole current picture of an event, as a joining viewer first receives it.

Its open threats, the costly part (10,000 of them took most of a second to load and table),
are kept per event: the table for each audience is built once per sequence number, and a
newer number is reached by replaying the stored deltas since (maps.live_service), the same
log every process writes to, so a process that did not make a change still sees it. What
changes with the clock rather than with writes (staffing now, feed health) and the zones
(kept per zone version) are read for every viewer.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

from shapely.geometry import mapping
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, defer

from common.audience import FEED_FIELDS, staffing_for_partner, threat_for_partner, zone_for_partner
from common.geojson import feature_collection
from common.times import iso, utcnow
from maps import live_service as live
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
MARKER_COLUMNS += (Threat.zone_ids, Threat.updated_at, Threat.first_seen, Threat.geometry)
THREAT_KINDS = ("threat_created", "threat_updated")  # the deltas that move a marker
KEPT_EVENTS = 50  # per database; an event's kept threats are a few MB at 10,000


@dataclass
class _Kept:
    """An event's open threats as of `seq`: markers by id, and each audience's table."""

    seq: int
    markers: dict[int, dict]
    tables: dict[str, dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


# Per database (each app has its engine; tests make many), then per event id.
_KEPT: weakref.WeakKeyDictionary[Engine, OrderedDict[int, _Kept]] = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def snapshot(session: Session, event_id: int, audience: str = "full") -> dict:
    """What a joining viewer is sent: the picture, with its open threats as one compact
    table (maps.compact) rather than a feature each, as of the frame's sequence number."""
    frame = _frame(session, event_id, audience)
    return frame | {"threats": kept_threats(session, event_id, frame["seq"], audience)}


def kept_threats(session: Session, event_id: int, seq: int, audience: str) -> dict:
    """The audience's table of the event's open threats as of `seq`: the kept one, brought
    up to `seq` from the stored deltas, or built again when they cannot say (pruned, too
    many, or the open threats in the database differ from the kept ones: a write that
    published no delta). One viewer builds while the others joining at once wait."""
    kept = _kept_for(session.get_bind(), event_id)
    with kept.lock:
        if not _bring_up(session, event_id, kept, seq) or not _agrees(session, event_id, kept):
            kept.seq, kept.markers, kept.tables = seq, _markers(session, event_id), {}
        table = kept.tables.get(audience)
        if table is None:
            table = kept.tables[audience] = _table(session, event_id, kept, audience)
        return table


def _kept_for(engine: Engine, event_id: int) -> _Kept:
    with _KEPT_LOCK:
        events = _KEPT.setdefault(engine, OrderedDict())
        if event_id not in events:
            events[event_id] = _Kept(seq=-1, markers={})
            while len(events) > KEPT_EVENTS:
                events.popitem(last=False)
        events.move_to_end(event_id)
        return events[event_id]


def _bring_up(session: Session, event_id: int, kept: _Kept, seq: int) -> bool:
    """Replay the deltas after kept.seq up to `seq` onto the kept markers; False when
    there is nothing kept yet or the stored deltas cannot bring it there."""
    if kept.seq < 0 or kept.seq > seq:
        return False
    if kept.seq == seq:
        return True
    missed = live.deltas_since(session, event_id, kept.seq)
    if missed is None:
        return False
    moved = False
    for delta in missed:
        if delta["seq"] > seq:
            break
        if delta["kind"] in THREAT_KINDS:
            moved = True
            _put(kept.markers, delta["data"])
    kept.seq = seq
    if moved:
        kept.tables = {}
    return True


def _put(markers: dict[int, dict], feature: dict) -> None:
    """A threat as a delta carries it (whole), kept as its marker, or dropped once closed."""
    properties = feature["properties"]
    if properties["status"] not in OPEN_STATUSES:
        markers.pop(properties["id"], None)
        return
    geometry = feature.get("geometry")
    area = properties.get("point") is not None and geometry and geometry["type"] != "Point"
    marker = {key: properties.get(key) for key in MARKER_PROPERTIES}
    marker["zones"] = [{"id": zone["id"]} for zone in properties.get("zones") or []]
    markers[properties["id"]] = {
        "type": "Feature",
        "geometry": geometry if area else None,
        "properties": marker,
    }


def _agrees(session: Session, event_id: int, kept: _Kept) -> bool:
    """Whether the database's open threats are the kept ones by count, newest id and last
    change: a cheap check that no write went round the deltas."""
    count, last_id, changed = session.execute(
        select(func.count(), func.max(Threat.id), func.max(Threat.updated_at)).where(
            _open(event_id)
        )
    ).one()
    markers = kept.markers.values()
    kept_changed = max((m["properties"]["updated_at"] or "" for m in markers), default="")
    return (count, last_id or None, iso(changed) or "") == (
        len(kept.markers),
        max(kept.markers, default=None),
        kept_changed,
    )


def _table(session: Session, event_id: int, kept: _Kept, audience: str) -> dict:
    markers = [kept.markers[key] for key in sorted(kept.markers)]
    newest = _newest(session, event_id, RECENT)
    if audience == "partner":
        markers = [threat_for_partner(f) for f in markers]
        newest = [threat_for_partner(f) for f in newest]
    return threat_table(markers, newest)


def _open(event_id: int):
    return (Threat.event_id == event_id) & Threat.status.in_(OPEN_STATUSES)


def _markers(session: Session, event_id: int) -> dict[int, dict]:
    """Each open threat as a feature of only the properties its marker needs, by id."""
    rows = session.execute(select(*MARKER_COLUMNS).where(_open(event_id)).order_by(Threat.id))
    return {row.id: _marker(row) for row in rows}


MARKER_PROPERTIES = ("id", "kind", "category", "severity", "status", "point", "updated_at")
MARKER_PROPERTIES += ("first_seen",)  # when it was received: the queue's age


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
        "first_seen": iso(row.first_seen),
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
