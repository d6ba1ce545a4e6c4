"""Turn CAP alerts into an event's threats: once per alert identity, Update and Cancel chains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.writes import Publish
from planner.models import Event, Zone
from planner.reach import (
    DEFAULT_RULES,
    DEFAULT_SOURCE,
    EVENT_SOURCE,
    FOOTPRINT,
    ReachRule,
    applied_severity,
    decided_by,
    rule_for,
    rules_from_json,
)
from threats import activity_service as activity
from threats import chain_service as chains
from threats.duplicates import LINK_WITHIN, same_report
from threats.feeds.cap import Alert, Reference
from threats.feeds.records import Incident
from threats.languages import other_languages
from threats.lifecycle import cap_severity
from threats.matching import ZoneIndex
from threats.models import OPEN_STATUSES, FeedSource, Threat, ThreatSource
from threats.places import alert_places
from threats.serialize import threat_feature


@dataclass
class EventContext:
    """What ingesting into one event needs, loaded once per poll."""

    event: Event
    zones: ZoneIndex
    zone_names: dict[int, str]
    rules: tuple[ReachRule, ...] = DEFAULT_RULES
    geocodes: tuple[str, ...] = ()  # the event's place codes (planner.geocodes)
    rules_source: str = DEFAULT_SOURCE  # the defaults, or the event's own rules

    @classmethod
    def load(cls, session: Session, event: Event) -> EventContext:
        zones = session.scalars(select(Zone).where(Zone.event_id == event.id)).all()
        return cls(
            event,
            ZoneIndex.of([(z.id, z.geometry, z.kind) for z in zones]),
            {z.id: z.name for z in zones},
            DEFAULT_RULES if event.reach_rules is None else rules_from_json(event.reach_rules),
            tuple(event.geocodes or ()),
            DEFAULT_SOURCE if event.reach_rules is None else EVENT_SOURCE,
        )

    def placed(self, alert: Alert, kind: str, category: str, severity: str):
        """(zone ids, severity, place codes) of an alert: by its shape under the rules, and
        every zone when an area with no shape names a place of the event."""
        zone_ids, severity = self.reach(alert.geometry, kind, category, severity)
        places = alert_places(alert, self.geocodes)
        if places:
            zone_ids = sorted(set(zone_ids) | set(self.zone_names))
        return zone_ids, severity, places

    def reach(self, geometry, kind: str, category: str, severity: str) -> tuple[list[int], str]:
        """The zones a threat of this kind reaches under the event's rules, and its severity
        (a rule may raise it: a drone inside the airspace is severe)."""
        rule = rule_for(self.rules, kind, category)
        by_rule = self.zones.reach(geometry, rule)
        # A rule for some kinds of zone (a drone and the airspace) still leaves the threat
        # touching whatever zone it is in, at its own severity there.
        own = self.zones.reach(geometry, FOOTPRINT) if rule.zone_kinds else []
        zone_ids = sorted(set(by_rule) | set(own))
        return zone_ids, applied_severity(rule, by_rule, severity)

    def decided(self, kind: str, category: str) -> dict:
        """Which rule decides the zones of a threat of this kind, and how far it reaches:
        what the command view draws and names (planner.reach.decided_by)."""
        return decided_by(rule_for(self.rules, kind, category), self.rules_source)


def ingest_alert(
    session: Session,
    ctx: EventContext,
    alert: Alert,
    feed: FeedSource,
    *,
    now: datetime,
    publish: Publish,
    refused: list[str] | None = None,
) -> Threat | None:
    """Apply one alert to one event; a repeated alert changes nothing. Its references act
    only within this feed and its sender (threats.chain_service); a sentence for each one
    refused is added to `refused`, for the feed's health."""
    if alert.status != "Actual" or alert.msg_type not in ("Alert", "Update", "Cancel"):
        return None
    if chains.known(session, ctx.event.id, feed.id, alert.sender, alert.identifier):
        return None
    chain = chains.resolve(session, ctx.event.id, feed.id, alert)
    if alert.msg_type != "Alert":  # an Alert's references act on nothing: nothing to refuse
        said = chains.record_refusals(session, feed, alert, chain.refused, now)
        if refused is not None:
            refused += said
    if alert.msg_type == "Cancel":
        return _cancel(session, ctx, alert, feed, chain, now, publish)
    if alert.msg_type == "Update" and chain.threats:
        return _update(session, ctx, alert, feed, chain, now, publish)
    return _create(session, ctx, alert, feed, chain.kept, now, publish)


def _recorded(session: Session, event_id: int, key: str) -> bool:
    row = select(ThreatSource.id).where(
        ThreatSource.event_id == event_id, ThreatSource.source_key == key
    )
    return session.scalar(row) is not None


def _link(session, event_id, feed, alert: Alert, refs: list[Reference], threat) -> None:
    """Record the alert, and the records it references that the feed may name, as the
    feed's own, belonging to the threat."""
    keys = [(chains.message_key(feed.id, alert.sender, alert.identifier), alert.msg_type)]
    keys += [(chains.message_key(feed.id, r.sender, r.identifier), "referenced") for r in refs]
    for key, msg_type in keys:
        if not _recorded(session, event_id, key):
            session.add(
                ThreatSource(
                    event_id=event_id,
                    source_key=key,
                    threat_id=threat and threat.id,
                    msg_type=msg_type,
                )
            )
    session.flush()


def _create(session, ctx, alert, feed, refs, now, publish) -> Threat | None:
    kind = (alert.info.event if alert.info else "") or "CAP alert"
    category = ",".join(alert.info.categories) if alert.info else ""
    zone_ids, _, places = ctx.placed(alert, kind, category, "")
    expired = alert.expires is not None and alert.expires <= now
    if not (zone_ids or places) or expired:
        return None  # not a threat to this event (yet): a later Update may make it one
    first = _reported_before(session, ctx, feed, kind, alert.geometry, alert.sent)
    if first is not None:
        _link(session, ctx.event.id, feed, alert, refs, first)
        return _also_reported(session, ctx, first, feed, now, publish)
    threat = Threat(
        event_id=ctx.event.id,
        feed_id=feed.id,
        source=feed.name or feed.kind,
        source_id=alert.identifier,
        first_seen=now,
    )
    _apply(threat, alert, ctx, now)
    session.add(threat)
    session.flush()
    _link(session, ctx.event.id, feed, alert, refs, threat)
    activity.record(session, threat, f"feed: {threat.source}", "created", at=now)
    publish(session, ctx.event.id, "threat_created", threat_feature(threat, ctx.zone_names))
    return threat


def _update(session, ctx, alert, feed, chain: chains.Chain, now, publish) -> Threat:
    threat = chain.threats[0]
    _apply(threat, alert, ctx, now)
    before = threat.status
    if threat.status not in OPEN_STATUSES and not threat.closed_reason.startswith("by "):
        threat.status, threat.closed_reason = "new", ""  # the source revived it
    session.flush()
    _link(session, ctx.event.id, feed, alert, chain.kept, threat)
    activity.record(
        session,
        threat,
        f"feed: {threat.source}",
        "updated by source",
        at=now,
        before=before,
        note=f"CAP Update {alert.identifier}",
    )
    publish(session, ctx.event.id, "threat_updated", threat_feature(threat, ctx.zone_names))
    return threat


def _cancel(session, ctx, alert, feed, chain: chains.Chain, now, publish) -> Threat | None:
    referenced = chain.threats
    for threat in referenced:
        threat.status, threat.closed_reason, threat.updated_at = (
            "resolved",
            "cancelled by source",
            now,
        )
    session.flush()
    _link(session, ctx.event.id, feed, alert, chain.kept, referenced[0] if referenced else None)
    for threat in referenced:
        publish(session, ctx.event.id, "threat_updated", threat_feature(threat, ctx.zone_names))
    return referenced[0] if referenced else None


def _apply(threat: Threat, alert: Alert, ctx: EventContext, now: datetime) -> None:
    info = alert.info
    threat.kind = _clip((info.event if info else "") or "CAP alert", Threat.kind)
    threat.category = _clip(",".join(info.categories) if info else "", Threat.category)
    threat.severity = cap_severity(
        info.severity if info else "", info.urgency if info else "", info.certainty if info else ""
    )
    threat.urgency = _known(info.urgency if info else "", URGENCIES)
    threat.certainty = _known(info.certainty if info else "", CERTAINTIES)
    threat.title = (info.headline or info.event) if info else alert.identifier
    threat.description = info.description if info else ""
    threat.instruction = info.instruction if info else ""
    threat.language = info.language[:64] if info else ""
    threat.texts = other_languages(alert.infos)
    threat.geometry = alert.geometry
    threat.zone_ids, threat.severity, threat.places = ctx.placed(
        alert, threat.kind, threat.category, threat.severity
    )
    threat.reach_rule = ctx.decided(threat.kind, threat.category)
    threat.sent_at = alert.sent
    threat.expires_at = alert.expires
    threat.updated_at = now


# CAP 1.2's words (and 1.0's "Very Likely"); anything else a source writes is unknown.
URGENCIES = frozenset({"immediate", "expected", "future", "past", "unknown"})
CERTAINTIES = frozenset({"observed", "very likely", "likely", "possible", "unlikely", "unknown"})


def _known(word: str, words: frozenset[str]) -> str:
    word = " ".join(word.split()).lower()
    return word if word in words else "unknown"


def _clip(text: str, column) -> str:
    """A source's free text cut to its column's length: a long word is no failed write."""
    return text[: column.type.length]


def expire_threats(
    session: Session, event_id: int, *, now: datetime, publish: Publish, zone_names: dict
) -> list[Threat]:
    """Close the threats nobody has taken up whose source said they expire before now. A
    threat someone acknowledged or was assigned stays open past its source's expiry (a
    lost child's alert ends at its source; the unit looking for the child has not): only
    a person closes it, and the command view shows that the source has ended it."""
    rows = session.scalars(
        select(Threat).where(
            Threat.event_id == event_id,
            Threat.status == "new",
            Threat.expires_at.is_not(None),
            Threat.expires_at <= now,
        )
    ).all()
    for threat in rows:
        before = threat.status
        threat.status, threat.closed_reason, threat.updated_at = "resolved", "expired", now
        activity.record(session, threat, "system", "expired", at=now, before=before)
        publish(session, event_id, "threat_updated", threat_feature(threat, zone_names))
    return list(rows)


# Until category rules are data per event (issue 5), incident types map to a severity here.
INCIDENT_SEVERITY = {
    "SUSPICIOUS PACKAGE": "severe",
    "DRONE SIGHTING": "severe",
    "CROWD SURGE": "severe",
    "FIGHT": "moderate",
    "MEDICAL": "moderate",
    "LOST CHILD": "moderate",
}


def ingest_incident(
    session: Session,
    ctx: EventContext,
    incident: Incident,
    feed: FeedSource,
    *,
    now: datetime,
    publish: Publish,
) -> Threat | None:
    """An incident inside one of the event's zones becomes a threat, once per incident id."""
    key = f"incident:{feed.id}|{incident.source_id}"
    if _recorded(session, ctx.event.id, key):
        return None
    kind = _clip(incident.kind.strip().title() or "Incident", Threat.kind)
    severity = INCIDENT_SEVERITY.get(incident.kind.strip().upper(), "unknown")
    zone_ids, severity = ctx.reach(incident.geometry, kind, "incident", severity)
    if not zone_ids:
        return None
    first = _reported_before(session, ctx, feed, kind, incident.geometry, incident.occurred_at)
    if first is not None:
        session.add(
            ThreatSource(
                event_id=ctx.event.id, source_key=key, threat_id=first.id, msg_type="incident"
            )
        )
        return _also_reported(session, ctx, first, feed, now, publish)
    threat = Threat(
        event_id=ctx.event.id,
        feed_id=feed.id,
        source=feed.name or feed.kind,
        source_id=incident.source_id,
        kind=kind,
        category="incident",
        severity=severity,
        title=f"{kind}: {incident.description}" if incident.description else kind,
        description=incident.description,
        geometry=incident.geometry,
        zone_ids=zone_ids,
        reach_rule=ctx.decided(kind, "incident"),
        sent_at=incident.occurred_at,
        first_seen=now,
        updated_at=now,
    )
    session.add(threat)
    session.flush()
    session.add(
        ThreatSource(
            event_id=ctx.event.id, source_key=key, threat_id=threat.id, msg_type="incident"
        )
    )
    activity.record(session, threat, f"feed: {threat.source}", "created", at=now)
    publish(session, ctx.event.id, "threat_created", threat_feature(threat, ctx.zone_names))
    return threat


def _reported_before(session, ctx, feed, kind, geometry, when) -> Threat | None:
    """The earliest open threat from another source that is this same report.

    Only threats sent within LINK_WITHIN of this one (or with no time) are candidates, and
    only the columns `same_report` compares are loaded: the open threats of other feeds
    can run to thousands, and this runs for every new alert."""
    query = select(Threat.id, Threat.kind, Threat.geometry, Threat.sent_at).where(
        Threat.event_id == ctx.event.id,
        Threat.status.in_(OPEN_STATUSES),
        Threat.feed_id != feed.id,
    )
    if when is not None:
        window = Threat.sent_at.between(when - LINK_WITHIN, when + LINK_WITHIN)
        query = query.where(window | Threat.sent_at.is_(None))
    for row in session.execute(query.order_by(Threat.id)):
        if same_report(kind, geometry, when, row.kind, row.geometry, row.sent_at):
            return session.get(Threat, row.id)
    return None


def _also_reported(session, ctx, threat: Threat, feed, now, publish) -> Threat:
    name = feed.name or feed.kind
    if name not in threat.reported_by:
        threat.reported_by = [*threat.reported_by, name]
    threat.updated_at = now
    session.flush()
    activity.record(session, threat, f"feed: {name}", "also reported", at=now, before=threat.status)
    publish(session, ctx.event.id, "threat_updated", threat_feature(threat, ctx.zone_names))
    return threat
