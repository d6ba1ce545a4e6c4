"""Benchmark: end to end, an alert appearing at its source to the threat in a connected
client, on the embedded default and on the scaled-out deployment.

    python bench/e2e.py [--alerts 10] [--interval 2] [--modes embedded scaled]

A CAP ATOM source on loopback gains one alert at a time; the scheduler polls it every
--interval seconds. For each alert: appear -> client (includes waiting for the next poll,
on average half the interval), and fetch -> client (from the moment the poller has the
whole alert document to the `threat_created` delta in a Socket.IO client: parsing,
matching, storing, committing and fanning out). Baseline, in the same run and deployment:
a commander's write -> client (a note added with PATCH, to its `threat_updated` delta),
the same fan-out path without a feed. Target: fetch -> client under 1 s.

embedded: `python app.py` (threading, SQLite, scheduler inside). scaled: two gunicorn/gevent
web processes, one scheduler process, Redis, PostgreSQL (a fresh `eventwatch_bench_e2e`);
the client listens on the web process that did not take the write.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests

from tests.support.system import (
    AlertSource,
    LiveClient,
    app_process,
    base_env,
    fresh_database,
    scheduler_process,
    seed,
    wait_for,
    web_process,
)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def start(mode: str, source: AlertSource, folder: Path, interval: int):
    url = fresh_database("eventwatch_bench_e2e") if mode == "scaled" else None
    world = seed(url or f"sqlite:///{folder / 'eventwatch.db'}", [source])
    with world["engine"].begin() as conn:
        conn.exec_driver_sql(f"UPDATE feed_sources SET interval_s = {interval}")
    env = base_env(world["url"], folder, REDIS_URL=REDIS_URL, SOCKETIO_CHANNEL="bench-e2e")
    if mode == "scaled":
        processes = [web_process(f"web-{n}", env, folder) for n in (1, 2)]
        processes.append(scheduler_process("scheduler", env, folder))
    else:
        env.pop("REDIS_URL")
        processes = [app_process("app", {**env, "SCHEDULER": "true"}, folder)]
    webs = [p.wait_listening().url for p in processes if p.port]
    return world, processes, webs


def alert_latencies(source, client: LiveClient, count: int, interval: int) -> tuple[list, list]:
    appear, fetched = [], []
    rng = random.Random(1)
    for n in range(count):
        time.sleep(rng.uniform(0, interval))  # alerts appear at any moment of a poll cycle
        added_at = time.monotonic()
        identifier = source.add(n % 5, variant=n)
        position = _arrival(client, f"#{n}", "threat_created")
        received = client.arrivals[position]
        appear.append(received - added_at)
        fetched.append(received - source.fetched_at(identifier))
    return appear, fetched


def write_latencies(web: str, token: str, client: LiveClient, event_id: int, count: int):
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    threat = client.of_kind("threat_created")[0]["data"]["id"]
    latencies = []
    for n in range(count):
        url = f"{web}/api/v1/events/{event_id}/threats/{threat}"
        seen = len(client.deltas)
        sent_at = time.monotonic()
        http.patch(url, json={"note": f"bench note {n}"}, timeout=10).raise_for_status()
        position = _arrival(client, None, "threat_updated", after=seen - 1)
        latencies.append(client.arrivals[position] - sent_at)
    return latencies


def _arrival(client: LiveClient, kind_suffix, delta_kind: str, after: int = -1) -> int:
    """The index of the first matching delta received after position `after`."""

    def found() -> int | None:
        with client.lock:
            for i, delta in enumerate(client.deltas[after + 1 :], start=after + 1):
                kind = delta["data"].get("properties", {}).get("kind", "")
                if delta["kind"] == delta_kind and (
                    kind_suffix is None or kind.endswith(kind_suffix)
                ):
                    return i
        return None

    wait_for(lambda: found() is not None, 30, f"a {delta_kind} delta")
    return found()


def measure(mode: str, args) -> dict:
    source = AlertSource()
    with tempfile.TemporaryDirectory() as folder:
        world, processes, webs = start(mode, source, Path(folder), args.interval)
        try:
            client = LiveClient(webs[-1], world["token"], world["event_id"])
            appear, fetched = alert_latencies(source, client, args.alerts, args.interval)
            writes = write_latencies(
                webs[0], world["token"], client, world["event_id"], args.alerts
            )
            client.close()
        finally:
            for process in processes:
                process.stop()
            source.stop()
            world["engine"].dispose()
    return {"mode": mode, "appear": appear, "fetched": fetched, "writes": writes}


def _ms(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def print_table(results: list[dict], args) -> None:
    print(
        f"\nend to end, {date.today()}, {platform.node()}, {os.cpu_count()} cores, "
        f"{args.alerts} alerts per mode, polled every {args.interval} s\n"
    )
    print("| deployment | path | p50 ms | p95 ms | max ms | vs write (p50) |")
    print("|---|---|---|---|---|---|")
    for r in results:
        base = _ms(r["writes"], 50)
        rows = [
            ("alert appears -> client", r["appear"]),
            ("fetch returns -> client", r["fetched"]),
            ("write -> client (baseline)", r["writes"]),
        ]
        for name, values in rows:
            ratio = _ms(values, 50) / base
            print(
                f"| {r['mode']} | {name} | {_ms(values, 50):.0f} | {_ms(values, 95):.0f} | "
                f"{max(values) * 1000:.0f} | {ratio:.1f}x |"
            )
    worst = max(_ms(r["fetched"], 95) for r in results)
    print(
        f"\ntarget: fetch -> client < 1000 ms: p95 {worst:.0f} ms, "
        f"{'met' if worst < 1000 else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10)
    parser.add_argument("--interval", type=int, default=2)
    parser.add_argument("--modes", nargs="+", default=["embedded", "scaled"])
    args = parser.parse_args(argv)
    print_table([measure(mode, args) for mode in args.modes], args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
