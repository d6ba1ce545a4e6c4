"""The basemaps of an instance: tile files in one folder (`instance/basemaps/`), each named by
its file name (`lakefront.mbtiles` is `lakefront`). Readers are opened once and kept while the
file is unchanged; a file that cannot be read is listed with its error and never served."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from maps.tiles import NAME, SUFFIXES, Description, TileFileError, TileReader, open_tiles


@dataclass(frozen=True)
class Basemap:
    name: str
    path: Path
    description: Description | None  # None: unreadable, `error` says why
    error: str = ""
    size: int = 0

    @property
    def ext(self) -> str:
        return self.description.format if self.description else ""


_lock = threading.Lock()
_readers: dict[Path, tuple[float, int, TileReader]] = {}


def reader(path: Path) -> TileReader:
    """The open reader of a file, reopened when the file was replaced (mtime or size)."""
    stat = path.stat()
    with _lock:
        kept = _readers.get(path)
        if kept and kept[:2] == (stat.st_mtime, stat.st_size):
            return kept[2]
        opened = open_tiles(path)
        if kept:
            kept[2].close()
        _readers[path] = (stat.st_mtime, stat.st_size, opened)
        return opened


def forget(path: Path) -> None:
    with _lock:
        kept = _readers.pop(path, None)
    if kept:
        kept[2].close()


def files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix in SUFFIXES and NAME.match(p.stem) and p.is_file()
    )


def list_basemaps(folder: Path) -> list[Basemap]:
    found = []
    for path in files(folder):
        try:
            found.append(Basemap(path.stem, path, reader(path).description, size=_size(path)))
        except TileFileError as exc:
            found.append(Basemap(path.stem, path, None, exc.args[0], _size(path)))
    return found


def find(folder: Path, name: str | None) -> tuple[Basemap, TileReader] | None:
    """The named basemap and its reader, if its file is there and readable."""
    if not name or not NAME.match(name):
        return None
    for suffix in SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            try:
                opened = reader(path)
            except TileFileError:
                return None
            return Basemap(name, path, opened.description, size=_size(path)), opened
    return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
