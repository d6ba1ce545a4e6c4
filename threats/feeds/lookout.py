"""Pure parser for our CSV lookout (BOLO) lists: bytes in, `Lookout` records out.

The format is ours. UTF-8 CSV (a leading BOM is tolerated), comma-separated, RFC 4180
quoting, with a header row naming the columns in any order (case and surrounding spaces
ignored; an unknown or repeated column is refused, so a misspelt `plate` cannot silently drop
every plate):

    id           required, unique in the file
    name         the person's name            } at least one of the two per row
    plate        licence plate, any spelling  } ("il 4k-77 2z" is stored as "IL4K772Z")
    description  free text
    latitude     decimal degrees, -90..90     } both or neither; the place last seen,
    longitude    decimal degrees, -180..180   } stored as a (lon, lat) Point
    issued_at    ISO 8601; without an offset it is read in the list's time zone

Only `id` must be in the header. Blank lines are skipped. Any bad row refuses the whole file,
naming its line: a silently dropped lookout is worse than a visible failed import.
"""

import csv
import io
import math
import re
from _csv import Reader as CsvReader  # the type csv.reader() returns
from datetime import datetime
from zoneinfo import ZoneInfo

from shapely.geometry import Point

from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Lookout

MAX_DOCUMENT_BYTES = 5_000_000
COLUMNS = ("id", "name", "plate", "description", "latitude", "longitude", "issued_at")
_NOT_PLATE = re.compile(r"[^A-Z0-9]")


def parse_lookouts(data: bytes, tz: ZoneInfo, max_bytes: int = MAX_DOCUMENT_BYTES) -> list[Lookout]:
    """Parse a lookout CSV; raise FeedFormatError naming the line of the first bad row."""
    if len(data) > max_bytes:
        raise FeedFormatError(f"LOOKOUT: file is {len(data)} bytes, over the {max_bytes}-byte cap")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedFormatError(f"LOOKOUT: file is not UTF-8: {exc}") from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        columns = _header(next(reader, []))
        return _rows(reader, columns, tz)
    except csv.Error as exc:
        raise FeedFormatError(f"LOOKOUT: line {reader.line_num}: bad CSV: {exc}") from exc


def normalise_plate(plate: str) -> str:
    """Upper-case letters and digits only, so "il 4k-77 2z" and "IL4K772Z" compare equal."""
    return _NOT_PLATE.sub("", plate.upper())


def _rows(reader: CsvReader, columns: list[str], tz: ZoneInfo) -> list[Lookout]:
    lookouts: list[Lookout] = []
    first_line: dict[str, int] = {}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        lookout = _lookout(columns, row, line, tz)
        if lookout.source_id in first_line:
            raise FeedFormatError(
                f"LOOKOUT: line {line}: id {lookout.source_id!r} already used on line "
                f"{first_line[lookout.source_id]}"
            )
        first_line[lookout.source_id] = line
        lookouts.append(lookout)
    return lookouts


def _header(row: list[str]) -> list[str]:
    columns = [cell.strip().lower() for cell in row]
    if "id" not in columns:
        raise FeedFormatError("LOOKOUT: line 1: the header has no 'id' column")
    for column in columns:
        if column not in COLUMNS:
            raise FeedFormatError(f"LOOKOUT: line 1: unknown column {column!r}")
        if columns.count(column) > 1:
            raise FeedFormatError(f"LOOKOUT: line 1: column {column!r} appears twice")
    return columns


def _lookout(columns: list[str], row: list[str], line: int, tz: ZoneInfo) -> Lookout:
    where = f"LOOKOUT: line {line}"
    if len(row) > len(columns):
        raise FeedFormatError(f"{where}: {len(row)} fields, the header has {len(columns)}")
    cells = {name: " ".join(cell.split()) for name, cell in zip(columns, row, strict=False)}
    source_id = cells.get("id", "")
    if not source_id:
        raise FeedFormatError(f"{where}: no id")
    where = f"{where} (id {source_id!r})"
    name, plate = cells.get("name", ""), normalise_plate(cells.get("plate", ""))
    if cells.get("plate") and not plate:
        raise FeedFormatError(f"{where}: plate {cells['plate']!r} has no letters or digits")
    if not name and not plate:
        raise FeedFormatError(f"{where}: neither a name nor a plate")
    return Lookout(
        source_id=source_id,
        name=name,
        plate=plate,
        description=cells.get("description", ""),
        geometry=_point(cells.get("latitude", ""), cells.get("longitude", ""), where),
        issued_at=_issued_at(cells.get("issued_at", ""), tz, where),
    )


def _point(lat_text: str, lon_text: str, where: str) -> Point | None:
    if not lat_text and not lon_text:
        return None
    if not lat_text or not lon_text:
        raise FeedFormatError(f"{where}: latitude and longitude must be given together")
    lat, lon = _degrees(lat_text, "latitude", where), _degrees(lon_text, "longitude", where)
    if not (-90.0 <= lat <= 90.0):
        raise FeedFormatError(f"{where}: latitude {lat_text!r} is outside -90..90")
    if not (-180.0 <= lon <= 180.0):
        raise FeedFormatError(f"{where}: longitude {lon_text!r} is outside -180..180")
    return Point(lon, lat)


def _degrees(text: str, name: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise FeedFormatError(f"{where}: {name} is not a number: {text!r}") from exc
    if not math.isfinite(value):
        raise FeedFormatError(f"{where}: {name} is not a finite number: {text!r}")
    return value


def _issued_at(text: str, tz: ZoneInfo, where: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise FeedFormatError(f"{where}: issued_at is not ISO 8601: {text!r}") from exc
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)
