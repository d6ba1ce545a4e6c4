"""A sighting (a name and/or a licence plate seen at a place and time) checked against the
watchlists and lookouts; a match becomes a threat on the map where it was seen."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from shapely.geometry import Point

from common.messages import N_
from common.validation import InputError, aware_datetime, text
from common.writes import Change, Write
from planner.models import Event
from threats import activity_service as activity
from threats.feeds.lookout import normalise_plate
from threats.ingest_service import EventContext
from threats.lifecycle import SEVERITY_ORDER
from threats.models import Threat, WatchlistRecord
from threats.polling.watchlist_service import as_entry, screened
from threats.screening.screener import Candidate, Screener
from threats.screening.screening_service import LIST_SEVERITY, REVIEW_THRESHOLD
from threats.serialize import threat_feature

SEVERITY_RANK = ("unknown", *SEVERITY_ORDER)


@dataclass
class SightingResult:
    hits: list[dict] = field(default_factory=list)
    threat: Threat | None = None


def read_sighting(data: dict, tz: str) -> tuple[str, str, Point, datetime | None, str]:
    if not isinstance(data, dict):
        raise InputError(N_("send a sighting: {name and/or plate, latitude, longitude, at}"))
    name = text(data, "name", required=False, max_len=300)
    plate = normalise_plate(text(data, "plate", required=False, max_len=32))
    if not name and not plate:
        raise InputError(N_("a sighting needs a name or a plate"), "name")
    lat, lon = data.get("latitude"), data.get("longitude")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        raise InputError(N_("latitude and longitude are required numbers"), "latitude")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(N_("latitude/longitude are out of range"), "latitude")
    seen = aware_datetime(data, "at", tz) if data.get("at") else None
    note = text(data, "note", required=False, max_len=2000, multiline=True)
    return name, plate, Point(lon, lat), seen, note


def check_sighting(w: Write, event: Event, data: dict) -> Change[SightingResult]:
    """A name and/or plate seen at a place, checked against every watchlist and lookout;
    a strong hit becomes a threat on the map where it was seen."""
    session, now = w.session, w.now
    name, plate, point, seen, note = read_sighting(data, event.timezone)
    rows = session.scalars(screened()).all()
    result = SightingResult(_plate_hits(rows, plate) if plate else [])
    if name:
        result.hits += _name_hits(rows, name)
    strong = [h for h in result.hits if h["score"] >= REVIEW_THRESHOLD]
    if strong:
        result.threat = _threat(session, event, name or plate, point, seen or now, strong, now)
        activity.record(session, result.threat, w.actor, "created", at=now, note=note)
        ctx = EventContext.load(session, event)
        w.tell(event.id, "threat_created", threat_feature(result.threat, ctx.zone_names))
    hits = [{k: v for k, v in h.items() if k != "row"} for h in result.hits]
    after = {"hits": hits, "threat_id": result.threat.id if result.threat else None}
    return Change("sighting.check", f"event:{event.id}:sighting", after=after, result=result)


def _plate_hits(rows, plate: str) -> list[dict]:
    """Plates compare exactly once written the same way (no fuzzy plates: one character
    is another car)."""
    return [
        _hit(r, 100.0, f"plate {plate} equals lookout plate")
        for r in rows
        if r.list_kind == "lookout" and normalise_plate((r.extra or {}).get("plate") or "") == plate
    ]


def _name_hits(rows, name: str) -> list[dict]:
    by_id = {str(r.id): r for r in rows if r.name}
    screener = Screener([_keyed(r) for r in by_id.values()])
    return [_hit(by_id[h.watchlist_id], h.score, h.explanation)
            for h in screener.screen_one(Candidate("sighting", name))]  # fmt: skip


def _keyed(row: WatchlistRecord):
    return replace(as_entry(row), source_id=str(row.id))


def _hit(row: WatchlistRecord, score: float, why: str) -> dict:
    return {"watchlist_id": row.source_id, "list_kind": row.list_kind, "name": row.name,
            "score": round(score, 1), "explanation": why, "row": row}  # fmt: skip


def _threat(session, event, label, point, seen, hits, now) -> Threat:
    ctx = EventContext.load(session, event)
    severity = max((LIST_SEVERITY.get(h["list_kind"], "moderate") for h in hits),
                   key=SEVERITY_RANK.index)  # fmt: skip
    zone_ids, severity = ctx.reach(point, "sighting", "watchlist", severity)
    best = hits[0]
    threat = Threat(
        event_id=event.id, source="sighting", source_id=f"sighting:{now.timestamp():.0f}",
        kind="Sighting", category="watchlist", severity=severity,
        title=f"{label} seen: may be {best['name']} ({best['list_kind']})",
        description="; ".join(f"{h['name']}: {h['explanation']}" for h in hits),
        geometry=point, zone_ids=zone_ids, reach_rule=ctx.decided("sighting", "watchlist"),
        sent_at=seen, first_seen=now, updated_at=now,
    )  # fmt: skip
    session.add(threat)
    session.flush()
    return threat
