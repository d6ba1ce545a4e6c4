"""The polite fetch's arithmetic and manners, on a fake clock."""

from __future__ import annotations

from itertools import pairwise

import pytest

from maps import tile_fetch
from maps.tile_fetch import FetchError, Polite, Report
from tests.support.tilefiles import png_tile

PNG = png_tile((10, 20, 30), 4)


def test_the_tiles_covering_an_area_are_counted_as_they_are_listed():
    # North Avenue Beach: one tile at zoom 10; at zoom 14 the column line at -87.62695°
    # crosses it, and one row (41.9023° to 41.9186°) holds it (worked out by hand)
    area = (-87.6300, 41.9080, -87.6200, 41.9160)
    assert list(tile_fetch.covering(area, [10])) == [(10, 262, 380)]
    tiles = list(tile_fetch.covering(area, range(10, 15)))
    assert len(tiles) == tile_fetch.count(area, range(10, 15)) == len(set(tiles))
    assert [t for t in tiles if t[0] == 14] == [(14, 4203, 6087), (14, 4204, 6087)]


def test_a_margin_widens_the_area_by_metres():
    west, _, _, north = tile_fetch.widen((-87.63, 41.91, -87.62, 41.92), 1000)
    assert north - 41.92 == pytest.approx(1000 / 111_320)
    assert -87.63 - west == pytest.approx(1000 / (111_320 * 0.7437), rel=1e-3)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "forbids bulk downloading"),
        ("https://a.tile.openstreetmap.org/{z}/{x}/{y}.png", "forbids bulk downloading"),
        ("https://tiles.example/{z}/{x}.png", "{z}, {x} and {y}"),
        ("file:///etc/{z}/{x}/{y}", "http(s)://"),
    ],
)
def test_forbidden_hosts_and_bad_urls_are_refused_with_the_reason(url, words):
    with pytest.raises(FetchError, match=words.replace("(", r"\(").replace(")", r"\)")):
        tile_fetch.check_url(url)


def test_zooms_are_a_range():
    assert tile_fetch.parse_zooms("12-16") == range(12, 17)
    assert tile_fetch.parse_zooms("14") == range(14, 15)
    for bad in ("16-12", "x", "0-40", "-1"):
        with pytest.raises(FetchError):
            tile_fetch.parse_zooms(bad)


class FakeTime:
    def __init__(self):
        self.now, self.slept = 1_000_000.0, []

    def sleep(self, seconds):
        self.slept.append(round(seconds, 3))
        self.now += seconds

    def clock(self):
        return self.now


def test_requests_are_paced_and_a_429_waits_as_long_as_retry_after_says():
    time, answers, asked = FakeTime(), [(429, {"Retry-After": "7"}, b"")], []

    def get(url):
        asked.append((url, time.now))
        time.now += 0.1  # each answer takes a tenth of a second
        return answers.pop(0) if answers else (200, {}, PNG)

    polite = Polite(get, time.sleep, time.clock, rate=2)
    report = Report()
    assert polite.fetch("a", report) == PNG  # after the 429 and 7 s
    assert polite.fetch("b", report) == PNG
    assert report.requests == 3
    assert time.slept == [7.0, 0.4]  # Retry-After; then half a second between starts
    gaps = [b[1] - a[1] for a, b in pairwise(asked)]
    assert all(gap >= 0.5 for gap in gaps)


def test_errors_back_off_doubling_then_stop_with_a_named_error():
    time = FakeTime()
    polite = Polite(lambda url: (503, {}, b"busy"), time.sleep, time.clock, rate=1000)
    with pytest.raises(FetchError, match="kept refusing \\(HTTP 503\\)"):
        polite.fetch("https://tiles.example/1/0/0.png", Report())
    waits = [s for s in time.slept if s >= 1]
    assert waits == [2.0, 4.0, 8.0, 16.0, 32.0]


def test_a_missing_tile_or_a_page_that_is_no_tile_is_counted_missing_and_present_ones_kept():
    time, stored = FakeTime(), {(1, 0, 0): PNG}
    answers = {"1/0/1": (404, {}, b""), "1/1/0": (200, {}, b"<html>quota</html>")}
    polite = Polite(lambda url: answers.get(url, (200, {}, PNG)), time.sleep, time.clock, rate=1000)
    report = tile_fetch.fetch_tiles(
        tile_fetch.covering((-179, -80, 179, 80), [1]),
        "{z}/{x}/{y}",
        have=lambda z, x, y: (z, x, y) in stored,
        put=lambda z, x, y, data: stored.__setitem__((z, x, y), data),
        polite=polite,
    )
    assert (report.fetched, report.present, report.missing, report.requests) == (1, 1, 2, 3)
    assert set(stored) == {(1, 0, 0), (1, 1, 1)}
