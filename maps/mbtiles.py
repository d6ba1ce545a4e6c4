"""MBTiles 1.3: a SQLite file with `metadata(name, value)` and `tiles(zoom_level, tile_column,
tile_row, tile_data)`, rows counted up from the south (TMS): XYZ's y is flipped on the way.

Read-only readers for serving; a writer for `eventwatch tiles fetch` (and tests)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from common.messages import N_
from maps.tiles import (
    CONTENT_TYPES,
    Description,
    TileFileError,
    checked_bounds,
    in_range,
    plain_text,
    sniff_format,
    zoom_range,
)

FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp", "pbf": "pbf", "mvt": "pbf"}
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS metadata (name TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER,"
    " tile_row INTEGER, tile_data BLOB, PRIMARY KEY (zoom_level, tile_column, tile_row))",
)


def tms_row(z: int, y: int) -> int:
    return (1 << z) - 1 - y


class MBTilesReader:
    """One MBTiles file opened read-only; `description` is read and checked on opening."""

    def __init__(self, path: Path) -> None:
        if not Path(path).is_file():
            raise TileFileError(N_("there is no such file"))
        try:
            self._db = sqlite3.connect(
                f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            self.description = self._describe()
        except sqlite3.DatabaseError as exc:
            raise TileFileError(N_("this is not an MBTiles file (no SQLite tile tables)")) from exc

    def _describe(self) -> Description:
        meta = dict(self._db.execute("SELECT name, value FROM metadata").fetchall())
        first = self._db.execute(
            "SELECT zoom_level, tile_data FROM tiles ORDER BY zoom_level LIMIT 1"
        ).fetchone()
        if first is None:
            raise TileFileError(N_("the file holds no tiles"))
        fmt = FORMATS.get(str(meta.get("format", "")).lower()) or sniff_format(bytes(first[1]))
        if fmt not in CONTENT_TYPES:
            raise TileFileError(N_("its tiles are not PNG, JPEG, WebP or vector (MVT)"))
        if "minzoom" in meta and "maxzoom" in meta:
            low, high = zoom_range(meta["minzoom"], meta["maxzoom"])
        else:
            low, high = zoom_range(
                *self._db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
            )
        bounds = str(meta.get("bounds", "")).split(",")
        return Description(
            format=fmt,
            minzoom=low,
            maxzoom=high,
            bounds=checked_bounds(bounds if len(bounds) == 4 else None),
            attribution=plain_text(meta.get("attribution")),
            title=plain_text(meta.get("name"), 100),
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not in_range(z, x, y):
            return None
        row = self._db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, tms_row(z, y)),
        ).fetchone()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        self._db.close()


class MBTilesWriter:
    """Creates or reopens an MBTiles file to add tiles to (a fetch resumes where it stopped)."""

    def __init__(self, path: Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        for statement in SCHEMA:
            self._db.execute(statement)
        self._db.commit()

    def set_metadata(self, values: dict[str, object]) -> None:
        rows = [
            (k, v if isinstance(v, str) else json.dumps(v) if isinstance(v, dict) else str(v))
            for k, v in values.items()
        ]
        self._db.executemany("INSERT OR REPLACE INTO metadata (name, value) VALUES (?, ?)", rows)
        self._db.commit()

    def has(self, z: int, x: int, y: int) -> bool:
        return (
            self._db.execute(
                "SELECT 1 FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (z, x, tms_row(z, y)),
            ).fetchone()
            is not None
        )

    def put(self, z: int, x: int, y: int, data: bytes) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?)", (z, x, tms_row(z, y), data)
        )
        self._db.commit()

    def put_many(self, tiles: Iterable[tuple[int, int, int, bytes]]) -> None:
        for z, x, y, data in tiles:
            self._db.execute(
                "INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?)", (z, x, tms_row(z, y), data)
            )
        self._db.commit()

    def close(self) -> None:
        self._db.close()
