"""The README's first command, watched in headless Chromium: log in, see the lakefront,
and see a threat marker arrive on the open command page without a reload."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.browser import first_login, wait_until

pytestmark = pytest.mark.browser


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
    page.wait_for_url("**/events/1")
    page.wait_for_selector("#zones tbody tr")
    rows_before = page.locator("#zones tbody tr").count()
    assert rows_before >= 8
    page.click(".leaflet-draw-draw-rectangle")
    box = page.locator(".plan-map .event-map").bounding_box()
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
