"""Pure CAP 1.2 (and 1.1) alert parser: bytes in, frozen dataclasses out.

A document may carry one alert or several: a bare <alert>, an <alerts> list of them, or
an OASIS EDXL-DE 1.0/2.0 distribution whose content objects embed them. `read_alerts`
reads them all, refusing a malformed one and keeping the rest; `parse_alerts` is the same
door for callers that need only the alerts.
"""

from dataclasses import dataclass
from datetime import datetime
from xml.etree.ElementTree import Element

from shapely.geometry.base import BaseGeometry

from threats.feeds.capatom import MAX_ENTRY_LINKS as MAX_ENTRY_LINKS
from threats.feeds.capatom import AtomEntry as AtomEntry
from threats.feeds.capatom import is_atom as is_atom
from threats.feeds.capatom import parse_atom_index as parse_atom_index
from threats.feeds.capgeo import parse_circle, parse_polygon, union
from threats.feeds.capxml import ATOM_NS as ATOM_NS
from threats.feeds.capxml import (
    CAP_NAMESPACES,
    CAP_NS,
    MAX_DOCUMENT_BYTES,
    is_cap_alert,
    load,
    parse_datetime,
    q,
    required,
    text,
    text_of,
)
from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Page, refusal

EDXL_DE_NAMESPACES = (
    "urn:oasis:names:tc:emergency:EDXL:DE:1.0",
    "urn:oasis:names:tc:emergency:EDXL:DE:2.0",
)
_DISTRIBUTIONS = frozenset(q(ns, "EDXLDistribution").lower() for ns in EDXL_DE_NAMESPACES)
IPAWS_FEED_NS = "http://gov.fema.ipaws.services/feed"  # IPAWS-OPEN's list of alerts
_ALERTS_LISTS = frozenset({"alerts", *(q(ns, "alerts") for ns in (*CAP_NAMESPACES, IPAWS_FEED_NS))})
_STATUSES = frozenset({"Actual", "Exercise", "System", "Test", "Draft"})
_MSG_TYPES = frozenset({"Alert", "Update", "Cancel", "Ack", "Error"})
_SCOPES = frozenset({"Public", "Restricted", "Private"})
MAX_TOKEN_CHARS = 250  # <identifier>, <sender>: NWS's are under 100


@dataclass(frozen=True)
class Reference:
    sender: str
    identifier: str
    sent: datetime

    @property
    def key(self) -> tuple[str, str, datetime]:
        """The (sender, identifier, sent) triplet, comparable with Alert.key."""
        return (self.sender, self.identifier, self.sent)


@dataclass(frozen=True)
class Area:
    description: str
    geometry: BaseGeometry | None
    geocodes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Info:
    language: str
    categories: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    instruction: str
    effective: datetime | None
    onset: datetime | None
    expires: datetime | None
    parameters: tuple[tuple[str, str], ...]
    areas: tuple[Area, ...]


@dataclass(frozen=True)
class Alert:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: tuple[Reference, ...]
    incidents: tuple[str, ...]
    note: str
    infos: tuple[Info, ...]

    @property
    def info(self) -> Info | None:
        """The first <info> block, or None."""
        return self.infos[0] if self.infos else None

    @property
    def geometry(self) -> BaseGeometry | None:
        """Union of every area geometry of every info, or None when there is none."""
        return union(area.geometry for info in self.infos for area in info.areas)

    @property
    def expires(self) -> datetime | None:
        """The latest <expires> among the infos, or None."""
        found = [info.expires for info in self.infos if info.expires is not None]
        return max(found) if found else None

    @property
    def key(self) -> tuple[str, str, datetime]:
        """The (sender, identifier, sent) triplet that other alerts' references point at."""
        return (self.sender, self.identifier, self.sent)


def parse_alert(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> Alert:
    """Parse one CAP 1.2/1.1 <alert> document; raise FeedFormatError when it is not one."""
    return _alert(load(data, max_bytes, "CAP"))


def parse_alerts(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> list[Alert]:
    """Every CAP alert a document carries, whatever wraps it: what a source serves or a
    partner pushes. A malformed alert among good ones is left out; FeedFormatError only
    when the document is not one of these forms or none of its alerts could be read."""
    return read_alerts(data, max_bytes).records


def read_alerts(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> Page[Alert]:
    """Every CAP alert of a bare <alert>, an <alerts> list or an EDXL-DE distribution; one
    malformed alert among several is refused (named in `Page.refused`), the rest kept."""
    root = load(data, max_bytes, "CAP")
    found = _embedded_alerts(root)
    if len(found) == 1 and found[0] is root:
        return Page([_alert(root)])
    alerts, refused = [], []
    for number, element in enumerate(found, start=1):
        try:
            alerts.append(_alert(element))
        except FeedFormatError as exc:
            refused.append(refusal(number, _identifier(element), exc))
    if refused and not alerts:
        raise FeedFormatError(f"CAP: no alert of {len(found)} could be read: {refused[0]}")
    return Page(alerts, refused=tuple(refused))


def _embedded_alerts(root: Element) -> list[Element]:
    """The CAP <alert> elements a document holds, in document order; content objects of an
    EDXL-DE distribution that hold something else (a map, a report) are not alerts."""
    if is_cap_alert(root):
        return [root]
    if root.tag in _ALERTS_LISTS:
        return [child for child in root if is_cap_alert(child)]
    if root.tag.lower() in _DISTRIBUTIONS:
        # DE 1.0 nests xmlContent/embeddedXMLContent, DE 2.0 content/contentObject/contentXML,
        # and the roots are spelled EDXLDistribution or edxlDistribution: search them all.
        return [el for el in root.iter() if is_cap_alert(el)]
    raise FeedFormatError(
        f"CAP: root element is {root.tag!r}, expected a CAP <alert>, <alerts> or an "
        "EDXL-DE <EDXLDistribution>"
    )


def _identifier(element: Element) -> str | None:
    for ns in CAP_NAMESPACES:
        if found := text(element, ns, "identifier"):
            return found
    return None


def _alert(root: Element) -> Alert:
    ns = _cap_namespace(root)
    return Alert(
        identifier=_token(root, ns, "identifier"),
        sender=_token(root, ns, "sender"),
        sent=parse_datetime(required(root, ns, "sent"), "CAP: <sent>"),
        status=_enum(root, ns, "status", _STATUSES),
        msg_type=_enum(root, ns, "msgType", _MSG_TYPES),
        scope=_enum(root, ns, "scope", _SCOPES),
        references=tuple(_reference(t) for t in text(root, ns, "references").split()),
        incidents=tuple(text(root, ns, "incidents").split()),
        note=text(root, ns, "note"),
        infos=tuple(_info(el, ns) for el in root.findall(q(ns, "info"))),
    )


def _cap_namespace(root: Element) -> str:
    for ns in CAP_NAMESPACES:
        if root.tag == q(ns, "alert"):
            return ns
    raise FeedFormatError(f"CAP: root element is {root.tag!r}, expected {q(CAP_NS, 'alert')}")


def _info(el: Element, ns: str) -> Info:
    return Info(
        language=text(el, ns, "language") or "en-US",
        categories=tuple(text_of(c) for c in el.findall(q(ns, "category"))),
        event=required(el, ns, "event"),
        urgency=required(el, ns, "urgency"),
        severity=required(el, ns, "severity"),
        certainty=required(el, ns, "certainty"),
        headline=text(el, ns, "headline"),
        description=text(el, ns, "description"),
        instruction=text(el, ns, "instruction"),
        effective=_optional_datetime(el, ns, "effective"),
        onset=_optional_datetime(el, ns, "onset"),
        expires=_optional_datetime(el, ns, "expires"),
        parameters=_pairs(el, ns, "parameter"),
        areas=tuple(_area(a, ns) for a in el.findall(q(ns, "area"))),
    )


def _area(el: Element, ns: str) -> Area:
    # Blank <polygon/> or <circle/> elements occur in real feeds and mean "none".
    polygons = [text_of(p) for p in el.findall(q(ns, "polygon"))]
    circles = [text_of(c) for c in el.findall(q(ns, "circle"))]
    shapes = [parse_polygon(t) for t in polygons if t] + [parse_circle(t) for t in circles if t]
    return Area(
        description=text(el, ns, "areaDesc"),
        geometry=union(shapes),
        geocodes=_pairs(el, ns, "geocode"),
    )


def _reference(triplet: str) -> Reference:
    parts = triplet.split(",")
    if len(parts) != 3 or not all(parts):
        raise FeedFormatError(
            f"CAP: <references> entry is not 'sender,identifier,sent': {triplet[:300]!r}"
        )
    if max(len(parts[0]), len(parts[1])) > MAX_TOKEN_CHARS:  # kept as a key, as <identifier>
        raise FeedFormatError(
            f"CAP: <references> names a sender or identifier over {MAX_TOKEN_CHARS} characters"
        )
    return Reference(parts[0], parts[1], parse_datetime(parts[2], "CAP: <references> sent"))


def _optional_datetime(el: Element, ns: str, name: str) -> datetime | None:
    found = text(el, ns, name)
    return parse_datetime(found, f"CAP: <{name}>") if found else None


def _pairs(el: Element, ns: str, name: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (required(child, ns, "valueName"), text(child, ns, "value"))
        for child in el.findall(q(ns, name))
    )


def _enum(el: Element, ns: str, name: str, allowed: frozenset[str]) -> str:
    value = required(el, ns, name)
    if value not in allowed:
        raise FeedFormatError(f"CAP: <{name}> is {value!r}, expected one of {sorted(allowed)}")
    return value


def _token(el: Element, ns: str, name: str) -> str:
    # CAP forbids spaces and commas here; either would break <references> triplets.
    value = required(el, ns, name)
    if "," in value or any(ch.isspace() for ch in value):
        raise FeedFormatError(f"CAP: <{name}> must not contain spaces or commas: {value!r}")
    if len(value) > MAX_TOKEN_CHARS:  # a threat keeps an identifier in 500, a key in 1,000
        raise FeedFormatError(f"CAP: <{name}> is longer than {MAX_TOKEN_CHARS} characters")
    return value
