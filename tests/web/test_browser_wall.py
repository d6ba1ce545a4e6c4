"""The demo on its first start and the wall display, as people see them in Chromium: the
command view opens on live coverage (people on duty, zones covered and short), and a wall
display link shows the partners' view in large type with the event's ticking clock, without
a sound button or a sequence number."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.browser import first_login, wait_until

pytestmark = pytest.mark.browser
SHOTS = {"wide": (1600, 1000), "tablet": (768, 1024), "phone": (390, 844)}
COVERED, SHORT = "#2ca02c", "#ff9f1a"


def shoot(page, name: str) -> None:
    """Screenshots at the three sizes people use, when SHOTS_DIR is set."""
    folder = os.environ.get("SHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SHOTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(400)
        page.screenshot(path=f"{folder}/{name}-{size}.png")
    page.set_viewport_size({"width": 1600, "height": 1000})


def fills(page) -> list[str]:
    return page.evaluate(
        """() => [...Array(40).keys()].map((id) => window.eventwatch.zoneFill(id))
                  .filter(Boolean)"""
    )


@pytest.fixture
def commander(chromium, demo_server):
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    first_login(page, demo_server)
    yield page
    context.close()


def test_the_demo_opens_on_live_coverage(commander, demo_server):
    page = commander
    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, "window.eventwatch && window.eventwatch.lastSeq() !== null", timeout=30)
    wait_until(page, "document.querySelectorAll('#staffing-table tbody tr').length > 5")
    colours = fills(page)
    assert COVERED in colours and SHORT in colours, colours  # not a grey field
    on_duty = [
        int(cell)
        for cell in page.eval_on_selector_all(
            "#staffing-table tbody tr td:nth-child(3)", "cells => cells.map(c => c.textContent)"
        )
        if cell.strip().isdigit()
    ]
    assert sum(on_duty) > 50
    # The command view links to the wall displays and the GIS feeds.
    assert page.get_by_role("link", name="Wall displays").is_visible()
    assert page.get_by_role("link", name="GIS feeds").is_visible()
    shoot(page, "command-first-start")


def test_a_wall_display_has_large_type_and_the_event_clock(commander, demo_server, chromium):
    page = commander
    page.goto(demo_server.url + "/events/1/command")
    page.get_by_role("link", name="Wall displays").click()
    page.fill("input[name=label]", "Sheriff's EOC <b>wall 2</b>")
    page.click("form.inline-form button")
    url = page.inner_text("#new-wall-url").strip()
    assert "Sheriff's EOC <b>wall 2</b>" in page.inner_text("table.list")  # shown as text
    shoot(page, "walls")

    screen = chromium.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    screen.goto(url)  # no login: the link is the key
    wait_until(screen, "window.eventwatch && window.eventwatch.threatCount() > 0", timeout=40)
    assert screen.locator("#mute").count() == 0
    assert not screen.locator("#live-seq").is_visible()
    assert screen.locator("#checkin").count() == 0
    first = screen.inner_text("#wall-clock")
    screen.wait_for_timeout(1600)
    second = screen.inner_text("#wall-clock")
    assert re.fullmatch(r"\d\d:\d\d:\d\d", second) and second != first  # it ticks
    chicago = datetime.now(UTC).astimezone(ZoneInfo("America/Chicago"))
    shown = datetime.combine(chicago.date(), datetime.strptime(second, "%H:%M:%S").time())
    gap = abs(shown - chicago.replace(tzinfo=None))
    assert min(gap, timedelta(days=1) - gap) < timedelta(seconds=5)  # the event's time
    assert "America/Chicago" in screen.inner_text(".wall-zone")
    size = screen.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('li.threat')).fontSize)"
    )
    clock = screen.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('wall-clock')).fontSize)"
    )
    assert size >= 22 and clock >= 45, (size, clock)  # read from across the room
    shoot(screen, "wall")
    screen.context.close()


# Counts every AudioContext the page makes (the only way alarm.js makes a sound).
COUNT_SOUNDS = """
window.soundsStarted = 0;
const Real = window.AudioContext || window.webkitAudioContext;
if (Real) {
  window.AudioContext = class extends Real {
    constructor(...args) { super(...args); window.soundsStarted += 1; }
  };
  window.webkitAudioContext = window.AudioContext;
}
"""


def test_a_wall_display_stays_silent_when_a_severe_threat_arrives(commander, demo_server, chromium):
    """A wall has no mute button, so it makes no sound at all; the command view beeps."""
    page = commander
    page.goto(demo_server.url + "/events/1/walls")
    page.fill("input[name=label]", "Lobby wall")
    page.click("form.inline-form button")
    url = page.inner_text("#new-wall-url").strip()
    page.context.add_init_script(COUNT_SOUNDS)
    page.goto(demo_server.url + "/events/1/command")
    screen_context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    screen_context.add_init_script(COUNT_SOUNDS)
    screen = screen_context.new_page()
    screen.goto(url)
    for viewer in (page, screen):
        wait_until(viewer, "window.eventwatch && window.eventwatch.lastSeq() !== null", timeout=30)
    # The demo's next severe alert reaches both: a banner on each, a beep only at the desk.
    wait_until(screen, "window.eventwatch.alarms().length > 0", timeout=90)
    wait_until(page, "window.eventwatch.alarms().length > 0", timeout=30)
    assert screen.locator("#flash").is_visible()
    assert page.evaluate("window.soundsStarted") >= 1  # the count sees the desk's beep
    assert screen.evaluate("window.soundsStarted") == 0
    shoot(screen, "wall-severe")
    screen_context.close()
