"""Benchmark: finding the open threat another source already reported, per new alert.

    python bench/duplicates.py [--open 3000] [--alerts 300] [--hours 8] [--seed 1]

A SQLite event holds --open open threats of a first feed (kinds from the demo, points on
the lakefront, sent over --hours). For each of --alerts new alerts of a second feed, at a
random time and place, `threats.ingest._reported_before` looks for the same report. The
baseline is the query it replaced, measured in the same run on the same data: every open
threat of the other feeds loaded whole, then `same_report` on each in Python. Both must
find the same threats.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from shapely.geometry import Point
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from common.times import utcnow
from common.writes import Write
from maps.live_service import publish
from planner.event_service import create_event
from threats.duplicates import same_report
from threats.ingest_service import _reported_before
from threats.models import OPEN_STATUSES, FeedSource, Threat
from web.database import upgrade_database

KINDS = ("Suspicious Package", "Lost child", "Medical call", "Fight", "Drone sighting")


def baseline(session, event_id, feed_id, kind, geometry, when):
    """The query before: every open threat of the other feeds, whole, in Python."""
    candidates = session.scalars(
        select(Threat).where(
            Threat.event_id == event_id,
            Threat.status.in_(OPEN_STATUSES),
            Threat.feed_id != feed_id,
        )
    )
    for threat in candidates:
        if same_report(kind, geometry, when, threat.kind, threat.geometry, threat.sent_at):
            return threat
    return None


def place(rng: random.Random) -> Point:
    return Point(rng.uniform(-87.632, -87.611), rng.uniform(41.86, 41.95))


def seed(session, args, rng) -> tuple[int, FeedSource, list]:
    now = utcnow()
    event = {"name": "Duplicates bench", "timezone": "America/Chicago"}
    event |= {"starts_at": str(now - timedelta(hours=9)), "ends_at": str(now + timedelta(hours=9))}
    event = create_event(Write(session, "bench", utcnow(), publish), event).result
    first, second = (
        FeedSource(name=n, kind="cap", url=f"https://{n}.example/", event_id=event.id)
        for n in ("a", "b")
    )
    session.add_all([first, second])
    session.flush()
    span = timedelta(hours=args.hours).total_seconds()
    for n in range(args.open):
        sent = now - timedelta(seconds=rng.uniform(0, span))
        session.add(
            Threat(
                event_id=event.id,
                feed_id=first.id,
                source="a",
                source_id=f"A-{n}",
                kind=rng.choice(KINDS),
                geometry=place(rng),
                sent_at=sent,
                zone_ids=[],
            )
        )
    session.commit()
    alerts = [
        (rng.choice(KINDS), place(rng), now - timedelta(seconds=rng.uniform(0, span)))
        for _ in range(args.alerts)
    ]
    return event.id, second, alerts


def timed(fn, alerts) -> tuple[float, list]:
    started = time.perf_counter()
    found = [fn(*alert) for alert in alerts]
    return time.perf_counter() - started, [t.id if t else None for t in found]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=3000)
    parser.add_argument("--alerts", type=int, default=300)
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/bench.db")
        upgrade_database(engine)
        with Session(engine) as session:
            event_id, feed, alerts = seed(session, args, rng)
            ctx = SimpleNamespace(event=SimpleNamespace(id=event_id))
            ours, found = timed(lambda *a: _reported_before(session, ctx, feed, *a), alerts)
            base, expected = timed(lambda *a: baseline(session, event_id, feed.id, *a), alerts)
        engine.dispose()
    assert found == expected, "the two queries disagree"
    hits = sum(f is not None for f in found)
    print(f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{args.open:,} open threats of another feed over {args.hours:g} h; ", end="")
    print(f"{args.alerts} new alerts, {hits} found to be the same report\n")
    rows = [("baseline: all open threats, whole", base, ""), ("ours: the window in SQL", ours, "")]
    rows[1] = (*rows[1][:2], f"{base / ours:.1f}x")
    print("| query | ms per alert | total s | baseline/ours |")
    print("|---|--:|--:|--:|")
    for name, seconds, ratio in rows:
        print(f"| {name} | {seconds / args.alerts * 1e3:.2f} | {seconds:.2f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
