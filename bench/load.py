"""Benchmark: HTTP and Socket.IO load together, on the scaled-out deployment and on the
embedded default as its baseline, measured in the same run.

    python bench/load.py [--seconds 20] [--readers 6] [--clients 10]

Scaled out: two gunicorn/gevent web processes, one scheduler, Redis, PostgreSQL (a fresh
database `eventwatch_bench_load` on 127.0.0.1). Baseline: `python app.py` (one process,
threading, SQLite, scheduler inside). The same load drives both: HTTP readers asking for
threats, zones, feeds, gaps, the command page and /healthz; a commander adding a note to a
threat every 250 ms (each one a delta); Socket.IO clients joined to the event; a new alert
at the source every 5 s. Errors and lost deltas must be zero; the rest is measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.models import Event
from tests.support.load import LoadReport, run_load
from tests.support.system import (
    AlertSource,
    app_process,
    base_env,
    fresh_database,
    scheduler_process,
    seed,
    wait_for,
    web_process,
)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def measure(kind: str, args: argparse.Namespace, folder: Path) -> LoadReport:
    source = AlertSource()
    url = (
        fresh_database("eventwatch_bench_load")
        if kind == "scaled"
        else f"sqlite:///{folder / 'eventwatch.db'}"
    )
    world = seed(url, [source])
    env = base_env(url, folder, REDIS_URL=REDIS_URL, SOCKETIO_CHANNEL=f"bench-load-{kind}")
    if kind == "scaled":
        processes = [web_process(f"web-{n}", env, folder) for n in (1, 2)]
        processes.append(scheduler_process("scheduler", env, folder))
        webs = processes[:2]
    else:
        env.pop("REDIS_URL")
        processes = webs = [app_process("app", {**env, "SCHEDULER": "true"}, folder)]
    try:
        urls = [p.wait_listening().url for p in webs]
        return _drive(world, source, urls, args)
    finally:
        for process in processes:
            process.stop()
        source.stop()
        world["engine"].dispose()


def _drive(world: dict, source: AlertSource, urls: list[str], args) -> LoadReport:
    def latest() -> int:
        with Session(world["engine"]) as session:
            return session.scalar(select(Event.live_seq).where(Event.id == world["event_id"]))

    source.add(0)
    wait_for(lambda: latest() > 0, 30, "the first alert")
    timers = [
        threading.Timer(5 * (n + 1), source.add, args=(1 + n % 4,))
        for n in range(int(args.seconds // 5))
    ]
    for timer in timers:
        timer.start()
    report = run_load(
        urls,
        world["token"],
        world["event_id"],
        seconds=args.seconds,
        readers=args.readers,
        clients_per_web=max(1, args.clients // len(urls)),
        latest_seq=latest,
    )
    for timer in timers:
        timer.cancel()
    return report


def print_table(scaled: LoadReport, baseline: LoadReport) -> None:
    print(f"\nload on loopback, {date.today()}, {platform.node()}, {os.cpu_count()} cores")
    print(f"{'':34}{'scaled out':>22}{'baseline: app.py':>22}{'ratio':>8}")
    ratios = {
        "HTTP requests served": scaled.requests / max(baseline.requests, 1),
        "HTTP latency p50 / p95 / p99": scaled.percentile(95) / max(baseline.percentile(95), 1e-9),
    }
    for (name, value), (_, base) in zip(scaled.rows(), baseline.rows(), strict=True):
        ratio = f"{ratios[name]:.2f}x" if name in ratios else ""
        print(f"{name:34}{value:>22}{base:>22}{ratio:>8}")
    print("(ratio: requests served, scaled / baseline; latency: p95 scaled / baseline)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scaled_dir, tempfile.TemporaryDirectory() as base_dir:
        scaled = measure("scaled", args, Path(scaled_dir))
        baseline = measure("baseline", args, Path(base_dir))
    print_table(scaled, baseline)
    failed = scaled.errors or baseline.errors or scaled.deltas_lost or baseline.deltas_lost
    if failed:
        print("errors:", (scaled.errors + baseline.errors)[:10])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
