"""PMTiles v3, read from a local file: a 127-byte header, a root directory, leaf directories
and tile data, tiles found by their Hilbert-curve id. See the PMTiles v3 specification
(github.com/protomaps/PMTiles, spec/v3/spec.md)."""

from __future__ import annotations

import gzip
import json
import struct
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from common.messages import N_
from maps.tiles import Description, TileFileError, checked_bounds, in_range, plain_text, zoom_range

HEADER = struct.Struct("<7sB11Q6B4iB2i")  # 127 bytes
NONE, GZIP = 1, 2  # compression codes (0 unknown, 3 brotli, 4 zstd)
TILE_TYPES = {1: "pbf", 2: "png", 3: "jpg", 4: "webp"}
MAX_DEPTH = 4  # root plus leaves; the specification needs at most three
MAX_DIRECTORY = 16 * 1024 * 1024


@dataclass(frozen=True)
class Header:
    root: tuple[int, int]  # offset, length
    metadata: tuple[int, int]
    leaves_offset: int
    data_offset: int
    internal_compression: int
    tile_compression: int
    tile_type: int
    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float]


@dataclass(frozen=True)
class Entry:
    tile_id: int
    offset: int
    length: int
    run_length: int  # 0: a leaf directory, not a tile


def tile_id(z: int, x: int, y: int) -> int:
    """The tile's place on the Hilbert curves of every zoom level, coarsest first."""
    acc = ((1 << (2 * z)) - 1) // 3
    for a in range(z - 1, -1, -1):
        s = 1 << a
        rx, ry = (x & s) > 0, (y & s) > 0
        acc += ((3 * rx) ^ ry) << (2 * a)
        if not ry:
            if rx:
                x, y = s - 1 - x, s - 1 - y
            x, y = y, x
        x, y = x & (s - 1), y & (s - 1)
    return acc


def read_header(data: bytes) -> Header:
    if len(data) < HEADER.size or data[:7] != b"PMTiles":
        raise TileFileError(N_("this is not a PMTiles file"))
    fields = HEADER.unpack(data[: HEADER.size])
    if fields[1] != 3:
        raise TileFileError(N_("only PMTiles version 3 is read (this is %(v)s)", v=fields[1]))
    root, root_len, meta, meta_len, leaves, _, tiles = fields[2:9]
    _clustered, internal, compression, kind, low, high = fields[13:19]
    west, south, east, north = (v / 1e7 for v in fields[19:23])
    return Header(
        root=(root, root_len),
        metadata=(meta, meta_len),
        leaves_offset=leaves,
        data_offset=tiles,
        internal_compression=internal,
        tile_compression=compression,
        tile_type=kind,
        minzoom=low,
        maxzoom=high,
        bounds=(west, south, east, north),
    )


def _varints(data: bytes, count: int, pos: int) -> tuple[list[int], int]:
    values = []
    for _ in range(count):
        value = shift = 0
        while True:
            if pos >= len(data) or shift > 63:
                raise TileFileError(N_("the PMTiles directory is cut short or corrupt"))
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        values.append(value)
    return values, pos


def read_directory(data: bytes) -> list[Entry]:
    (count,), pos = _varints(data, 1, 0)
    if count > len(data):
        raise TileFileError(N_("the PMTiles directory is cut short or corrupt"))
    deltas, pos = _varints(data, count, pos)
    runs, pos = _varints(data, count, pos)
    lengths, pos = _varints(data, count, pos)
    offsets, pos = _varints(data, count, pos)
    entries: list[Entry] = []
    last_id = 0
    for i in range(count):
        last_id += deltas[i]
        if offsets[i] == 0 and i > 0:
            offset = entries[-1].offset + entries[-1].length
        else:
            offset = offsets[i] - 1
        entries.append(Entry(last_id, offset, lengths[i], runs[i]))
    return entries


def _inflate(data: bytes, compression: int) -> bytes:
    if compression == NONE:
        return data
    if compression == GZIP:
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise TileFileError(N_("the PMTiles directory is cut short or corrupt")) from exc
    raise TileFileError(N_("only PMTiles with gzip or no compression are read"))


class PMTilesReader:
    """One PMTiles file; directories are read as tiles are asked for, and kept."""

    def __init__(self, path: Path) -> None:
        if not Path(path).is_file():
            raise TileFileError(N_("there is no such file"))
        self._path = Path(path)
        self._size = self._path.stat().st_size
        self.header = read_header(self._read(0, min(HEADER.size, self._size)))
        self.root = self._directory(*self.header.root)
        self.description = self._describe()
        self._leaves: dict[tuple[int, int], list[Entry]] = {}

    def _read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0 or offset + length > self._size:
            raise TileFileError(N_("the PMTiles file is cut short"))
        with open(self._path, "rb") as file:  # opened per read: no handle outlives a request
            file.seek(offset)
            return file.read(length)

    def _directory(self, offset: int, length: int) -> list[Entry]:
        if length > MAX_DIRECTORY:
            raise TileFileError(N_("the PMTiles directory is cut short or corrupt"))
        raw = self._read(offset, length)
        return read_directory(_inflate(raw, self.header.internal_compression))

    def _describe(self) -> Description:
        h = self.header
        if h.tile_type not in TILE_TYPES:
            raise TileFileError(N_("its tiles are not PNG, JPEG, WebP or vector (MVT)"))
        if h.tile_compression not in (NONE, GZIP) and h.tile_type == 1:
            raise TileFileError(N_("only PMTiles with gzip or no compression are read"))
        if not self.root:
            raise TileFileError(N_("the file holds no tiles"))
        low, high = zoom_range(h.minzoom, h.maxzoom)
        meta: dict = {}
        if h.metadata[1]:
            raw = _inflate(self._read(*h.metadata), h.internal_compression)
            try:
                meta = json.loads(raw) if raw.strip() else {}
            except ValueError as exc:
                raise TileFileError(N_("the PMTiles metadata is not JSON")) from exc
        meta = meta if isinstance(meta, dict) else {}
        return Description(
            format=TILE_TYPES[h.tile_type],
            minzoom=low,
            maxzoom=high,
            bounds=checked_bounds(h.bounds),
            attribution=plain_text(meta.get("attribution")),
            title=plain_text(meta.get("name"), 100),
        )

    @property
    def gzipped(self) -> bool:
        return self.header.tile_compression == GZIP

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not in_range(z, x, y):
            return None
        wanted = tile_id(z, x, y)
        entries = self.root
        for _ in range(MAX_DEPTH):
            i = bisect_right(entries, wanted, key=lambda e: e.tile_id) - 1
            if i < 0:
                return None
            entry = entries[i]
            if entry.run_length == 0:  # a leaf directory holding this part of the curve
                where = (self.header.leaves_offset + entry.offset, entry.length)
                if where not in self._leaves:
                    self._leaves[where] = self._directory(*where)
                entries = self._leaves[where]
                continue
            if wanted - entry.tile_id >= entry.run_length:
                return None
            return self._read(self.header.data_offset + entry.offset, entry.length)
        return None

    def close(self) -> None:
        """Nothing is held open (see _read)."""
