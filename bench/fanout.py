"""Benchmark: live-map deltas fanned out by ONE web process to many Socket.IO clients.

    python bench/fanout.py [--clients 200 1000] [--deltas 50] [--rate 10] \\
        [--mode threading gevent] [--procs 0]

Each run gets a fresh instance folder with SQLite, an admin with an API token, one event
and one web process: `python app.py` (threading, the embedded default) or gunicorn with
wsgi:app (gevent). N clients (python-socketio AsyncClient, websocket transport, spread
over --procs load processes) join the event and wait for their snapshot. A publisher
process then stores `feed_status` deltas with maps.live.publish and commits, as the
scheduler does; the emits reach the web process through Redis (REDIS_URL), the
scale-out path of DESIGN.md. Latency is the client's receive time minus the time taken
just before publish + commit. CPU columns are % of one core over the delivery window.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NS = "/live"
REDIS_URL = os.environ.get("FANOUT_REDIS_URL", "redis://127.0.0.1:6379/15")
GEVENT_WORKER = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
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


def record(got: list, delta: dict, now: int, run: str) -> None:
    """Keep (id, seq, latency_ns, at_ns) of a delta of this run; Redis channels are shared."""
    data = delta.get("data") or {}
    if data.get("run") == run:
        got.append((data["id"], delta["seq"], now - data["committed_ns"], now))


async def socketio_client(_http, url: str, token: str, event_id: int, run: str) -> tuple:
    """A python-socketio AsyncClient, connected and joined: (how to close it, its deltas)."""
    import socketio

    sio, got, snapshot = socketio.AsyncClient(reconnection=False), [], asyncio.Event()
    sio.on("snapshot", lambda _: snapshot.set(), namespace=NS)
    sio.on("delta", lambda delta: record(got, delta, time.time_ns(), run), namespace=NS)
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
    return sio.disconnect, got


async def lean_client(http, url: str, token: str, event_id: int, run: str) -> tuple:
    """The same protocol by hand (Engine.IO 4, Socket.IO 5) on aiohttp, for a light load."""
    got, ns, delta = [], f"{NS},", f'42{NS},["delta",'
    ws = await http.ws_connect(
        url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    )
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
                acked = json.loads(text[len(ns) + 3 :])[0].get("ok")
                if not acked:
                    raise ConnectionError(f"join refused: {text}")
    except BaseException:
        await ws.close()
        raise

    async def read() -> None:
        async for message in ws:
            if message.data == "2":
                await ws.send_str("3")  # Engine.IO pong
            elif isinstance(message.data, str) and message.data.startswith(delta):
                now = time.time_ns()
                record(got, json.loads(message.data[len(ns) + 2 :])[1], now, run)

    reader = asyncio.create_task(read())
    return lambda: asyncio.gather(ws.close(), reader), got


async def clients_main(url, token, event_id, count, run, expect, at_once, kind) -> None:
    """Connect and join, say `ready`, then print what arrived once all is in or on `stop`."""
    import aiohttp

    gate, stop, client = asyncio.Semaphore(at_once), asyncio.Event(), CLIENTS[kind]

    async def gated(http) -> tuple | None:
        async with gate:
            try:
                return await client(http, url, token, event_id, run)
            except (Exception, TimeoutError) as exc:
                print(f"client failed: {exc!r}", file=sys.stderr)
                return None

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        joined = [c for c in await asyncio.gather(*(gated(http) for _ in range(count))) if c]
        print(f"ready {len(joined)}", flush=True)
        loop = asyncio.get_running_loop()
        threading.Thread(
            target=lambda: (sys.stdin.readline(), loop.call_soon_threadsafe(stop.set)),
            daemon=True,
        ).start()
        while not stop.is_set() and any(len(got) < expect for _, got in joined):
            await asyncio.sleep(0.05)
        print("result " + json.dumps(summary([got for _, got in joined])), flush=True)
        await asyncio.wait_for(asyncio.gather(*(close() for close, _ in joined)), 10)


CLIENTS = {"lean": lean_client, "socketio": socketio_client}


def summary(per_client: list[list[tuple]]) -> dict:
    """Counts and first-arrival latencies of the deltas received by each client."""
    out = {
        "clients": len(per_client),
        "received": 0,
        "unique": 0,
        "duplicates": 0,
        "out_of_order": 0,
        "latencies_ns": [],
        "last_ns": 0,
    }
    for got in per_client:
        seen, last_seq = set(), 0
        for delta_id, seq, latency, at in got:
            out["out_of_order"] += seq < last_seq
            out["last_ns"] = max(out["last_ns"], at)
            last_seq = max(last_seq, seq)
            if delta_id in seen:
                out["duplicates"] += 1
                continue
            seen.add(delta_id)
            out["latencies_ns"].append(latency)
        out["received"] += len(got)
        out["unique"] += len(seen)
    return out


def publish_main(event_id: int, deltas: int, rate: float, run: str) -> None:
    """Store and commit `deltas` feed_status deltas at a steady rate, through the app's code."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from app import create_app
    from extensions import db
    from maps.live import publish

    app, pending, costs = create_app(), [], []

    @event.listens_for(Session, "after_commit", insert=True)  # before maps.live emits
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

EVENT = {
    "name": "Fan-out bench",
    "timezone": "America/Chicago",
    "starts_at": "2026-07-18T08:00:00",
    "ends_at": "2026-07-18T23:00:00",
}


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


def web_command(mode: str, port: int) -> list[str]:
    if mode == "threading":
        return [sys.executable, "app.py"]  # the embedded default; PORT comes from the env
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-k",
        GEVENT_WORKER,
        "-w",
        "1",
        "--worker-connections",
        "5000",
        "-b",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]


def call(port: int, path: str, token: str = "", body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_healthy(port: int, web: Child, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and web.proc.poll() is None:
        try:
            call(port, "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"web process not healthy on port {port}")


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
    try:
        token = prepare(env)
        web = Child("web", web_command(mode, port), env, log=folder / "web.log")
        children.append(web)
        wait_healthy(port, web, 60)
        event_id = call(port, "/api/v1/events", token, EVENT)["id"]
        procs = args.procs or (1 if clients <= 250 else 2)
        shares = [clients // procs + (i < clients % procs) for i in range(procs)]
        joined, deadline = 0, time.monotonic() + 90
        for i, share in enumerate(shares):  # one after the other: see --joining
            load_args = [
                "_clients",
                f"http://127.0.0.1:{port}",
                token,
                str(event_id),
                str(share),
                run,
                str(args.deltas),
                str(args.joining),
                args.client,
            ]
            children.append(Child(f"clients{i}", [sys.executable, __file__, *load_args], env))
            joined += int(children[-1].expect("ready ", deadline))
        loads = children[1:]
        cpu = web.cpu_s(), sum(load.cpu_s() for load in loads)
        pub_args = ["_publish", str(event_id), str(args.deltas), str(args.rate), run]
        pub = Child(
            "publisher",
            [sys.executable, __file__, *pub_args],
            env | {"SOCKETIO_ASYNC_MODE": "threading"},
        )
        children.append(pub)
        sent = json.loads(pub.expect("published ", time.monotonic() + 30 + args.deltas / args.rate))
        results = collect(loads, grace=5)
        cpu = web.cpu_s() - cpu[0], sum(load.cpu_s() for load in loads) - cpu[1]
        load = f"{procs} {args.client}"
        return figures(mode, clients, load, joined, args.deltas, sent, results, cpu)
    except Exception:
        log = folder / "web.log"
        print(log.read_text()[-3000:] if log.exists() else "(no web log)", file=sys.stderr)
        raise
    finally:
        for child in reversed(children):
            child.stop()
        shutil.rmtree(folder, ignore_errors=True)


def figures(mode, clients, load, joined, deltas, sent, results, cpu) -> dict:
    """One row of the table: counts, latency percentiles in ms, throughput and CPU."""
    latencies = sorted(n / 1e6 for r in results for n in r["latencies_ns"])
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    received = sum(r["received"] for r in results)
    lost = clients * deltas - sum(r["unique"] for r in results)
    end_ns = max([r["last_ns"] for r in results] + [sum(sent[-1])])
    window_s = (end_ns - sent[0][0]) / 1e9
    publish_ms = statistics.median(cost / 1e6 for _, cost in sent)
    return {
        "mode": mode,
        "clients": clients,
        "load": load,
        "joined": joined,
        "deltas": deltas,
        "expected": clients * deltas,
        "received": received,
        "lost": f"{lost} ({100 * lost / (clients * deltas):.2f}%)",
        "dup": sum(r["duplicates"] for r in results),
        "ooo": sum(r["out_of_order"] for r in results),
        "p50 ms": f"{cuts[49]:.1f}",
        "p95 ms": f"{cuts[94]:.1f}",
        "p99 ms": f"{cuts[98]:.1f}",
        "max ms": f"{latencies[-1] if latencies else float('nan'):.1f}",
        "deliveries/s": f"{received / window_s:.0f}",
        "commit ms": f"{publish_ms:.1f}",
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
    parser.add_argument("--clients", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--deltas", type=int, default=50)
    parser.add_argument("--rate", type=float, default=10.0, help="deltas per second")
    parser.add_argument(
        "--mode", nargs="+", default=["threading", "gevent"], choices=["threading", "gevent"]
    )
    parser.add_argument("--procs", type=int, default=0, help="load processes (0: 1 or 2)")
    parser.add_argument("--client", default="lean", choices=sorted(CLIENTS))
    parser.add_argument(
        "--joining",
        type=int,
        default=1,
        help="clients joining at once; >1 hangs gevent on SQLite + Redis",
    )
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
        if {"threading", "gevent"} <= p95.keys():
            ratio = p95["threading"] / p95["gevent"]
            print(f"p95 threading / gevent at {clients} clients: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    role, rest = (sys.argv[1:2] or [""])[0], sys.argv[2:]
    if role == "_clients":
        url, token, event_id, count, run, expect, at_once, kind = rest
        asyncio.run(
            clients_main(
                url, token, int(event_id), int(count), run, int(expect), int(at_once), kind
            )
        )
    elif role == "_publish":
        publish_main(int(rest[0]), int(rest[1]), float(rest[2]), rest[3])
    else:
        sys.exit(main())
