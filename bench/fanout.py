"""Benchmark: live-map deltas fanned out by ONE web process to many Socket.IO clients.

    python bench/fanout.py [--clients 200 1000] [--deltas 50] [--rate 10] \\
        [--mode threading gevent] [--client lean|socketio] [--procs N] [--joining 50]

Each run gets a fresh instance folder with SQLite, an admin with an API token, one event
and one web process: `python app.py` (threading, the embedded default) or gunicorn with
wsgi:app (gevent). N clients join the event over websocket from --procs load processes
and wait for their snapshot. A publisher process then stores `feed_status` deltas with
maps.live_service.publish and commits, as the scheduler does; the emits reach the web process
through Redis (REDIS_URL), the scale-out path of DESIGN.md. Latency: a client's receive
time minus the moment of the commit. Lost: not received 5 s after the last commit.
Dropped: connections the server closed. CPU: % of one core over the delivery window.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import platform
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NS = "/live"
REDIS_URL = os.environ.get("FANOUT_REDIS_URL", "redis://127.0.0.1:6379/15")
SOCKET_PATH = "/socket.io/?EIO=4&transport=websocket"
TICK = os.sysconf("SC_CLK_TCK")


class Child:
    """A process of one run, in its own process group so that stopping it stops its children."""

    def __init__(self, name: str, args: list[str], env: dict, log: Path | None = None):
        self.name, self.lines = name, queue.Queue()
        out = log.open("w") if log else subprocess.PIPE
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT if log else None,
            text=True,
            start_new_session=True,
        )
        if not log:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, prefix: str, deadline: float) -> str:
        """The rest of the next line that starts with `prefix`, waiting until `deadline`."""
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"{self.name}: no {prefix.strip()!r} in time") from None
            if line is None:
                raise RuntimeError(f"{self.name} exited with {self.proc.wait()}")
            if line.startswith(prefix):
                return line[len(prefix) :]

    def tell(self, line: str) -> None:
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def cpu_s(self) -> float:
        """CPU seconds used so far by the live processes of this child's group."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid:  # the process group
                total += int(fields[11]) + int(fields[12])
        return total / TICK

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(wait)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue


# --- the load: clients and publisher, each run as `python bench/fanout.py _clients|_publish`


@dataclass
class Joined:
    """A connected client that has joined the event and got its snapshot."""

    close: Callable[[], Awaitable]
    connected: Callable[[], bool]
    got: list = field(default_factory=list)  # (delta id, seq, latency ns, received at ns)
    reader: asyncio.Task | None = None

    def record(self, delta: dict, now: int, run: str) -> None:
        data = delta.get("data") or {}
        if data.get("run") == run:  # Redis channels are shared by every app on this Redis
            self.got.append((data["id"], delta["seq"], now - data["committed_ns"], now))


async def socketio_client(_http, url: str, token: str, event_id: int, run: str) -> Joined:
    """A python-socketio AsyncClient: the real library, at 1.5x the CPU of lean_client."""
    import socketio

    sio, snapshot = socketio.AsyncClient(reconnection=False), asyncio.Event()
    joined = Joined(sio.disconnect, lambda: sio.connected)
    sio.on("snapshot", lambda _: snapshot.set(), namespace=NS)
    sio.on("delta", lambda delta: joined.record(delta, time.time_ns(), run), namespace=NS)
    try:
        await sio.connect(
            url, auth={"token": token}, transports=["websocket"], namespaces=[NS], wait_timeout=30
        )
        ack = await sio.call("join", {"event_id": event_id, "since": None}, NS, timeout=30)
        if not ack.get("ok"):
            raise ConnectionError(f"join refused: {ack}")
        await asyncio.wait_for(snapshot.wait(), 30)
    except BaseException:
        await sio.disconnect()
        raise
    return joined


async def lean_client(http, url: str, token: str, event_id: int, run: str) -> Joined:
    """The same protocol by hand (Engine.IO 4, Socket.IO 5) on aiohttp: a lighter load."""
    ns = f"{NS},"
    ws = await http.ws_connect(url.replace("http", "ws", 1) + SOCKET_PATH)
    try:
        await ws.receive_str(timeout=30)  # Engine.IO open
        await ws.send_str(f"40{ns}" + json.dumps({"token": token}))
        if not (await ws.receive_str(timeout=30)).startswith(f"40{ns}"):
            raise ConnectionError("connect refused")
        await ws.send_str(f"42{ns}1" + json.dumps(["join", {"event_id": event_id, "since": None}]))
        acked = snapshot = False
        while not (acked and snapshot):
            text = await ws.receive_str(timeout=30)
            snapshot = snapshot or text.startswith(f'42{ns}["snapshot",')
            if text.startswith(f"43{ns}1"):
                acked = True
                if not json.loads(text[len(ns) + 3 :])[0].get("ok"):
                    raise ConnectionError(f"join refused: {text}")
    except BaseException:
        await ws.close()
        raise
    joined = Joined(ws.close, lambda: not ws.closed)
    joined.reader = asyncio.create_task(lean_reader(ws, joined, run))
    return joined


async def lean_reader(ws, joined: Joined, run: str) -> None:
    delta = f'42{NS},["delta",'
    async for message in ws:
        if message.data == "2":
            await ws.send_str("3")  # Engine.IO pong
        elif isinstance(message.data, str) and message.data.startswith(delta):
            now = time.time_ns()
            joined.record(json.loads(message.data[len(NS) + 3 :])[1], now, run)


async def clients_main(url, token, event_id, count, run, expect, at_once, kind) -> None:
    """Connect and join, say `ready`, then print what arrived once all is in or on `stop`."""
    import aiohttp

    gate, stop, client = asyncio.Semaphore(at_once), asyncio.Event(), CLIENTS[kind]

    async def gated(http) -> Joined | None:
        async with gate:
            try:
                return await client(http, url, token, event_id, run)
            except Exception as exc:
                print(f"client failed: {exc!r}", file=sys.stderr)
                return None

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        joined = [c for c in await asyncio.gather(*(gated(http) for _ in range(count))) if c]
        gc.freeze()  # a load process that pauses to collect would add to the latencies
        gc.disable()
        print(f"ready {len(joined)}", flush=True)
        loop = asyncio.get_running_loop()
        threading.Thread(
            target=lambda: (sys.stdin.readline(), loop.call_soon_threadsafe(stop.set)),
            daemon=True,
        ).start()
        while not stop.is_set() and any(len(c.got) < expect and c.connected() for c in joined):
            await asyncio.sleep(0.05)
        print("result " + json.dumps(summary(joined)), flush=True)
        await asyncio.wait_for(asyncio.gather(*(c.close() for c in joined)), 10)


CLIENTS = {"lean": lean_client, "socketio": socketio_client}


def summary(joined: list[Joined]) -> dict:
    """Counts and first-arrival latencies of what each client received."""
    out = dict.fromkeys(("received", "unique", "duplicates", "out_of_order", "last_ns"), 0)
    out |= {"dropped": sum(not c.connected() for c in joined), "latencies_ns": []}
    for client in joined:
        seen, last_seq = set(), 0
        for delta_id, seq, latency, at in client.got:
            out["out_of_order"] += seq < last_seq
            out["last_ns"], last_seq = max(out["last_ns"], at), max(last_seq, seq)
            out["duplicates"] += delta_id in seen
            if delta_id not in seen:
                seen.add(delta_id)
                out["latencies_ns"].append(latency)
        out["received"] += len(client.got)
        out["unique"] += len(seen)
    return out


def publish_main(event_id: int, deltas: int, rate: float, run: str) -> None:
    """Store and commit `deltas` feed_status deltas at a steady rate, through the app's code."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from app import create_app
    from maps.live_service import publish
    from web.extensions import db

    app, pending, costs = create_app(), [], []

    @event.listens_for(Session, "after_commit", insert=True)  # before maps.live_service emits
    def stamp(_session) -> None:
        for delta in pending:
            delta["data"]["committed_ns"] = time.time_ns()

    with app.app_context():
        start = time.monotonic()
        for i in range(deltas):
            time.sleep(max(0.0, start + i / rate - time.monotonic()))
            pending[:] = [publish(db.session, event_id, "feed_status", {"id": i, "run": run})]
            started = time.time_ns()
            db.session.commit()
            costs.append((started, pending[0]["data"]["committed_ns"] - started))
    print("published " + json.dumps(costs), flush=True)


# --- one run: instance folder, web process, load, figures

EVENT = {"name": "Fan-out bench", "timezone": "America/Chicago"}
EVENT |= {"starts_at": "2026-07-18T08:00:00", "ends_at": "2026-07-18T23:00:00"}
GUNICORN = ["-m", "gunicorn", "-w", "1", "--worker-connections", "5000", "--no-control-socket"]
GUNICORN += ["-k", "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_env(folder: Path, mode: str, port: int) -> dict:
    return os.environ | {
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'eventwatch.db'}",
        "REDIS_URL": REDIS_URL,
        "SOCKETIO_ASYNC_MODE": mode,
        "DEMO": "false",
        "SCHEDULER": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }


def prepare(env: dict) -> str:
    """The schema, an admin and its API token, made the way an operator makes them."""

    def flask(*args: str) -> str:
        command = [sys.executable, "-m", "flask", "--app", "app", *args]
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
        )
        return done.stdout

    flask("db", "upgrade")
    flask("users", "create", "bench", "--role", "admin", "--password", uuid.uuid4().hex)
    return flask("tokens", "create", "bench").strip().splitlines()[-1]


def start_web(mode: str, port: int, env: dict, log: Path) -> Child:
    """`python app.py` for threading (PORT from the env), gunicorn wsgi:app for gevent."""
    args = ["app.py"] if mode == "threading" else [*GUNICORN, "-b", f"127.0.0.1:{port}", "wsgi:app"]
    web, deadline = Child("web", [sys.executable, *args], env, log), time.monotonic() + 60
    while time.monotonic() < deadline and web.proc.poll() is None:
        try:
            call(port, "/healthz")
            return web
        except OSError:
            time.sleep(0.2)
    web.stop()
    raise RuntimeError(f"the {mode} web process did not answer on port {port}")


def call(port: int, path: str, token: str = "", body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def start_load(clients: int, procs: int, job: dict, env: dict) -> tuple[list[Child], int]:
    """Load processes that connect one after the other (see --joining), and how many joined."""
    loads, joined, deadline = [], 0, time.monotonic() + 90
    for i in range(procs):
        share = clients // procs + (i < clients % procs)
        args = [sys.executable, __file__, "_clients", json.dumps(job | {"count": share})]
        loads.append(Child(f"clients{i}", args, env))
        try:
            joined += int(loads[-1].expect("ready ", deadline))
        except Exception:
            for load in loads:
                load.stop()
            raise
    return loads, joined


def collect(loads: list[Child], grace: float) -> list[dict]:
    """Each load process's summary: once all its deltas are in, or `grace` s after the last."""
    deadline, results = time.monotonic() + grace, []
    for load in loads:
        try:
            results.append(json.loads(load.expect("result ", deadline)))
        except TimeoutError:
            load.tell("stop")
            results.append(json.loads(load.expect("result ", time.monotonic() + 30)))
    return results


def measure(mode: str, clients: int, args: argparse.Namespace) -> dict:
    """One run, bounded in time; every process it started is stopped before it returns."""
    folder, port, children = Path(tempfile.mkdtemp(prefix=f"fanout-{mode}-")), free_port(), []
    env, run = run_env(folder, mode, port), uuid.uuid4().hex[:8]
    procs = args.procs or (1 if clients <= 250 else 2)
    try:
        token = prepare(env)
        web = start_web(mode, port, env, folder / "web.log")
        children.append(web)
        event_id = call(port, "/api/v1/events", token, EVENT)["id"]
        job = {"url": f"http://127.0.0.1:{port}", "token": token, "event_id": event_id}
        job |= {"run": run, "expect": args.deltas, "at_once": args.joining, "kind": args.client}
        loads, joined = start_load(clients, procs, job, env)
        children += loads
        cpu = web.cpu_s(), sum(load.cpu_s() for load in loads)
        job = {"event_id": event_id, "deltas": args.deltas, "rate": args.rate, "run": run}
        publisher = [sys.executable, __file__, "_publish", json.dumps(job)]
        children.append(Child("publisher", publisher, env | {"SOCKETIO_ASYNC_MODE": "threading"}))
        wait = 30 + args.deltas / args.rate
        commits = json.loads(children[-1].expect("published ", time.monotonic() + wait))
        results = collect(loads, grace=5)
        cpu = web.cpu_s() - cpu[0], sum(load.cpu_s() for load in loads) - cpu[1]
        run_of = {"mode": mode, "clients": clients, "load": f"{procs} {args.client}"}
        return figures(run_of, joined, args.deltas, commits, results, cpu)
    except Exception:
        log = folder / "web.log"
        print(log.read_text()[-3000:] if log.exists() else "(no web log)", file=sys.stderr)
        raise
    finally:
        for child in reversed(children):
            child.stop()
        shutil.rmtree(folder, ignore_errors=True)


def figures(run_of: dict, joined: int, deltas: int, commits, results, cpu) -> dict:
    """One row of the table: counts, latency percentiles in ms, throughput and CPU."""
    ms = sorted(n / 1e6 for r in results for n in r["latencies_ns"]) or [math.nan] * 2
    cuts = statistics.quantiles(ms, n=100)
    expected, received = run_of["clients"] * deltas, sum(r["received"] for r in results)
    lost = expected - sum(r["unique"] for r in results)
    end_ns = max([r["last_ns"] for r in results] + [sum(commits[-1])])
    window_s = (end_ns - commits[0][0]) / 1e9
    return run_of | {
        "joined": joined,
        "dropped": sum(r["dropped"] for r in results),
        "deltas": deltas,
        "expected": expected,
        "received": received,
        "lost": f"{lost} ({100 * lost / expected:.2f}%)",
        "dup": sum(r["duplicates"] for r in results),
        "ooo": sum(r["out_of_order"] for r in results),
        "p50 ms": f"{cuts[49]:.1f}",
        "p95 ms": f"{cuts[94]:.1f}",
        "p99 ms": f"{cuts[98]:.1f}",
        "max ms": f"{ms[-1]:.1f}",
        "deliveries/s": f"{received / window_s:.0f}",
        "commit ms": f"{statistics.median(cost / 1e6 for _, cost in commits):.1f}",
        "web cpu%": f"{100 * cpu[0] / window_s:.0f}",
        "load cpu%": f"{100 * cpu[1] / window_s:.0f}",
        "_p95": cuts[94],
    }


def print_table(rows: list[dict]) -> None:
    heads = [k for k in rows[0] if not k.startswith("_")]
    cells = [heads] + [[str(row[k]) for k in heads] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(heads))]
    for n, line in enumerate(cells):
        print("| " + " | ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run every mode at every client count, print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--deltas", type=int, default=50)
    parser.add_argument("--rate", type=float, default=10.0, help="deltas per second")
    modes = ["threading", "gevent"]
    parser.add_argument("--mode", nargs="+", default=modes, choices=modes)
    parser.add_argument("--client", default="lean", choices=sorted(CLIENTS))
    parser.add_argument("--procs", type=int, default=0, help="load processes (0: 1, 2 > 250)")
    parser.add_argument("--joining", type=int, default=50, help="clients joining at once")
    args = parser.parse_args(argv)
    rows = []
    for clients in args.clients:
        for mode in args.mode:
            print(f"running {mode} with {clients} clients ...", file=sys.stderr, flush=True)
            rows.append(measure(mode, clients, args))
    when = datetime.now().astimezone()
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}; {when:%Y-%m-%d %H:%M %Z}"
    )
    print_table(rows)
    for clients in args.clients:
        p95 = {r["mode"]: r["_p95"] for r in rows if r["clients"] == clients}
        if len(p95) == 2:
            ratio = p95["threading"] / p95["gevent"]
            print(f"p95 threading / gevent at {clients} clients: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    role = sys.argv[1] if len(sys.argv) > 1 else ""
    if role == "_clients":
        asyncio.run(clients_main(**json.loads(sys.argv[2])))
    elif role == "_publish":
        publish_main(**json.loads(sys.argv[2]))
    else:
        sys.exit(main())
