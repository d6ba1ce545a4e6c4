"""Basemap tile files, read with no internet: MBTiles (SQLite) and PMTiles v3, raster or
vector (MVT). One interface for both: open a file (checked, or refused with a named error),
read its description (format, zoom range, bounds, attribution as plain text) and its tiles.

Plain Python, no Flask: the web layer serves what this reads (maps/tile_views.py).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from common.messages import N_

MAX_ZOOM = 24  # deeper than any basemap; a z beyond it is refused before any lookup
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
SUFFIXES = (".mbtiles", ".pmtiles")
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "pbf": "application/vnd.mapbox-vector-tile",
}
RASTER = frozenset({"png", "jpg", "webp"})
WORLD = (-180.0, -85.0511, 180.0, 85.0511)


class TileFileError(ValueError):
    """A file that is not a basemap we can serve; the message says what is wrong with it."""


@dataclass(frozen=True)
class Description:
    """What a map needs to know of a basemap before asking for its tiles."""

    format: str  # png, jpg, webp or pbf
    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float]  # west, south, east, north (EPSG:4326)
    attribution: str  # plain text
    title: str = ""

    @property
    def vector(self) -> bool:
        return self.format == "pbf"


class TileReader(Protocol):
    description: Description

    def tile(self, z: int, x: int, y: int) -> bytes | None: ...

    def close(self) -> None: ...


def open_tiles(path: Path) -> TileReader:
    """A reader of the file, by its suffix; refuses with TileFileError what it cannot read."""
    from maps import mbtiles, pmtiles

    path = Path(path)
    if path.suffix == ".mbtiles":
        return mbtiles.MBTilesReader(path)
    if path.suffix == ".pmtiles":
        return pmtiles.PMTilesReader(path)
    raise TileFileError(N_("a basemap file ends in .mbtiles or .pmtiles"))


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise TileFileError(
            N_("a basemap's name is letters, digits, - and _ (at most 64), like lakefront-2026")
        )
    return name


def in_range(z: int, x: int, y: int) -> bool:
    """Whether z/x/y names a tile at all (XYZ scheme, y down from the north)."""
    return 0 <= z <= MAX_ZOOM and 0 <= x < (1 << z) and 0 <= y < (1 << z)


def sniff_format(data: bytes) -> str | None:
    """The format of one tile from its first bytes (raster) or gzip/protobuf (vector)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\x1f\x8b") or data[:1] in (b"\x1a", b"\x12"):
        return "pbf"  # gzipped MVT, or a bare MVT starting with a layer (field 3) or keys
    return None


def plain_text(value: object, limit: int = 300) -> str:
    """Attribution as text: tags dropped and entities read (`<a>© OSM</a>` is `© OSM`)."""
    text = re.sub(r"<[^>]*>", "", str(value or ""))
    return " ".join(html.unescape(text).split())[:limit]


def zoom_range(minzoom: object, maxzoom: object) -> tuple[int, int]:
    try:
        low, high = int(minzoom), int(maxzoom)
    except (TypeError, ValueError) as exc:
        raise TileFileError(N_("the file does not say its zoom levels")) from exc
    if not 0 <= low <= high <= MAX_ZOOM:
        raise TileFileError(
            N_("the file's zoom levels %(low)s-%(high)s make no sense", low=low, high=high)
        )
    return low, high


def checked_bounds(bounds: object) -> tuple[float, float, float, float]:
    """West, south, east, north in degrees; the world when a file gives none or nonsense."""
    try:
        west, south, east, north = (float(v) for v in bounds)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return WORLD
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return WORLD
    return west, max(south, WORLD[1]), east, min(north, WORLD[3])
