"""Benchmark: ZoneIndex.match_points (one bulk STRtree query) vs a Python loop vs sjoin.

    python bench/matching.py [--points 100000] [--zones 1000] [--seed 1] [--sample 1000]

Zones are random star-shaped polygons of event-zone sizes (tens of metres to a few
kilometres across) over a box the size of Chicago; points are uniform over the same box.
The baseline loop tests every point x zone pair with a shapely predicate; it is timed in
the same run on a sample of points and extrapolated to the full size. All three methods
must find the same pairs on the sample, and match_points and sjoin on every point.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from threats.matching import ZoneIndex

BOX = (-87.94, 41.64, -87.52, 42.02)  # lon/lat: Chicago from the city limit to the lake
M_PER_DEG_LAT = 111_320.0
TARGET_S = 0.150
TARGET_RATIO = 100.0
REPEATS = 5
Pairs = set[tuple[int, int]]
T = TypeVar("T")


def random_zones(n: int, rng: np.random.Generator) -> list[BaseGeometry]:
    """Star-shaped polygons, median radius 200 m (log-normal, 30 m to 3 km), 6-16 corners."""
    lon0, lat0, lon1, lat1 = BOX
    cx, cy = rng.uniform(lon0, lon1, n), rng.uniform(lat0, lat1, n)
    radius_m = np.clip(rng.lognormal(np.log(200.0), 0.8, n), 30.0, 3000.0)
    m_per_deg_lon = M_PER_DEG_LAT * np.cos(np.radians(cy))
    zones = []
    for i in range(n):
        corners = int(rng.integers(6, 17))
        angle = np.sort(rng.uniform(0, 2 * np.pi, corners))
        r = radius_m[i] * rng.uniform(0.5, 1.0, corners)
        xs = cx[i] + r * np.cos(angle) / m_per_deg_lon[i]
        ys = cy[i] + r * np.sin(angle) / M_PER_DEG_LAT
        zones.append(shapely.Polygon(np.column_stack([xs, ys])))
    return zones


def timed(run: Callable[[], T], repeats: int = REPEATS) -> tuple[float, T]:
    """The median wall time of several runs, and the last run's result."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def loop_pairs(xs: np.ndarray, ys: np.ndarray, zones: list[BaseGeometry]) -> Pairs:
    """The baseline: one shapely predicate per point x zone pair, in Python."""
    found = set()
    for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist(), strict=True)):
        point = shapely.Point(x, y)
        for j, zone in enumerate(zones):
            if zone.intersects(point):
                found.add((i, j))
    return found


def sjoin_pairs(xs: np.ndarray, ys: np.ndarray, zones: gpd.GeoDataFrame) -> Pairs:
    """The reference, from the same coordinates as match_points gets."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs, ys), crs="EPSG:4326")
    joined = gpd.sjoin(points, zones, predicate="intersects", how="inner")
    return set(zip(joined.index.tolist(), joined["index_right"].tolist(), strict=True))


def built_index(zones: list[BaseGeometry]) -> ZoneIndex:
    """The index with its tree built: GEOS builds an STRtree on its first query."""
    index = ZoneIndex.of(list(enumerate(zones)))
    index.match_points([0.0], [0.0])
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--zones", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=1000, help="points for the Python loop")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    zones = random_zones(args.zones, rng)
    xs = rng.uniform(BOX[0], BOX[2], args.points)
    ys = rng.uniform(BOX[1], BOX[3], args.points)
    args.sample = min(args.sample, args.points)

    build_s, index = timed(lambda: built_index(zones))
    bulk_s, (points, zone_ids) = timed(lambda: index.match_points(xs, ys))
    bulk = set(zip(points.tolist(), zone_ids.tolist(), strict=True))
    zone_frame = gpd.GeoDataFrame(geometry=zones, crs="EPSG:4326")
    sjoin_s, joined = timed(lambda: sjoin_pairs(xs, ys, zone_frame))
    n = args.sample
    loop_sample_s, looped = timed(lambda: loop_pairs(xs[:n], ys[:n], zones), 1)
    loop_s = loop_sample_s * args.points / n

    check(looped, bulk, joined, n)
    rows = [
        ("ZoneIndex.match_points", f"{len(bulk):,}", bulk_s),
        ("geopandas.sjoin", f"{len(joined):,}", sjoin_s),
        ("python loop, extrapolated*", f"~{len(looped) * args.points / n:,.0f}", loop_s),
    ]
    report(args, rows, build_s, len(looped))
    return 0 if bulk_s <= TARGET_S and loop_s / bulk_s >= TARGET_RATIO else 1


def check(looped: Pairs, bulk: Pairs, joined: Pairs, sample: int) -> None:
    """All three agree on the sample; match_points and sjoin agree on every point."""
    in_sample = {pair for pair in bulk if pair[0] < sample}
    if looped != in_sample or {pair for pair in joined if pair[0] < sample} != looped:
        raise SystemExit("disagreement on the sample: the loop, match_points and sjoin differ")
    if bulk != joined:
        raise SystemExit(f"match_points and sjoin differ on {len(bulk ^ joined)} pairs")


def report(
    args: argparse.Namespace, rows: list[tuple[str, str, float]], build_s: float, sampled: int
) -> None:
    """The machine, the table (the loop's row last) and how the loop was measured."""
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC  {platform.platform()}")
    print(
        f"{platform.processor() or platform.machine()}, os.cpu_count()={os.cpu_count()}, "
        f"Python {platform.python_version()}, shapely {shapely.__version__}, "
        f"GEOS {shapely.geos_version_string}, geopandas {gpd.__version__}"
    )
    print(
        f"seed {args.seed}; median of {REPEATS} runs; index build {build_s * 1e3:.1f} ms "
        "(once per event, not in the times below)\n"
    )
    print(
        f"{'method':<28} {'points':>8} {'zones':>6} {'pairs':>8} {'seconds':>9} "
        f"{'points/s':>11} {'vs loop':>8}"
    )
    loop_s = rows[-1][2]
    for name, pairs, seconds in rows:
        print(
            f"{name:<28} {args.points:>8,} {args.zones:>6,} {pairs:>8} {seconds:>9.4f} "
            f"{args.points / seconds:>11,.0f} {loop_s / seconds:>7,.0f}x"
        )
    print(
        f"\n* one shapely predicate per point x zone pair, timed in this run on the first "
        f"{args.sample:,} points ({sampled} pairs; the same as match_points' and sjoin's) and "
        f"scaled by {args.points / args.sample:,.0f} to {args.points:,} points."
    )
    print(
        f"sjoin starts from the same coordinates (points_from_xy). Target: match_points under "
        f"{TARGET_S * 1e3:.0f} ms and at least {TARGET_RATIO:.0f}x the loop."
    )


if __name__ == "__main__":
    sys.exit(main())
