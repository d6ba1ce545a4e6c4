"""Fetching the tiles of an area from a tile server, politely: a steady rate, a User-Agent that
names whom to call, Retry-After and backoff on 429 and errors, and nothing fetched twice.

Plain Python: the HTTP call, the clock and the sleep are parameters (`eventwatch tiles fetch`
in maps/cli.py passes real ones; tests pass a local server, or a fake clock)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from common.messages import N_
from maps.tiles import MAX_ZOOM, sniff_format

# Hosts whose usage policy forbids bulk downloading, and why the command refuses them.
FORBIDDEN_HOSTS = {
    "tile.openstreetmap.org": N_(
        "OpenStreetMap's tile usage policy (operations.osmfoundation.org/policies/tiles) "
        "forbids bulk downloading from tile.openstreetmap.org: use a provider whose terms "
        "allow offline copies, or your own tile server"
    ),
}
METRES_PER_DEGREE = 111_320.0
RETRIES = 5


class FetchError(RuntimeError):
    """The fetch cannot start or had to stop; the message says why."""


@dataclass
class Report:
    fetched: int = 0
    present: int = 0  # already in the file: a fetch resumed
    missing: int = 0  # the server has none (404) or sent no tile
    requests: int = 0


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(N_("the tile URL must be http(s)://host/...{z}/{x}/{y}..."))
    if not all(part in url for part in ("{z}", "{x}", "{y}")):
        raise FetchError(N_("the tile URL must hold {z}, {x} and {y}"))
    host = parts.hostname.lower()
    for forbidden, why in FORBIDDEN_HOSTS.items():
        if host == forbidden or host.endswith("." + forbidden):
            raise FetchError(why)
    return url


def parse_zooms(text: str) -> range:
    """`12-16` or `14`."""
    low, _, high = text.partition("-")
    try:
        zooms = range(int(low), int(high or low) + 1)
    except ValueError as exc:
        raise FetchError(N_("zooms are written like 12-16")) from exc
    if not zooms or zooms.start < 0 or zooms.stop - 1 > MAX_ZOOM:
        raise FetchError(N_("zooms are written like 12-16, from 0 to %(max)s", max=MAX_ZOOM))
    return zooms


def widen(bounds: tuple[float, float, float, float], metres: float) -> tuple[float, ...]:
    """West, south, east, north grown by `metres` on every side."""
    west, south, east, north = bounds
    dlat = metres / METRES_PER_DEGREE
    dlon = metres / (METRES_PER_DEGREE * max(math.cos(math.radians((south + north) / 2)), 0.01))
    return (
        max(west - dlon, -180.0),
        max(south - dlat, -85.0511),
        min(east + dlon, 180.0),
        min(north + dlat, 85.0511),
    )


def tile_x(lon: float, z: int) -> int:
    return min(int((lon + 180.0) / 360.0 * (1 << z)), (1 << z) - 1)


def tile_y(lat: float, z: int) -> int:
    rad = math.radians(lat)
    y = (1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * (1 << z)
    return min(max(int(y), 0), (1 << z) - 1)


def covering(bounds: tuple[float, ...], zooms: Iterable[int]) -> Iterator[tuple[int, int, int]]:
    """Every XYZ tile touching the bounds, coarsest zoom first."""
    west, south, east, north = bounds
    for z in zooms:
        for x in range(tile_x(west, z), tile_x(east, z) + 1):
            for y in range(tile_y(north, z), tile_y(south, z) + 1):
                yield z, x, y


def count(bounds: tuple[float, ...], zooms: Iterable[int]) -> int:
    west, south, east, north = bounds
    return sum(
        (tile_x(east, z) - tile_x(west, z) + 1) * (tile_y(south, z) - tile_y(north, z) + 1)
        for z in zooms
    )


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(parsedate_to_datetime(value).timestamp() - now, 0.0)
    except (TypeError, ValueError):
        return None


Get = Callable[[str], tuple[int, dict[str, str], bytes]]  # url -> status, headers, body


@dataclass
class Polite:
    """Paces requests at `rate` a second and waits as the server asks."""

    get: Get
    sleep: Callable[[float], None]
    clock: Callable[[], float]  # seconds since the epoch
    rate: float = 2.0
    backoff_s: float = 2.0
    _last: float = -math.inf

    def fetch(self, url: str, report: Report) -> bytes | None:
        """The tile's bytes, None when the server has none; FetchError when it keeps failing."""
        for attempt in range(RETRIES + 1):
            wait = self._last + 1.0 / self.rate - self.clock()
            if wait > 0:
                self.sleep(wait)
            self._last = self.clock()
            report.requests += 1
            try:
                status, headers, body = self.get(url)
            except OSError:
                status, headers, body = 0, {}, b""
            if status == 200:
                return body if sniff_format(body) else None
            if status in (204, 404):
                return None
            if attempt == RETRIES:
                break
            asked = retry_after(headers.get("Retry-After"), self.clock()) if status else None
            self.sleep(min(asked if asked is not None else self.backoff_s * 2**attempt, 3600))
        raise FetchError(
            N_("the tile server kept refusing (HTTP %(status)s) at %(url)s", status=status, url=url)
        )


def fetch_tiles(
    tiles: Iterable[tuple[int, int, int]],
    url: str,
    *,
    have: Callable[[int, int, int], bool],
    put: Callable[[int, int, int, bytes], None],
    polite: Polite,
) -> Report:
    report = Report()
    for z, x, y in tiles:
        if have(z, x, y):
            report.present += 1
            continue
        where = url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
        data = polite.fetch(where, report)
        if data is None:
            report.missing += 1
            continue
        put(z, x, y, data)
        report.fetched += 1
    return report
