"""Benchmark: end to end, an alert at its source to the threat marker at every one of N
connected clients: pushed to us (issue 18) beside polled, on the embedded default and on
the scaled-out deployment.

    python bench/e2e.py [--clients 200] [--alerts 10] [--interval 2] [--modes embedded scaled]

N real Socket.IO clients (python-socketio, asyncio) join one event's live room; each
notes when every `threat_created` delta reaches it. Then, in the same run and deployment:

- push: a partner's system POSTs a CAP alert to /api/v1/feeds/<id>/push with the feed's
  token; POST -> marker at every client.
- polling (the baseline): a CAP ATOM source on loopback gains one alert at a time and the
  scheduler polls it every --interval seconds; appear -> marker (includes waiting for
  the next poll, on average half the interval) and fetch -> marker (from the moment the
  poller has the whole alert document).
- a commander's write (a note added with PATCH) -> its `threat_updated` at every client:
  the same fan-out with no feed at all.

Lost: clients that had not received the marker 10 s after the alert. Target: push p95
under 100 ms at 200 clients, none lost.

embedded: `python app.py` (threading, SQLite, scheduler inside). scaled: two gunicorn/gevent
web processes, one scheduler process, Redis, PostgreSQL (a fresh `eventwatch_bench_e2e`);
the clients listen on the web process that did not take the POST.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests
import socketio
from sqlalchemy.orm import Session

from common.times import utcnow
from demo import replay
from tests.support.system import (
    AlertSource,
    app_process,
    base_env,
    fresh_database,
    scheduler_process,
    seed,
    web_process,
)
from threats.models import FeedSource
from threats.polling.push_service import new_push_token

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
LOST_AFTER_S = 10.0
PUSH_VARIANTS = 1000  # push alerts' kinds ("... #1003") never meet the polled ones'


class Audience:
    """N Socket.IO clients joined to one event, on one asyncio loop in a thread: for each
    threat kind, when each client received its `threat_created`; for each note, when its
    `threat_updated`."""

    def __init__(self, url: str, token: str, event_id: int, count: int) -> None:
        self.created: dict[str, list[float]] = defaultdict(list)
        self.updated: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        joining = self._join_all(url, token, event_id, count)
        self.clients = asyncio.run_coroutine_threadsafe(joining, self.loop).result(300)
        gc.freeze()  # a collection in the clients' process would add to the latencies
        gc.disable()

    async def _join_all(self, url, token, event_id, count) -> list[socketio.AsyncClient]:
        gate = asyncio.Semaphore(20)  # a shift change, not a stampede

        async def one() -> socketio.AsyncClient:
            async with gate:
                return await self._join(url, token, event_id)

        return await asyncio.gather(*(one() for _ in range(count)))

    async def _join(self, url: str, token: str, event_id: int) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        sio.on("delta", self._delta, namespace="/live")
        await sio.connect(
            url, namespaces=["/live"], transports=["websocket"], auth={"token": token},
            wait_timeout=60,
        )  # fmt: skip
        ack = await sio.call("join", {"event_id": event_id}, namespace="/live", timeout=60)
        assert ack and ack.get("ok"), ack
        return sio

    def _delta(self, delta: dict) -> None:
        now = time.monotonic()
        props = delta["data"].get("properties", {})
        with self.lock:
            if delta["kind"] == "threat_created":
                self.created[props.get("kind", "")].append(now)
            elif delta["kind"] == "threat_updated":
                self.updated[str(props.get("id"))].append(now)

    def arrivals(self, table: dict, key: str) -> list[float]:
        """Every client's arrival time, or as many as came within LOST_AFTER_S."""
        deadline = time.monotonic() + LOST_AFTER_S
        while time.monotonic() < deadline:
            with self.lock:
                if len(table[key]) >= len(self.clients):
                    break
            time.sleep(0.005)
        with self.lock:
            found = list(table[key])
            table[key].clear()  # the next note on the same threat starts afresh
            return found

    def close(self) -> None:
        async def leave() -> None:
            await asyncio.gather(*(c.disconnect() for c in self.clients))

        asyncio.run_coroutine_threadsafe(leave(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        gc.enable()


def start(mode: str, source: AlertSource, folder: Path, interval: int):
    url = fresh_database("eventwatch_bench_e2e") if mode == "scaled" else None
    world = seed(url or f"sqlite:///{folder / 'eventwatch.db'}", [source])
    with world["engine"].begin() as conn:
        conn.exec_driver_sql(f"UPDATE feed_sources SET interval_s = {interval}")
    world |= push_feed(world)
    env = base_env(world["url"], folder, REDIS_URL=REDIS_URL, SOCKETIO_CHANNEL="bench-e2e")
    if mode == "scaled":
        processes = [web_process(f"web-{n}", env, folder) for n in (1, 2)]
        processes.append(scheduler_process("scheduler", env, folder))
    else:
        env.pop("REDIS_URL")
        processes = [app_process("app", {**env, "SCHEDULER": "true"}, folder)]
    webs = [p.wait_listening().url for p in processes if p.port]
    return world, processes, webs


def push_feed(world: dict) -> dict:
    """A cap-push feed of the event, for the demo alerts' senders, and its push token."""
    token, digest = new_push_token()
    senders = sorted({re.search(r"<sender>([^<]+)", t).group(1) for t in replay.templates()})
    with Session(world["engine"]) as session:
        feed = FeedSource(
            name="Partner push", kind="cap-push", url="", event_id=world["event_id"],
            push_token_hash=digest, push_senders=senders,
        )  # fmt: skip
        session.add(feed)
        session.commit()
        return {"push_feed": feed.id, "push_token": token}


def kind_of(n: int, suffix: int) -> str:
    """The kind the n-th alert gets, as AlertSource.add(n % 5, variant=suffix) names it."""
    text = replay.templates()[n % 5]
    return f"{text[text.index('<event>') + 7 : text.index('</event>')]} #{suffix}"


def variant(n: int, kind_suffix: int) -> tuple[str, bytes]:
    """One of the demo's alerts, sent now, with a kind of its own ("... #1003")."""
    now = utcnow()
    text = replay.templates()[n % 5]
    kind = kind_of(n, kind_suffix)
    text = text[: text.index("<event>") + 7] + kind + text[text.index("</event>") :]
    identifier = f"EW-PUSH-{kind_suffix}-{time.time_ns()}"
    alert = replay.Replayed(identifier, now, now + timedelta(hours=1), text)
    return kind, replay.render(alert)


def push_latencies(web: str, world: dict, audience: Audience, count: int):
    """POST -> marker at every client, the clients that never got it, POST -> answer (the
    server's own work: checks, ingest, commits, emits, audit) and POST -> the first client's
    marker (the rest is the fan-out to the other clients, and their own reading)."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {world['push_token']}"
    http.headers["Content-Type"] = "application/cap+xml"
    url = f"{web}/api/v1/feeds/{world['push_feed']}/push"
    latencies, lost, answered, first = [], 0, [], []
    for n in range(count):
        time.sleep(random.Random(n).uniform(0.1, 0.5))
        kind, body = variant(n, PUSH_VARIANTS + n)
        sent_at = time.monotonic()
        answer = http.post(url, data=body, timeout=30)
        answered.append(time.monotonic() - sent_at)
        assert answer.status_code == 200, answer.text
        arrived = audience.arrivals(audience.created, kind)
        latencies += [t - sent_at for t in arrived]
        first.append(min(arrived) - sent_at)
        lost += len(audience.clients) - len(arrived)
    return latencies, lost, answered, first


def poll_latencies(source: AlertSource, audience: Audience, count: int, interval: int):
    appear, fetched, lost = [], [], 0
    rng = random.Random(1)
    for n in range(count):
        time.sleep(rng.uniform(0, interval))  # alerts appear at any moment of a poll cycle
        added_at = time.monotonic()
        identifier = source.add(n % 5, variant=n)
        arrived = audience.arrivals(audience.created, kind_of(n, n))
        done = source.fetched_at(identifier) or added_at
        appear += [t - added_at for t in arrived]
        fetched += [t - done for t in arrived]
        lost += len(audience.clients) - len(arrived)
    return appear, fetched, lost


def write_latencies(web: str, world: dict, audience: Audience, count: int) -> tuple[list, int]:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {world['token']}"
    url = f"{web}/api/v1/events/{world['event_id']}/threats"
    threat = http.get(url, timeout=10).json()["features"][0]["properties"]["id"]
    latencies, lost = [], 0
    for n in range(count):
        sent_at = time.monotonic()
        note = {"note": f"bench note {n}"}
        http.patch(f"{url}/{threat}", json=note, timeout=10).raise_for_status()
        arrived = audience.arrivals(audience.updated, str(threat))
        latencies += [t - sent_at for t in arrived]
        lost += len(audience.clients) - len(arrived)
    return latencies, lost


def measure(mode: str, args) -> dict:
    source = AlertSource()
    with tempfile.TemporaryDirectory() as folder:
        world, processes, webs = start(mode, source, Path(folder), args.interval)
        try:
            audience = Audience(webs[-1], world["token"], world["event_id"], args.clients)
            pushed, lost, answered, first = push_latencies(webs[0], world, audience, args.alerts)
            paths = {"push": (pushed, lost), "answered": (answered, 0), "first": (first, 0)}
            appear, fetched, lost = poll_latencies(source, audience, args.alerts, args.interval)
            paths |= {"appear": (appear, lost), "fetched": (fetched, lost)}
            paths["writes"] = write_latencies(webs[0], world, audience, args.alerts)
            audience.close()
        finally:
            for process in processes:
                process.stop()
            source.stop()
            world["engine"].dispose()
    return {"mode": mode, **paths}


def _ms(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


ROWS = (
    ("push", "POST push -> marker"),
    ("first", "POST push -> first client's marker"),
    ("answered", "POST push -> its answer (200)"),
    ("appear", "alert appears -> marker, polled (baseline)"),
    ("fetched", "poll's fetch returns -> marker"),
    ("writes", "commander's write -> marker"),
)


def print_table(results: list[dict], args) -> None:
    print(
        f"\nend to end, {date.today()}, {platform.node()}, {os.cpu_count()} cores, "
        f"{args.clients} clients, {args.alerts} alerts per path, polled every {args.interval} s"
        "\n(each figure over every client's arrival of every alert)\n"
    )
    print("| deployment | path | p50 ms | p95 ms | max ms | lost | vs polled (p50) |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        base = _ms(r["appear"][0], 50)
        for key, name in ROWS:
            values, lost = r[key]
            print(
                f"| {r['mode']} | {name} | {_ms(values, 50):.0f} | {_ms(values, 95):.0f} | "
                f"{max(values) * 1000:.0f} | {lost} | {_ms(values, 50) / base:.2f}x |"
            )
    worst = max(_ms(r["push"][0], 95) for r in results)
    lost = sum(r["push"][1] for r in results)
    met = worst < 100 and lost == 0
    print(
        f"\ntarget: push -> marker p95 < 100 ms at {args.clients} clients, none lost: "
        f"p95 {worst:.0f} ms, {lost} lost, {'met' if met else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--alerts", type=int, default=10)
    parser.add_argument("--interval", type=int, default=2)
    parser.add_argument("--modes", nargs="+", default=["embedded", "scaled"])
    args = parser.parse_args(argv)
    print_table([measure(mode, args) for mode in args.modes], args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
