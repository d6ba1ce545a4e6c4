"""Benchmark: feed ingest from fetch to stored threats, against fetch + parse alone.

    python bench/ingest.py [--alerts 1000] [--watchlist 20000] [--zones 100] [--seed 1]
        [--database-url postgresql+psycopg://postgres@127.0.0.1/eventwatch_bench_ingest]

A real HTTP server on 127.0.0.1 serves (1) a CAP ATOM index of N distinct alerts (the demo's
six scenarios, each moved to its own place, size and time; one CAP document per entry) and
(2) an OpenSanctions FollowTheMoney persons export of M synthetic entries (JSON lines: the
format of a list that size). Each is polled with the real `poll_feed`, `Fetcher` and
`maps.live_service.publish` into a fresh database (SQLite in a temporary folder, or --database-url,
created if missing and emptied) holding one event with 100 zones along the Chicago
lakefront under the default reach rules. CAP: all new, then unchanged (304 on the ETag),
then the index sent again with every entry known. Watchlist: all new, then 1% changed.
The baseline, timed in the same run before each poll, is the floor of the work: the same
reader (the same HTTP requests, the project's own parser) with no database. Each poll's
time is split into that reader, SQL and the rest. Results, and before/after figures of the
change they led to (threats/watchlist.py): bench/INGEST.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

import sqlalchemy
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from common.storage import Base
from demo import replay
from maps import live_service as live
from planner import zone_service
from planner.models import Event
from tests.factories import make_event, write
from tests.support.feedserver import FeedServer, _not_modified
from threats.models import FeedItem, FeedSource, Threat, WatchlistRecord
from threats.polling import readers
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import PollResult, poll_feed
from web.database import tune_sqlite, upgrade_database

NOW = datetime(2026, 7, 18, 21, 0, tzinfo=UTC)  # the first poll: 16:00 CDT on the festival day
INTERVAL = timedelta(minutes=5)  # between one poll of a feed and the next
HOST = "127.0.0.1"
INDEX, FTM = "/cap/index.atom", "/opensanctions/entities.ftm.json"
SHORE = (-87.640, 41.890, -87.615, 41.930)  # lon/lat: Ohio Street Beach to Fullerton
ZONE_KINDS = ["crowd"] * 6 + ["gate", "medical", "staging", "airspace"]
FIRST = ("Kazimir", "Mirabel", "Yevgeny", "Layla", "Anatol", "Darina", "Omar", "Ilse", "Rania")
LAST = ("Fiktivnov", "Testarova", "Placeholdov", "Mukhtabar", "Examplesku", "Mockwell")
SUFFIX = ("", "-Ali", "enko", "escu", "ić", "sson", "zadeh", "oglu", "ski", "an")
COUNTRIES = ("ru", "ua", "by", "ir", "sy", "kp", "ve", "cu", "mm", "af", "iq", "lb", "ye", "ly")
PROGRAMS = ("SDGT", "UKRAINE-EO13662", "IRAN", "SYRIA", "DPRK3", "GLOMAG")
DATASETS = ("us_ofac_sdn", "eu_fsf", "gb_hmt_sanctions", "un_sc_sanctions")
SEEN = {"first_seen": "2024-03-02T10:15:00", "last_seen": "2026-07-17T06:00:00", "target": True}


def lakefront_zones(n: int, rng: random.Random) -> list[dict]:
    """n rectangles in a five-column grid along the shore, with gaps, every tenth one
    airspace; in a shuffled order."""
    lon0, lat0, lon1, lat1 = SHORE
    w, h = (lon1 - lon0) / 5, (lat1 - lat0) / -(-n // 5)
    features = []
    for i in range(n):
        x, y, kind = lon0 + (i % 5) * w, lat0 + (i // 5) * h, ZONE_KINDS[i % len(ZONE_KINDS)]
        ring = [[x, y], [x + 0.8 * w, y], [x + 0.8 * w, y + 0.8 * h], [x, y + 0.8 * h], [x, y]]
        props = {"name": f"Lakefront {kind} {i + 1}", "kind": kind, "density": 2.0}
        geometry = {"type": "Polygon", "coordinates": [ring]}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    rng.shuffle(features)
    return features


def cap_alerts(n: int, rng: random.Random) -> list[tuple[replay.Replayed, bytes]]:
    """n alerts from the demo's scenarios, each with its own identifier, place, size, time."""
    alerts = []
    for i in range(n):
        sent = NOW - timedelta(minutes=rng.uniform(5, 480))
        expires = NOW + timedelta(minutes=rng.uniform(30, 240))
        template = replay.templates()[i % len(replay.templates())]
        identifier = f"EW-BENCH-{i:06d}-{rng.getrandbits(32):08x}"
        alert = replay.Replayed(identifier, sent, expires, template)
        alerts.append((alert, _moved(replay.render(alert).decode(), rng).encode()))
    return alerts


def _moved(document: str, rng: random.Random) -> str:
    """The alert's circle (30-400 m) or polygon (200 m-1 km across) at a random spot."""
    lon0, lat0, lon1, lat1 = SHORE
    lat, lon = rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)
    circle = f"<circle>{lat:.5f},{lon:.5f} {rng.uniform(0.03, 0.4):.3f}</circle>"
    dy, dx = rng.uniform(0.002, 0.01), rng.uniform(0.002, 0.01)
    corners = [(lat, lon), (lat + dy, lon), (lat + dy, lon + dx), (lat, lon + dx), (lat, lon)]
    polygon = "<polygon>" + " ".join(f"{a:.5f},{b:.5f}" for a, b in corners) + "</polygon>"
    document = re.sub(r"<circle>[^<]*</circle>", circle, document)
    return re.sub(r"<polygon>[^<]*</polygon>", polygon, document)


def serve_alerts(server: FeedServer, alerts: list[tuple[replay.Replayed, bytes]]) -> str:
    for alert, body in alerts:
        server.put(HOST, f"/cap/{alert.identifier}.xml", body)
    link = lambda identifier: f"{server.base_url}/cap/{identifier}.xml"  # noqa: E731
    index = replay.atom_index([a for a, _ in alerts], server.base_url + INDEX, link)
    return server.serve(INDEX, index, "v1", "application/atom+xml")


def ftm_person(i: int, rng: random.Random) -> dict:
    """A synthetic OpenSanctions Person, shaped like tests/fixtures' persons.ftm.jsonl."""
    first, last = rng.choice(FIRST), rng.choice(LAST) + rng.choice(SUFFIX)
    born = f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}"
    props = {"name": [f"{first} {last}"], "firstName": [first], "lastName": [last]}
    props["alias"] = [f"{last.upper()}, {first}", f"{first[0]}. {last}"][: rng.randint(0, 2)]
    props["weakAlias"] = [f"Abu {rng.choice(FIRST)}"] if rng.random() < 0.2 else []
    props["birthDate"] = [f"{born}-{rng.randint(1, 28):02d}" if rng.random() < 0.8 else born]
    props["nationality"], props["topics"] = [rng.choice(COUNTRIES)], ["sanction"]
    props["gender"], props["program"] = [rng.choice(("male", "female"))], [rng.choice(PROGRAMS)]
    props["sourceUrl"] = [f"https://sanctionslist.ofac.treas.gov/Details/{900000 + i}"]
    return SEEN | {
        "id": f"NK-{rng.getrandbits(120):030x}",
        "caption": props["name"][0],
        "schema": "Person",
        "properties": props,
        "referents": [f"ofac-{900000 + i}"],
        "datasets": rng.sample(DATASETS, 2),
        "last_change": "2025-11-20T08:44:12",
    }


def ftm_body(persons: list[dict]) -> bytes:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in persons).encode()


class Server(FeedServer):
    """The tests' feed server, also answering 304 to a matching ETag on `put` routes."""

    def _answer(self, host: str, path: str, query: str, request_headers) -> tuple:
        status, headers, body = super()._answer(host, path, query, request_headers)
        if status == 200 and _not_modified(headers, request_headers):
            return 304, {"ETag": headers["ETag"]}, b""
        return status, headers, body

    def serve(self, path: str, body: bytes, version: str, content_type: str) -> str:
        headers = {"Content-Type": content_type, "ETag": f'"{version}"'}
        self.put(HOST, path, body, headers=headers)
        return self.base_url + path


def open_database(url: str | None, folder: Path) -> Engine:
    """A fresh, migrated database: SQLite in `folder`, or `url` (created if missing, emptied)."""
    if url is None:
        engine = create_engine(f"sqlite:///{folder / 'eventwatch.db'}")
        tune_sqlite(engine)
    else:
        name = make_url(url).database
        admin = create_engine(make_url(url).set(database="postgres"))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = create_engine(url)
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database(engine)
    return engine


def seed(engine: Engine, zones: list[dict], urls: dict[str, str]) -> dict[str, int]:
    """The event (default reach rules), its zones and one feed per workload."""
    with Session(engine) as session:
        owner = make_event(session)
        for feature in zones:
            zone_service.create_zone(write(session, "bench"), owner, feature)
        feeds = {k: FeedSource(name=k, kind=k, url=u, event_id=owner.id) for k, u in urls.items()}
        session.add_all(feeds.values())
        session.commit()
        return {kind: feed.id for kind, feed in feeds.items()}


@contextmanager
def clocked(engine: Engine) -> Iterator[dict]:
    """Seconds spent in the feed readers and in the database driver while inside."""
    split = {"read": 0.0, "sql": 0.0}

    def timed(reader):
        def read(source, fetch):
            started = time.perf_counter()
            harvest = reader(source, fetch)
            split["read"] += time.perf_counter() - started
            return harvest

        return read

    def sql_start(conn, *_) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def sql_end(conn, *_) -> None:
        split["sql"] += time.perf_counter() - conn.info.pop("bench_started")

    saved = dict(readers.READERS)
    readers.READERS.update({kind: timed(reader) for kind, reader in saved.items()})
    event.listen(engine, "before_cursor_execute", sql_start)
    event.listen(engine, "after_cursor_execute", sql_end)
    try:
        yield split
    finally:
        readers.READERS.update(saved)
        event.remove(engine, "before_cursor_execute", sql_start)
        event.remove(engine, "after_cursor_execute", sql_end)


def timed_poll(engine: Engine, feed_id: int, fetch: Fetcher) -> tuple[dict, PollResult]:
    """One real poll, one interval after the feed's last: its seconds, their split, and the
    live deltas it published (the event's sequence number moves one per delta)."""
    with Session(engine) as session, clocked(engine) as split:
        feed = session.get(FeedSource, feed_id)
        now = feed.last_polled_at + INTERVAL if feed.last_polled_at else NOW
        seq = session.scalar(select(Event.live_seq).where(Event.id == feed.event_id))
        started, cpu = time.perf_counter(), time.process_time()
        result = poll_feed(session, feed, fetch=fetch, publish=live.publish, now=now)
        split["s"], split["cpu"] = time.perf_counter() - started, time.process_time() - cpu
        split["deltas"] = (
            session.scalar(select(Event.live_seq).where(Event.id == feed.event_id)) - seq
        )
    if not result.ok or result.errors:
        raise SystemExit(f"the poll of feed {feed_id} failed: {result.errors}")
    return split, result


def measure(engine, feed: tuple[int, str, str], fetch, label, items, **conditions) -> dict:
    """One row: the floor (the reader alone, same requests, same parser), then the poll."""
    feed_id, kind, url = feed
    started = time.perf_counter()
    readers.READERS[kind](readers.Source(kind, url, **conditions), fetch)
    base = time.perf_counter() - started
    split, result = timed_poll(engine, feed_id, fetch)
    stored = len(set(result.threats)) + sum(result.watchlist.values())
    return {"feed": kind, "poll": label, "items": items, "floor": base, "stored": stored} | split


def cap_workload(engine, feed: tuple[int, str, str], fetch, n: int) -> list[dict]:
    """All new; unchanged (304 on the ETag); the index sent again with every entry known."""
    rows = [measure(engine, feed, fetch, "1st: all new", n)]
    rows.append(measure(engine, feed, fetch, "2nd: unchanged, 304", 0, etag='"v1"'))
    with Session(engine) as session:
        session.get(FeedSource, feed[0]).etag = None  # as if the source sent no validator
        session.commit()
        known = session.execute(
            select(FeedItem.item_key, FeedItem.version).where(FeedItem.feed_id == feed[0])
        )
        known = frozenset((key, version) for key, version in known)
    rows.append(measure(engine, feed, fetch, "3rd: re-sent, known", n, known=known))
    return rows


def watchlist_workload(engine, server, feed, fetch, persons, rng) -> list[dict]:
    """All new; then the list again with 1% of its entries changed (a new alias)."""
    rows = [measure(engine, feed, fetch, "1st: all new", len(persons))]
    for person in rng.sample(persons, max(1, len(persons) // 100)):
        person["properties"]["alias"].append(f"{person['caption']} (renamed)")
        person["last_change"] = "2026-07-18T06:00:00"
    server.serve(FTM, ftm_body(persons), "v2", "application/json")
    rows.append(measure(engine, feed, fetch, "2nd: 1% changed", len(persons), etag='"v1"'))
    return rows


COLUMNS = ("feed", "poll", "items", "stored", "deltas", "seconds", "cpu s", "items/s")
COLUMNS += ("floor s", "full/floor", "read s", "sql s", "rest s")


def report(rows: list[dict], engine: Engine, args: argparse.Namespace) -> None:
    """The machine, the table, what was stored, and what the columns mean."""
    with Session(engine) as session:
        reached = session.scalars(select(Threat.zone_ids)).all()
        entries = session.scalar(select(func.count()).select_from(WatchlistRecord))
    version = ".".join(map(str, engine.dialect.server_version_info))
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC  {platform.platform()}, {os.cpu_count()} cpus")
    print(f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, ", end="")
    print(f"{engine.dialect.name} {version}; {args.zones} zones, seed {args.seed}\n")
    print("| " + " | ".join(COLUMNS) + " |\n|---|---|" + "--:|" * (len(COLUMNS) - 2))
    for r in rows:
        rate = f"{r['items'] / r['s']:,.0f}" if r["items"] else "-"
        cells = [r["feed"], r["poll"], *(f"{r[k]:,}" for k in ("items", "stored", "deltas"))]
        cells += [*(f"{r[k]:.3f}" for k in ("s", "cpu")), rate, f"{r['floor']:.3f}"]
        cells += [f"{r['s'] / r['floor']:.1f}x", f"{r['read']:.3f}", f"{r['sql']:.3f}"]
        print("| " + " | ".join([*cells, f"{r['s'] - r['read'] - r['sql']:.3f}"]) + " |")
    zones = sum(len(z) for z in reached) / max(len(reached), 1)
    print(
        f"\nstored: {len(reached):,} threats (alerts that reach a zone; {zones:.1f} zones each on "
        f"average), {entries:,} watchlist entries. floor: the feed's reader alone (the same HTTP "
        "requests, the project's parser, no database). read: that reader inside the poll; sql: "
        "time in the driver's execute (not fetching rows, not COMMIT); rest: the rest (ORM, "
        "ingest, matching, serialisation, publish, commit)."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--watchlist", type=int, default=20_000)
    parser.add_argument("--zones", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="PostgreSQL; default SQLite in a temp folder")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    alerts = cap_alerts(args.alerts, rng)
    persons = [ftm_person(i, rng) for i in range(args.watchlist)]
    server = Server().start()
    urls = {"cap-atom": serve_alerts(server, alerts), "ftm": server.base_url + FTM}
    server.serve(FTM, ftm_body(persons), "v1", "application/json")
    fetch = Fetcher([HOST], "eventwatch-bench", max_bytes=500_000_000)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(args.database_url, Path(folder))
        ids = seed(engine, lakefront_zones(args.zones, rng), urls)
        feeds = {kind: (ids[kind], kind, url) for kind, url in urls.items()}
        try:
            rows = cap_workload(engine, feeds["cap-atom"], fetch, args.alerts)
            rows += watchlist_workload(engine, server, feeds["ftm"], fetch, persons, rng)
            report(rows, engine, args)
        finally:
            engine.dispose()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
