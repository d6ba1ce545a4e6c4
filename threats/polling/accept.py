"""The Accept header each feed kind sends: the one table of what we ask each source for.

Sources that negotiate answer with what we ask for, and some answer something else when
not asked: api.weather.gov serves GeoJSON unless the request asks for Atom or CAP. Every
value ends in `*/*;q=0.1`, so a source that does not negotiate still answers (no 406).
"""

from __future__ import annotations

ANY = "*/*;q=0.1"
XML = "application/xml;q=0.9, text/xml;q=0.9"
JSON = "application/json"
# An index and its entries share the header: a server offers Atom for a list of alerts
# and CAP for one alert (api.weather.gov does), so it picks the one it has.
CAP_ATOM = f"application/atom+xml, application/cap+xml, {XML}, {ANY}"
ACCEPT: dict[str, str] = {
    "cap": f"application/cap+xml, {XML}, {ANY}",
    "cap-atom": CAP_ATOM,
    "nws": f"application/geo+json, {JSON};q=0.9, {ANY}",
    "interpol-red": f"{JSON}, {ANY}",
    "interpol-yellow": f"{JSON}, {ANY}",
    "fbi-wanted": f"{JSON}, {ANY}",
    "ftm": f"{JSON}, application/x-ndjson, {ANY}",
    "ofac-csv": f"text/csv, {ANY}",
    "ofac-xml": f"application/xml, text/xml;q=0.9, {ANY}",
    "geojson-incidents": f"application/geo+json, {JSON};q=0.9, {ANY}",
    "csv-lookout": f"text/csv, {ANY}",
}
ACCEPT["incidents"] = ACCEPT["geojson-incidents"]  # one reader under two names


def accept_for(kind: str) -> str:
    return ACCEPT.get(kind, "*/*")
