"""Installing and removing an instance's basemap files. A new file is written beside the
others under a temporary name, read through as a basemap, and only then put in place: a
corrupt or foreign file is refused by name and the last good basemap of that name stays."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO

from common.messages import N_
from common.validation import InputError, NotFound
from common.writes import Change, Write
from maps import basemaps
from maps.tiles import SUFFIXES, TileFileError, check_name, open_tiles

CHUNK = 1024 * 1024


def _described(name: str, path: Path, description) -> dict:
    return {
        "name": name,
        "file": path.name,
        "format": description.format,
        "minzoom": description.minzoom,
        "maxzoom": description.maxzoom,
        "bytes": path.stat().st_size,
    }


def _copy(source: BinaryIO, target: Path, max_bytes: int) -> None:
    written = 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise InputError(
                    N_("the file is larger than %(mb)s MB", mb=max_bytes // (1024 * 1024)), "file"
                )
            out.write(chunk)


def install_basemap(
    w: Write, folder: Path, name: str, source: BinaryIO, filename: str, *, max_bytes: int
) -> Change[basemaps.Basemap]:
    """Put a tile file in the folder as `name`, replacing one of that name once it reads."""
    try:
        check_name(name)
    except TileFileError as exc:
        raise InputError(exc.args[0], "name") from exc
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(N_("a basemap file ends in .mbtiles or .pmtiles"), "file")
    folder.mkdir(parents=True, exist_ok=True)
    upload = folder / f".upload-{secrets.token_hex(8)}{suffix}"
    try:
        _copy(source, upload, max_bytes)
        reader = open_tiles(upload)
        description = reader.description
        reader.close()
    except TileFileError as exc:
        upload.unlink(missing_ok=True)
        raise InputError(exc.args[0], "file") from exc
    except BaseException:
        upload.unlink(missing_ok=True)
        raise
    final = folder / f"{name}{suffix}"
    before = _replaced(folder, name)
    os.replace(upload, final)
    for other in SUFFIXES:  # one file per name: a .pmtiles replaces an .mbtiles too
        if other != suffix:
            (folder / f"{name}{other}").unlink(missing_ok=True)
    basemaps.forget(final)
    found = basemaps.Basemap(name, final, description, size=final.stat().st_size)
    after = _described(name, final, description)
    return Change("basemap.install", f"basemap:{name}", after=after, before=before, result=found)


def _replaced(folder: Path, name: str) -> dict | None:
    found = basemaps.find(folder, name)
    return None if found is None else _described(name, found[0].path, found[0].description)


def remove_basemap(w: Write, folder: Path, name: str) -> Change[None]:
    """Take a basemap out; events that chose it fall back to the instance default."""
    paths = [folder / f"{name}{s}" for s in SUFFIXES] if basemaps.NAME.match(name or "") else []
    paths = [p for p in paths if p.is_file()]
    if not paths:
        raise NotFound(N_("there is no basemap named %(name)s", name=str(name)[:64]))
    for path in paths:
        basemaps.forget(path)
        path.unlink()
    return Change("basemap.remove", f"basemap:{name}", before={"name": name})
