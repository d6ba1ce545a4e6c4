"""Threats as CAP 1.2 for other CAP consumers: an Atom index and one document per message.

Only a threat's partner copy (`common.audience.threat_for_partner`) is read, so a field that is
withheld from partners cannot reach a document or the index.

A threat's messages come from its stored live deltas (`maps.live_service.stored_deltas`): every
threat_created and threat_updated delta holds the whole threat as it was then, numbered
with the event's sequence. So each version can be rebuilt exactly, whenever it is asked
for, and the number makes identifiers that are stable and unique per message. The activity
log would not do: it keeps status changes and notes, not what the threat looked like, and a
source's Cancel writes no entry. (Deltas are kept for good; pruning threat deltas would drop
a threat's early messages, and its chain would then start at the oldest one kept.)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from shapely.geometry import shape

from common.audience import threat_for_partner
from common.validation import DB_INT_MAX
from threats.capout.values import (
    CERTAINTIES,
    URGENCIES,
    cap_shapes,
    cap_time,
    categories,
    choice,
    event_name,
    headline,
    language_tag,
    parse_time,
    stated_severity,
    xml_text,
    zone_names,
)
from threats.feeds.cap import ATOM_NS, CAP_NS

FORMAT = "1"  # bump when the documents change for the same history: validators change too
THREAT_DELTAS = ("threat_created", "threat_updated")
CLOSED = frozenset({"resolved", "dismissed"})
SCOPE = "Restricted"
RESTRICTION = "For the event's partner agencies; not for release to the public."
_SEQUENCE = re.compile(r"(\d{1,10})\.(\d{1,10})", re.ASCII)  # ids fit in 10 digits


@dataclass(frozen=True)
class Version:
    """One stored state of a threat, as partners may see it."""

    seq: int
    at: datetime
    feature: dict

    @property
    def threat_id(self) -> int:
        return int(self.feature["properties"]["id"])


@dataclass(frozen=True)
class Message:
    """One CAP message: a version of a threat that partners can tell from the one before."""

    identifier: str
    sender: str
    sent: datetime
    msg_type: str  # Alert, Update or Cancel
    references: tuple[tuple[str, datetime], ...]  # the earlier messages: (identifier, sent)
    incident: str
    threat_id: int
    seq: int
    feature: dict

    @property
    def properties(self) -> dict:
        return self.feature["properties"]


def sender_name(configured: str) -> str:
    """A CAP <sender> from the configured name: no spaces, commas or markup characters."""
    cleaned = re.sub(r"[^a-z0-9.@_-]+", "-", configured.strip().lower()).strip("-.")
    return cleaned or "eventwatch"


def sender_domain(sender: str) -> str:
    return sender.rpartition("@")[2]


def identifier_for(sender: str, event_id: int, threat_id: int, seq: int) -> str:
    """`<sender-domain>.<event>.<threat>.<seq>`: the delta's number is the version."""
    return f"{sender_domain(sender)}.{event_id}.{threat_id}.{seq}"


def parse_identifier(identifier: str, sender: str, event_id: int) -> tuple[int, int] | None:
    """(threat id, seq) of one of this event's identifiers, else None."""
    prefix = f"{sender_domain(sender)}.{event_id}."
    found = identifier.startswith(prefix) and _SEQUENCE.fullmatch(identifier[len(prefix) :])
    numbers = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    return numbers if min(numbers) > 0 and max(numbers) <= DB_INT_MAX else None


def partner_versions(rows: Iterable[tuple[int, datetime, dict]]) -> list[Version]:
    """Stored threat deltas (seq, at, feature) as partner copies, in sequence order."""
    versions = (Version(seq, at, threat_for_partner(data)) for seq, at, data in rows)
    return sorted(versions, key=lambda v: v.seq)


def history(versions: Iterable[Version], sender: str, event_id: int) -> list[Message]:
    """Every threat's messages, each chain in order. A version that partners cannot tell
    from the one before (a note, another assignee) is no message."""
    chains: dict[int, list[Version]] = {}
    for version in sorted(versions, key=lambda v: v.seq):
        chains.setdefault(version.threat_id, []).append(version)
    return [m for chain in chains.values() for m in _chain(chain, sender, event_id)]


def _chain(versions: list[Version], sender: str, event_id: int) -> list[Message]:
    messages: list[Message] = []
    shown = None
    for version in versions:
        content = _content(version.feature)
        if content != shown:
            shown = content
            messages.append(_message(version, messages, sender, event_id))
    return messages


def _content(feature: dict) -> str:
    """What a document shows of a version: all but the time it was stored."""
    properties = {k: v for k, v in feature["properties"].items() if k != "updated_at"}
    return json.dumps([feature.get("geometry"), properties], sort_keys=True, default=str)


def _message(version: Version, earlier: list[Message], sender: str, event_id: int) -> Message:
    status = version.feature["properties"].get("status")
    msg_type = "Cancel" if status in CLOSED else "Update" if earlier else "Alert"
    return Message(
        identifier=identifier_for(sender, event_id, version.threat_id, version.seq),
        sender=sender,
        sent=version.at,
        msg_type=msg_type,
        references=tuple((m.identifier, m.sent) for m in earlier),
        incident=f"{sender_domain(sender)}.{event_id}.{version.threat_id}",
        threat_id=version.threat_id,
        seq=version.seq,
        feature=version.feature,
    )


def current(messages: Iterable[Message]) -> list[Message]:
    """Each threat's latest message, newest first: what the index lists."""
    latest: dict[int, Message] = {}
    for message in messages:
        if message.threat_id not in latest or message.seq > latest[message.threat_id].seq:
            latest[message.threat_id] = message
    return sorted(latest.values(), key=lambda m: m.seq, reverse=True)


def validator(*parts: object) -> str:
    """An ETag value for a representation made from these parts."""
    return hashlib.sha256("|".join(map(str, (FORMAT, *parts))).encode()).hexdigest()[:32]


def alert_document(message: Message, tz: ZoneInfo) -> bytes:
    """The CAP 1.2 <alert> of one message, its elements in the XSD's order."""
    alert = ET.Element("alert", xmlns=CAP_NS)
    for name, text in (
        ("identifier", message.identifier),
        ("sender", message.sender),
        ("sent", cap_time(message.sent, tz)),
        ("status", "Actual"),
        ("msgType", message.msg_type),
        ("scope", SCOPE),
        ("restriction", RESTRICTION),
    ):
        _add(alert, name, text)
    if message.msg_type == "Cancel":
        _add(alert, "note", f"The threat was {message.properties.get('status')}.")
    if message.references:
        cited = (
            f"{message.sender},{ident},{cap_time(sent, tz)}" for ident, sent in message.references
        )
        _add(alert, "references", " ".join(cited))
    _add(alert, "incidents", message.incident)
    alert.append(_info(message, tz))
    return _serialize(alert)


def _info(message: Message, tz: ZoneInfo) -> ET.Element:
    props = message.properties
    info = ET.Element("info")
    _add(info, "language", language_tag(props.get("language")))
    for category in categories(props.get("category")):
        _add(info, "category", category)
    _add(info, "event", event_name(props))
    if message.msg_type == "Cancel":
        _add(info, "responseType", "AllClear")
    _add(info, "urgency", choice(props.get("urgency"), URGENCIES))
    severity = stated_severity(props.get("severity"), props.get("urgency"), props.get("certainty"))
    _add(info, "severity", severity)
    _add(info, "certainty", choice(props.get("certainty"), CERTAINTIES))
    if effective := parse_time(props.get("sent_at") or props.get("first_seen")):
        _add(info, "effective", cap_time(effective, tz))
    if expires := parse_time(props.get("expires_at")):
        _add(info, "expires", cap_time(expires, tz))
    _add(info, "headline", headline(props))
    for name, value in (
        ("eventwatch-threat", props.get("id")),
        ("eventwatch-status", props.get("status")),
    ):
        parameter = _add(info, "parameter")
        _add(parameter, "valueName", name)
        _add(parameter, "value", str(value))
    if (area := _area(message.feature)) is not None:
        info.append(area)
    return info


def _area(feature: dict) -> ET.Element | None:
    geometry = feature.get("geometry")
    polygons, circles = cap_shapes(shape(geometry) if geometry else None)
    names = zone_names(feature["properties"])
    if not (polygons or circles or names):
        return None
    area = ET.Element("area")
    _add(area, "areaDesc", ", ".join(names) or "Where the threat was reported")
    for polygon in polygons:
        _add(area, "polygon", polygon)
    for circle in circles:
        _add(area, "circle", circle)
    return area


def atom_index(
    messages: Iterable[Message],
    *,
    title: str,
    self_url: str,
    link_for: Callable[[str], str],
    author: str,
    updated: datetime,
    tz: ZoneInfo,
) -> bytes:
    """An Atom index in the api.weather.gov style: one entry per message, with CAP's
    summary elements, each linking to its CAP document."""
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xmlns:cap": CAP_NS})
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    _add(feed, "updated", cap_time(updated, tz))
    _add(_add(feed, "author"), "name", author)
    ET.SubElement(feed, "link", rel="self", href=self_url)
    for message in messages:
        feed.append(_entry(message, link_for(message.identifier), tz))
    return _serialize(feed)


def _entry(message: Message, link: str, tz: ZoneInfo) -> ET.Element:
    props = message.properties
    entry = ET.Element("entry")
    _add(entry, "id", link)
    _add(entry, "title", headline(props))
    _add(entry, "updated", cap_time(message.sent, tz))
    ET.SubElement(entry, "link", rel="alternate", type="application/cap+xml", href=link)
    _add(entry, "summary", headline(props))
    severity = stated_severity(props.get("severity"), props.get("urgency"), props.get("certainty"))
    for name, text in (
        ("identifier", message.identifier),
        ("sent", cap_time(message.sent, tz)),
        ("status", "Actual"),
        ("msgType", message.msg_type),
        ("event", event_name(props)),
        ("severity", severity),
        ("areaDesc", ", ".join(zone_names(props))),
    ):
        _add(entry, f"cap:{name}", text)
    if expires := parse_time(props.get("expires_at")):
        _add(entry, "cap:expires", cap_time(expires, tz))
    return entry


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    """A child element; its text cleaned of what XML cannot carry (ElementTree writes such
    characters as they are, making a document no consumer can parse)."""
    child = ET.SubElement(parent, tag)
    child.text = None if text is None else xml_text(text)
    return child


def _serialize(root: ET.Element) -> bytes:
    """The document with its namespaces declared on the root by name: ElementTree's own
    namespace handling would prefix every Atom element or refuse unprefixed attributes."""
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
