"""Small tile files made in the test that needs them: PNG tiles, MBTiles and PMTiles v3
(written here from the specification, independently of the readers in maps/)."""

from __future__ import annotations

import gzip
import json
import sqlite3
import struct
import zlib
from pathlib import Path


def png_tile(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A solid PNG with a darker one-pixel grid line on its top and left edges."""
    r, g, b = rgb
    edge = bytes((r // 2, g // 2, b // 2))
    line = edge + bytes((r, g, b)) * (size - 1)
    rows = b"".join(b"\x00" + (edge * size if y == 0 else line) for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def write_mbtiles(path: Path, tiles: dict, metadata: dict | None = None) -> Path:
    """tiles: {(z, x, y): bytes} in XYZ; stored TMS (rows flipped) as the format says."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
    db.executemany("INSERT INTO metadata VALUES (?, ?)", list((metadata or {}).items()))
    db.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
        [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()],
    )
    db.commit()
    db.close()
    return path


def hilbert_id(z: int, x: int, y: int) -> int:
    """Wikipedia's xy2d on a 2^z grid, after the ids of every coarser level."""
    n, d = 1 << z, 0
    s = n // 2
    while s > 0:
        rx, ry = int(x & s > 0), int(y & s > 0)
        d += s * s * ((3 * rx) ^ ry)
        if ry == 0:
            if rx == 1:
                x, y = n - 1 - x, n - 1 - y
            x, y = y, x
        s //= 2
    return (4**z - 1) // 3 + d


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _directory(entries: list[tuple[int, int, int, int]]) -> bytes:
    """entries: (tile_id, offset, length, run_length), sorted by tile_id."""
    out = _varint(len(entries))
    last = 0
    for tid, *_ in entries:
        out += _varint(tid - last)
        last = tid
    out += b"".join(_varint(e[3]) for e in entries)
    out += b"".join(_varint(e[2]) for e in entries)
    out += b"".join(_varint(e[1] + 1) for e in entries)
    return gzip.compress(out)


def write_pmtiles(
    path: Path,
    tiles: dict,
    *,
    tile_type: int = 2,
    tile_compression: int = 1,
    metadata: dict | None = None,
    bounds: tuple[float, float, float, float] = (-87.7, 41.85, -87.55, 41.95),
    leaves: bool = False,
) -> Path:
    """A PMTiles v3 file; with `leaves`, the root points to one leaf directory per tile."""
    ordered = sorted(((hilbert_id(*k), v) for k, v in tiles.items()), key=lambda t: t[0])
    data, entries = b"", []
    for tid, blob in ordered:
        entries.append((tid, len(data), len(blob), 1))
        data += blob
    leaf_blob, root_entries = b"", entries
    if leaves:
        root_entries = []
        for entry in entries:
            leaf = _directory([entry])
            root_entries.append((entry[0], len(leaf_blob), len(leaf), 0))
            leaf_blob += leaf
    root = _directory(root_entries)
    meta = gzip.compress(json.dumps(metadata or {}).encode())
    zooms = [k[0] for k in tiles]
    offsets = [127, len(root)]
    offsets += [127 + len(root), len(meta)]
    offsets += [offsets[2] + len(meta), len(leaf_blob)]
    offsets += [offsets[4] + len(leaf_blob), len(data)]
    offsets += [len(tiles), len(tiles), len(tiles)]
    header = struct.pack(
        "<7sB11Q6B4iB2i",
        b"PMTiles",
        3,
        *offsets,
        1,
        2,  # internal compression: gzip
        tile_compression,
        tile_type,
        min(zooms),
        max(zooms),
        *(round(v * 1e7) for v in bounds),
        min(zooms),
        round((bounds[0] + bounds[2]) / 2 * 1e7),
        round((bounds[1] + bounds[3]) / 2 * 1e7),
    )
    path.write_bytes(header + root + meta + leaf_blob + data)
    return path


def _pixel(lon: float, lat: float, z: int, x: int, y: int) -> tuple[float, float]:
    import math

    scale = 256 * (1 << z)
    px = (lon + 180.0) / 360.0 * scale
    py = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * scale
    return px - x * 256, py - y * 256


def drawn_tiles(layer: dict, tiles) -> dict:
    """Raster tiles (PNG) of a GeoJSON street layer such as demo/basemap.geojson: a map made
    from our own drawing, for tests and screenshots of a raster basemap."""
    import io

    from PIL import Image, ImageDraw

    looks = {
        "water": ("#aad3df", "#aad3df"),
        "park": ("#c8facc", "#b5e3b5"),
        "road": (None, "#f7c67a"),
        "street": (None, "#ffffff"),
    }
    made = {}
    for z, x, y in tiles:
        image = Image.new("RGB", (256, 256), "#f2efe9")
        draw = ImageDraw.Draw(image)
        for feature in layer["features"]:
            fill, line = looks.get(feature["properties"].get("layer"), (None, None))
            geometry = feature["geometry"]
            if geometry["type"] == "Polygon" and fill:
                ring = [_pixel(lon, lat, z, x, y) for lon, lat in geometry["coordinates"][0]]
                draw.polygon(ring, fill=fill, outline=line)
            elif geometry["type"] == "LineString" and line:
                points = [_pixel(lon, lat, z, x, y) for lon, lat in geometry["coordinates"]]
                width = max(2, z - 11) * (2 if feature["properties"]["layer"] == "road" else 1)
                draw.line(points, fill="#c9c3b8", width=width + 2, joint="curve")
                draw.line(points, fill=line, width=width, joint="curve")
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        made[(z, x, y)] = out.getvalue()
    return made


def _key(field: int, wire: int) -> bytes:
    return _varint((field << 3) | wire)


def _bytes_field(field: int, data: bytes) -> bytes:
    return _key(field, 2) + _varint(len(data)) + data


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 31)


def _geometry(kind: str, rings: list[list[tuple[int, int]]]) -> list[int]:
    """MVT commands: MoveTo, LineTo (and ClosePath for a polygon ring), zigzag deltas."""
    out, cx, cy = [], 0, 0
    for ring in rings:
        points = ring[:-1] if kind == "polygon" and ring[0] == ring[-1] else ring
        for i, (x, y) in enumerate(points):
            if i == 0:
                out.append((1 & 0x7) | (1 << 3))
            elif i == 1:
                out.append((2 & 0x7) | ((len(points) - 1) << 3))
            out += [_zigzag(x - cx), _zigzag(y - cy)]
            cx, cy = x, y
        if kind == "polygon":
            out.append(7 | (1 << 3))
    return out


def mvt_tile(layers: dict[str, list[tuple[str, list, dict]]]) -> bytes:
    """A Mapbox Vector Tile (extent 4096): {layer: [(kind, rings, properties)]}, kind
    "line" or "polygon", rings in tile coordinates, string properties."""
    tile = b""
    for name, features in layers.items():
        keys: list[str] = []
        values: list[str] = []
        body = _key(15, 0) + _varint(2) + _bytes_field(1, name.encode())
        for kind, rings, props in features:
            tags = []
            for k, v in props.items():
                keys.append(k) if k not in keys else None
                values.append(v) if v not in values else None
                tags += [keys.index(k), values.index(v)]
            feature = _key(3, 0) + _varint(2 if kind == "line" else 3)
            if tags:
                feature += _bytes_field(2, b"".join(_varint(t) for t in tags))
            feature += _bytes_field(4, b"".join(_varint(c) for c in _geometry(kind, rings)))
            body += _bytes_field(2, feature)
        body += b"".join(_bytes_field(3, k.encode()) for k in keys)
        body += b"".join(_bytes_field(4, _bytes_field(1, v.encode())) for v in values)
        body += _key(5, 0) + _varint(4096)
        tile += _bytes_field(3, body)
    return tile


def drawn_vector_tiles(layer: dict, tiles) -> dict:
    """Gzipped MVT tiles of a GeoJSON street layer, in the Protomaps basemap's layers
    (earth, water, roads) that protomaps-leaflet's styles draw."""
    made = {}
    for z, x, y in tiles:

        def project(coords, z=z, x=x, y=y):
            return [
                (round(px * 16), round(py * 16))
                for px, py in (_pixel(lon, lat, z, x, y) for lon, lat in coords)
            ]

        water, roads = [], []
        for feature in layer["features"]:
            geometry, kind = feature["geometry"], feature["properties"].get("layer")
            if kind == "water":
                water.append(("polygon", [project(geometry["coordinates"][0])], {"kind": "lake"}))
            elif kind in ("road", "street"):
                road = "highway" if kind == "road" else "major_road"
                roads.append(("line", [project(geometry["coordinates"])], {"kind": road}))
        earth = [("polygon", [[(0, 0), (4096, 0), (4096, 4096), (0, 4096)]], {})]
        made[(z, x, y)] = gzip.compress(mvt_tile({"earth": earth, "water": water, "roads": roads}))
    return made
