"""The README's first command, watched in headless Chromium: log in, see the lakefront,
and see a threat marker arrive on the open command page without a reload."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import required_in_ci

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

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoServer:
    """`python app.py` in a fresh instance folder, its console read for the password."""

    def __init__(self, instance: Path) -> None:
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
            [sys.executable, "app.py"],
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


def wait_until(page, expression: str, timeout: float = 10) -> None:
    """Poll a page expression from Python: the page's CSP (rightly) forbids the eval that
    Playwright's wait_for_function needs."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout}s: {expression}")
        page.wait_for_timeout(200)


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        required_in_ci(f"Debian's chromium is not installed at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_server(tmp_path):
    server = DemoServer(tmp_path / "instance")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def first_login(page, server: DemoServer) -> None:
    """Log in as the admin with the printed one-time password, and choose a new one."""
    page.goto(server.url + "/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/password")
    page.fill("input[name=current]", server.password)
    page.fill("input[name=new]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(server.url + "/")


def test_a_marker_arrives_on_the_open_command_page(chromium, demo_server, tmp_path):
    page = chromium.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    first_login(page, demo_server)
    assert "Chicago Air and Water Show" in page.inner_text("main")

    page.click("text=Command view")
    wait_until(page, "window.eventwatch && window.eventwatch.lastSeq() !== null")
    assert page.evaluate("window.eventwatch.zoneCount()") >= 8
    before = page.evaluate("window.eventwatch.lastSeq()")
    wait_until(
        page,
        f"window.eventwatch.lastSeq() > {before} && window.eventwatch.threatCount() > 0",
        timeout=30,
    )
    page.wait_for_selector("#threat-list li.threat")
    assert page.is_hidden("#stale")
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    page.screenshot(path=str(tmp_path / "command.png"))

    hosts = {urlsplit(url).netloc for url in requested if not url.startswith("data:")}
    assert hosts == {f"127.0.0.1:{demo_server.port}"}, hosts


def test_a_planner_draws_a_zone_on_the_map_and_it_is_measured(chromium, demo_server):
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    first_login(page, demo_server)
    page.click("text=Chicago Air and Water Show")
    rows_before = page.locator("#zones tbody tr").count()
    page.click(".leaflet-draw-draw-rectangle")
    box = page.locator(".plan-map .folium-map").bounding_box()
    x, y = box["x"] + 60, box["y"] + 60  # the map's west, inland of the lakefront zones
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=5)
    page.mouse.up()
    page.fill("#new-zone-name", "Overflow viewing area")
    page.select_option("#new-zone-kind", "crowd")
    with page.expect_navigation():
        page.click("#new-zone-save")
    assert page.locator("#zones tbody tr").count() == rows_before + 1
    row = page.locator("#zones tbody tr", has_text="Overflow viewing area")
    cells = row.locator("td").all_inner_texts()
    area = float(cells[2].replace(",", ""))
    assert area > 1000 and cells[3] == "2.0"  # measured in m², standing density by default
    assert int(cells[4].replace(",", "")) == pytest.approx(area * 2, abs=2)
