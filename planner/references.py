"""References out of an uploaded zone file, refused before GDAL opens it: a file is read as
it is, and nothing it names is fetched or opened (no server-side requests, no local files).

GDAL follows a GeoJSON `crs` of type link or url, a KML network link or any href, and a
/vsicurl/ path; GDAL's own network is switched off too (planner.offline), but a file that
tries is refused here by name.
"""

from __future__ import annotations

import json
import re
from xml.etree.ElementTree import Element

from common.messages import N_
from planner.zones import ZoneError

# What GDAL reads as a coordinate system's name without opening or fetching anything:
# "EPSG:3435", "urn:ogc:def:crs:EPSG::3435", "urn:ogc:def:crs:OGC:1.3:CRS84", and the OGC
# identifiers written as URLs, which GDAL parses (http://www.opengis.net/def/crs/EPSG/0/3435).
NAMED_CRS = re.compile(
    r"[A-Za-z][\w.-]*:[\w.:-]*|https?://(www\.)?opengis\.net/def/crs/\w+/[\w.]+/\w+", re.ASCII
)
# KML elements (and attributes) whose text points at another document.
KML_REFERENCES = {"href", "styleUrl", "schemaUrl", "targetHref", "sourceHref"}
KML_ICON_STYLES = {"IconStyle", "ListStyle"}  # a marker's picture: shown, never read by GDAL
XINCLUDE = "{http://www.w3.org/2001/XInclude}"
REMOTE_NAME = re.compile(r"://|^//|(^|/)vsi\w*/", re.IGNORECASE)


class _Members(dict):
    """A JSON object that keeps every (key, value) pair, duplicates and all, as GDAL sees
    them (GDAL matches member names without regard to case)."""

    pairs: list[tuple[str, object]]


def refuse_remote_geojson(data: bytes) -> None:
    """Every `crs` member, at any depth, must name a coordinate system."""
    try:
        json.loads(data, object_pairs_hook=_checked_object)
    except (RecursionError, ValueError) as exc:  # too deep; not JSON, or not UTF-8
        error = "Too many nested objects and/or arrays" if isinstance(exc, RecursionError) else exc
        raise ZoneError(
            N_(
                "%(format)s: the file could not be read (%(error)s)",
                format="GeoJSON",
                error=str(error),
            )
        ) from exc


def _checked_object(pairs: list[tuple[str, object]]) -> _Members:
    members = _Members(pairs)
    members.pairs = pairs
    for value in _all(members, "crs"):
        if value is not None:
            _check_crs(value)
    return members


def _all(members: object, name: str) -> list:
    pairs = getattr(members, "pairs", [])
    return [value for key, value in pairs if key.lower() == name]


def _check_crs(crs: object) -> None:
    kinds = _all(crs, "type") or [None]
    for kind in kinds:
        if not isinstance(kind, str) or kind.lower() not in ("name", "epsg"):
            raise ZoneError(
                N_(
                    "GeoJSON: a \"crs\" member of type '%(type)s' is refused: only a named "
                    'coordinate system is read ("type": "name", for example EPSG:3435), '
                    "nothing outside the file",
                    type=str(kind)[:40],
                )
            )
    for properties in _all(crs, "properties"):
        for name in _all(properties, "name"):
            if not (isinstance(name, str) and NAMED_CRS.fullmatch(name)):
                raise ZoneError(
                    N_(
                        "GeoJSON: the \"crs\" name '%(name)s' is not the identifier of a "
                        "coordinate system (for example EPSG:3435)",
                        name=str(name)[:100],
                    )
                )


def refuse_remote_kml(root: Element) -> None:
    """Network links, XInclude and references to other documents (anything but #id within
    the file) are refused; a style's icon picture may stay where it is."""
    icons = {
        id(e) for style in root.iter() if _local(style.tag) in KML_ICON_STYLES for e in style.iter()
    }
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "NetworkLink":
            raise ZoneError(N_("KML: network links are not followed; export the zones themselves"))
        if str(element.tag).startswith(XINCLUDE):
            _refuse_kml_reference(tag, element.get("href", ""))
        if tag in KML_REFERENCES and id(element) not in icons:
            _check_kml_reference(tag, (element.text or "").strip())
        for attribute, value in element.attrib.items():
            if _local(attribute) in KML_REFERENCES:
                _check_kml_reference(_local(attribute), value.strip())


def _check_kml_reference(tag: str, reference: str) -> None:
    if reference and not reference.startswith("#"):
        _refuse_kml_reference(tag, reference)


def _refuse_kml_reference(tag: str, reference: str) -> None:
    raise ZoneError(
        N_(
            "KML: '%(reference)s' in <%(tag)s> points outside the file; only references "
            "within it (#id) are read",
            reference=reference[:100],
            tag=tag,
        )
    )


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def refuse_remote_name(name: str) -> None:
    """A file or archive member named like a URL or a GDAL virtual path (/vsicurl/...)."""
    if REMOTE_NAME.search(name.replace("\\", "/")):
        raise ZoneError(
            N_(
                "the file name '%(name)s' points outside the upload (a URL or a /vsi path)",
                name=name[:200],
            )
        )
