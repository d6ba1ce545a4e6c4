"""Atom indexes of CAP alerts: each entry's summary, where its CAP document is, and the
alert itself when the entry carries it inline (Canada's NAAD feeds do)."""

import io
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from threats.feeds.capxml import (
    ATOM_NS,
    CAP_NAMESPACES,
    MAX_DOCUMENT_BYTES,
    load,
    parse_datetime,
    q,
    required,
    text,
)
from threats.feeds.errors import FeedFormatError

CAP_TYPES = frozenset({"application/cap+xml"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_DOCUMENT_RELS = ("alternate", "related", "enclosure")
# Links of one entry tried for its CAP document: USGS gives two (the page, the CAP), NAAD
# one or two. A source listing a thousand makes one poll try a few, not a thousand fetches.
MAX_ENTRY_LINKS = 4


@dataclass(frozen=True)
class AtomEntry:
    id: str
    link: str  # the first of `links`, or ""
    updated: datetime | None
    title: str
    msg_type: str
    event: str
    expires: datetime | None
    links: tuple[str, ...] = ()  # where the CAP document may be, best first
    content: bytes = b""  # the entry's own inline alert, read instead of any link


def parse_atom_index(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> list[AtomEntry]:
    """Parse an Atom index of CAP alerts (api.weather.gov style) into its entries."""
    root = load(data, max_bytes, "Atom")
    if root.tag != q(ATOM_NS, "feed"):
        raise FeedFormatError(f"Atom: root element is {root.tag!r}, expected an Atom <feed>")
    return [_atom_entry(el) for el in root.findall(q(ATOM_NS, "entry"))]


def is_atom(data: bytes) -> bool:
    """Cheap sniff: True when the root element is an Atom <feed>; DTDs are refused, not read."""
    try:
        events = SafeET.iterparse(io.BytesIO(data), events=("start",), forbid_dtd=True)
        for _event, element in events:
            return element.tag == q(ATOM_NS, "feed")
    except (ParseError, DefusedXmlException):
        return False
    return False


def _atom_entry(el: Element) -> AtomEntry:
    updated = text(el, ATOM_NS, "updated")
    expires = _cap_summary(el, "expires")
    links = _document_links(el)
    return AtomEntry(
        id=required(el, ATOM_NS, "id"),
        link=links[0] if links else "",
        updated=parse_datetime(updated, "Atom: <updated>") if updated else None,
        title=text(el, ATOM_NS, "title"),
        msg_type=_cap_summary(el, "msgType"),
        event=_cap_summary(el, "event"),
        expires=parse_datetime(expires, "Atom: <cap:expires>") if expires else None,
        links=links,
        content=_inline_document(el),
    )


def _document_links(entry: Element) -> tuple[str, ...]:
    """Links typed as CAP first, then the alternate, related and enclosure links that may
    be CAP, in the entry's order. USGS lists an HTML event page as the alternate and the
    CAP document as related: an HTML page is never a candidate."""
    links = entry.findall(q(ATOM_NS, "link"))
    typed, others = [], []
    for link in links:
        href, rel = link.get("href", "").strip(), link.get("rel", "alternate")  # RFC 4287
        kind = link.get("type", "").split(";")[0].strip().lower()
        if not href or rel == "self":
            continue
        if kind in CAP_TYPES:
            typed.append(href)
        elif rel in _DOCUMENT_RELS and kind not in _HTML_TYPES:
            others.append(href)
    found = tuple(dict.fromkeys(typed + others))[:MAX_ENTRY_LINKS]
    only = links[0].get("href", "").strip() if len(links) == 1 else ""
    return found or ((only,) if only else ())


def _inline_document(entry: Element) -> bytes:
    """The XML document in <content type="text/xml"> (or any XML type), as bytes for the
    CAP reader; b"" when the content is text, HTML or absent."""
    content = entry.find(q(ATOM_NS, "content"))
    kind = (content.get("type", "") if content is not None else "").lower()
    if content is None or not kind.endswith("xml") or "xhtml" in kind or len(content) == 0:
        return b""
    return ET.tostring(content[0], encoding="utf-8")


def _cap_summary(entry: Element, name: str) -> str:
    for ns in CAP_NAMESPACES:
        if found := text(entry, ns, name):
            return found
    return ""
