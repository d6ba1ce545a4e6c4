"""Real processes for the system tests: a PostgreSQL database of their own, gunicorn web
processes, scheduler processes, a CAP source on loopback, and Socket.IO clients."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
import socketio
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from common.times import utcnow
from demo import replay
from tests.factories import make_event, make_fixture_zones, make_token
from tests.support.browser import ROOT, _listening, free_port
from tests.support.feedserver import FeedServer
from threats.models import FeedSource
from web.database import upgrade_database

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1/postgres"
SOURCE_HOST = "127.0.0.1"


def fresh_database(name: str) -> str:
    """An empty PostgreSQL database for one test; its URL."""
    admin = create_engine(os.environ.get("SYSTEM_PG_ADMIN_URL", PG_ADMIN_URL))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(str(admin.url)).set(database=name).render_as_string(hide_password=False)


class Process:
    """A child process whose output goes to a log file, read back when a test fails."""

    def __init__(self, name: str, argv: list[str], env: dict, logs: Path, port=None) -> None:
        self.name, self.port = name, port
        self.log_path = logs / f"{name}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_listening(self, timeout: float = 90) -> Process:
        """Until the app answers /healthz: gunicorn listens long before its worker has
        imported the app, and a WebSocket handshake in between can time out."""
        deadline = time.monotonic() + timeout
        while not self._healthy():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{self.name} did not start:\n{self.output()}")
            time.sleep(0.1)
        return self

    def _healthy(self) -> bool:
        if not _listening(self.port):
            return False
        try:
            return requests.get(self.url + "/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def kill(self) -> None:
        """kill -9: no clean-up, no lease released, a transaction cut wherever it was."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._log.close()

    def stop(self) -> None:
        if self.proc.poll() is None and not self._log.closed:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def base_env(database_url: str, instance: Path, **extra: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "system-test-secret",
        "DEMO": "false",
        "SCHEDULER": "false",
        "FEED_ALLOWED_HOSTS": SOURCE_HOST,
        "SCHEDULER_LEASE_S": "3",
        **extra,
    }
    env.pop("TEST_DATABASE_URL", None)
    return env


def web_process(name: str, env: dict, logs: Path) -> Process:
    """A production web process: gunicorn, one gevent worker, Socket.IO over WebSocket."""
    port = free_port()
    worker = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
    argv = [sys.executable, "-m", "gunicorn", "-w", "1", "-k", worker]
    argv += ["-b", f"127.0.0.1:{port}", "--graceful-timeout", "2", "wsgi:app"]
    return Process(name, argv, env, logs, port)


def app_process(name: str, env: dict, logs: Path) -> Process:
    """`python app.py`: the embedded default, with its scheduler inside."""
    port = free_port()
    return Process(name, [sys.executable, "app.py"], {**env, "PORT": str(port)}, logs, port)


def scheduler_process(name: str, env: dict, logs: Path) -> Process:
    return Process(name, [sys.executable, "-m", "flask", "--app", "app", "scheduler"], env, logs)


class AlertSource:
    """A CAP ATOM feed on loopback whose alerts the test adds one by one."""

    INDEX = "/cap.atom"

    def __init__(self) -> None:
        self.server = FeedServer().start()
        self.alerts: list[replay.Replayed] = []
        self.fault: tuple[int, bytes, dict] | None = None
        self.gate = None
        self._publish()

    @property
    def url(self) -> str:
        return self.server.base_url + self.INDEX

    def entry_path(self, identifier: str) -> str:
        return f"/cap/{identifier}.xml"

    def add(self, template: int, *, hold: bool = False, variant: int | None = None) -> str:
        """A new alert from one of the demo's scenarios, sent now; its identifier. With
        hold, requests for the alert stall until `self.gate` is released. A variant gets
        a kind of its own ("Crowd Surge #3"), so it is never linked to another report."""
        now = utcnow()
        identifier = f"EW-SYS-{uuid.uuid4().hex[:10]}"
        if hold:
            self.gate = self.server.hold(SOURCE_HOST, self.entry_path(identifier))
        text = replay.templates()[template]
        if variant is not None:
            text = re.sub(r"<event>([^<]*)</event>", rf"<event>\1 #{variant}</event>", text)
        alert = replay.Replayed(identifier, now, now + timedelta(hours=1), text)
        self.server.put(SOURCE_HOST, self.entry_path(identifier), replay.render(alert))
        self.alerts.append(alert)
        self._publish()
        return identifier

    def fetched_at(self, identifier: str) -> float | None:
        """When the poller had the whole alert document (time.monotonic)."""
        done = [r.get("done") for r in self.server.requests_to(self.entry_path(identifier))]
        return min((d for d in done if d is not None), default=None)

    def index_fetches(self) -> list[float]:
        return [r["at"] for r in self.server.requests_to(self.INDEX)]

    def break_with(self, status: int, body: bytes, headers: dict | None = None) -> None:
        """Answer every index request with this (a 500, garbage) until healed."""
        self.fault = (status, body, headers or {})
        self._publish()

    def hang(self) -> None:
        """Accept index requests and never answer them, until healed."""
        self.gate = self.server.hold(SOURCE_HOST, self.INDEX)

    def heal(self) -> None:
        self.fault = None
        if self.gate is not None:
            self.server.gates.clear()
            self.gate[1].set()
            self.gate = None
        self._publish()

    def _publish(self) -> None:
        if self.fault is not None:
            status, body, headers = self.fault
            self.server.put(SOURCE_HOST, self.INDEX, body, status, headers)
            return
        body = replay.atom_index(
            self.alerts, self.url, lambda ident: self.server.base_url + self.entry_path(ident)
        )
        headers = {"Content-Type": "application/atom+xml"}
        self.server.put(SOURCE_HOST, self.INDEX, body, headers=headers)

    def stop(self) -> None:
        self.server.stop()


class LiveClient:
    """A real Socket.IO client on /live: joins an event and keeps every delta it is sent."""

    def __init__(self, url: str, token: str, event_id: int, since: int | None = None) -> None:
        self.url, self.event_id, self.since = url, event_id, since
        self.deltas: list[dict] = []
        self.arrivals: list[float] = []  # time.monotonic() of each delta, as received
        self.snapshots = 0
        self.snapshot_seq: int | None = None
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("delta", self._delta, namespace="/live")
        self.sio.on("snapshot", self._snapshot, namespace="/live")
        self.sio.connect(url, namespaces=["/live"], transports=["websocket"], auth={"token": token})
        join = {"event_id": event_id} | ({"since": since} if since is not None else {})
        answer = self.sio.call("join", join, namespace="/live", timeout=15)
        assert answer and answer.get("ok"), answer

    def _delta(self, delta: dict) -> None:
        with self.lock:
            self.deltas.append(delta)
            self.arrivals.append(time.monotonic())

    def _snapshot(self, snapshot: dict) -> None:
        with self.lock:
            self.snapshots += 1
            self.snapshot_seq = snapshot.get("seq")

    def seqs(self) -> list[int]:
        with self.lock:
            return [d["seq"] for d in self.deltas]

    def of_kind(self, kind: str) -> list[dict]:
        with self.lock:
            return [d for d in self.deltas if d["kind"] == kind]

    def close(self) -> None:
        self.sio.disconnect()


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def seed(url: str, sources: list[AlertSource]) -> dict:
    """Migrate, then add an event with its zones, a commander's token and one feed a source."""
    engine = create_engine(url)
    upgrade_database(engine)
    with Session(engine) as session:
        event = make_event(session, reach_rules=[])
        make_fixture_zones(session, event)
        feeds = [
            FeedSource(name=f"CAP {n}", kind="cap-atom", url=s.url, interval_s=1, event_id=event.id)
            for n, s in enumerate(sources)
        ]
        session.add_all(feeds)
        session.commit()
        token = make_token(session, "commander", "incident-commander")
        world = {"event_id": event.id, "feed_ids": [f.id for f in feeds], "token": token}
    return world | {"engine": engine, "url": url}
