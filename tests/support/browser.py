"""The app as a user starts it (`python app.py`), and helpers to drive it in Chromium."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEW_PASSWORD = "lakefront-command-2027"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoServer:
    """`python app.py` (or another command that serves, `eventwatch run`) in a fresh
    instance folder, its console read for the password."""

    def __init__(self, instance: Path, command: list[str] | None = None) -> None:
        self.instance = instance
        self.port = free_port()
        env = {
            **os.environ,
            "INSTANCE_PATH": str(instance),
            "PORT": str(self.port),
            "DEMO_STEP_S": "4",
            "DEMO_POLL_S": "2",
        }
        env.pop("DATABASE_URL", None)
        self.proc = subprocess.Popen(
            command or [sys.executable, "app.py"],
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.output: list[str] = []
        self.password: str | None = None
        threading.Thread(target=self._read, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)
            found = re.search(r"one-time password: (\S+)", line)
            if found:
                self.password = found.group(1)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("the app exited:\n" + "".join(self.output))
            if self.password and _listening(self.port):
                return
            time.sleep(0.2)
        raise AssertionError("the app did not start:\n" + "".join(self.output))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def flask_cli(server: DemoServer, *args: str) -> str:
    """`flask --app app ARGS` on a running demo's instance folder; its last line of output."""
    env = {"INSTANCE_PATH": str(server.instance), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def wait_until(page, expression: str, timeout: float = 10) -> None:
    """Poll a page expression from Python: the page's CSP (rightly) forbids the eval that
    Playwright's wait_for_function needs."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout}s: {expression}")
        page.wait_for_timeout(200)


def first_login(page, server: DemoServer) -> None:
    """Log in as the admin with the printed one-time password, and choose a new one."""
    page.goto(server.url + "/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/password")  # the one-time password was spent: not asked again
    page.fill("input[name=new]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(server.url + "/")


def insert_threats(instance: Path, threats: list[dict]) -> list[int]:
    """Open threats written straight into a running demo's database (event 1); their ids.
    Each dict needs a title and a point; the rest has defaults."""
    from shapely.geometry import Point
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from common.times import utcnow
    from threats.models import Threat

    engine = create_engine(f"sqlite:///{instance / 'eventwatch.db'}")
    defaults = {"event_id": 1, "kind": "Lost child", "category": "Safety", "status": "new"}
    defaults |= {"severity": "moderate", "source": "desk", "zone_ids": []}
    with Session(engine) as session:
        rows = []
        for n, fields in enumerate(threats):
            at = fields.pop("at", utcnow())
            where = Point(*fields.pop("point"))
            row = Threat(**(defaults | {"source_id": f"DESK-{n:04d}"} | fields), geometry=where)
            row.sent_at = row.first_seen = row.updated_at = at
            rows.append(row)
        session.add_all(rows)
        session.commit()
        ids = [row.id for row in rows]
    engine.dispose()
    return ids
