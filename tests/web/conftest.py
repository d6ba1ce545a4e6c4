"""Browser fixtures: Debian's Chromium through Playwright, and the demo server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DemoServer
from tests.support.ci import required_in_ci


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
