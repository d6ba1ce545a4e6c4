"""What every CAP-family XML reader shares: one hardened load, namespaces, element text."""

from datetime import datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from threats.feeds.errors import FeedFormatError

MAX_DOCUMENT_BYTES = 5_000_000
CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_11_NS = "urn:oasis:names:tc:emergency:cap:1.1"
CAP_NAMESPACES = (CAP_NS, CAP_11_NS)
ATOM_NS = "http://www.w3.org/2005/Atom"


def load(data: bytes, max_bytes: int, fmt: str) -> Element:
    """The root element; the size is capped before parsing, and DTDs (so entities) refused."""
    if len(data) > max_bytes:
        raise FeedFormatError(
            f"{fmt}: document is {len(data)} bytes, over the {max_bytes}-byte cap"
        )
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FeedFormatError(f"{fmt}: DTD/entities are forbidden ({type(exc).__name__})") from exc
    except ParseError as exc:
        raise FeedFormatError(f"{fmt}: not well-formed XML: {exc}") from exc


def is_cap_alert(element: Element) -> bool:
    return element.tag in {q(ns, "alert") for ns in CAP_NAMESPACES}


def parse_datetime(text: str, where: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise FeedFormatError(f"{where} is not an ISO 8601 date-time: {text!r}") from exc
    if value.tzinfo is None:
        raise FeedFormatError(f"{where} has no UTC offset: {text!r}")
    return value


def required(el: Element, ns: str, name: str) -> str:
    if value := text(el, ns, name):
        return value
    fmt = "Atom" if ns == ATOM_NS else "CAP"
    raise FeedFormatError(f"{fmt}: <{el.tag.rpartition('}')[2]}> is missing <{name}>")


def text(el: Element, ns: str, name: str) -> str:
    child = el.find(q(ns, name))
    return text_of(child) if child is not None else ""


def text_of(el: Element) -> str:
    return (el.text or "").strip()


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"
