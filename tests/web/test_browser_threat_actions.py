"""A commander's questions before a threat changes are asked in the page: Cancel, Escape or
a click beside the box change nothing (the browser's prompt() once answered Cancel by
closing the threat all the same); answered, the change is made with its note."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from tests.support.browser import first_login, flask_cli, wait_until

pytestmark = pytest.mark.browser
SHOTS = {"wide": (1600, 1000), "tablet": (768, 1024), "phone": (390, 844)}


@pytest.fixture
def command(chromium, demo_server):
    """The admin's command view of the demo (admins act as commanders), an API token to
    read threats back as another client, and every browser dialog seen (none expected)."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    first_login(page, demo_server)
    token = flask_cli(demo_server, "tokens", "create", "admin")
    page.native_dialogs = []
    page.on("dialog", lambda d: (page.native_dialogs.append(d.message), d.dismiss()))
    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, "window.eventwatch && window.eventwatch.threatCount() > 0", timeout=30)
    yield page, token
    context.close()


def threat(demo_server, token: str, threat_id: int) -> dict:
    answer = requests.get(
        f"{demo_server.url}/api/v1/events/1/threats/{threat_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["properties"]


def first_row(page):
    row = page.locator("#threat-list li.threat").first
    return row, int(row.get_attribute("data-threat-id"))


@pytest.mark.parametrize("action", ["Resolve", "Dismiss", "Assign"])
def test_cancel_escape_or_a_click_beside_the_question_changes_nothing(command, demo_server, action):
    page, token = command
    row, threat_id = first_row(page)
    before = threat(demo_server, token, threat_id)
    for way_out in ("cancel", "escape", "backdrop"):
        row.locator("button", has_text=action).click()
        page.wait_for_selector("dialog.ask[open]")
        if way_out == "cancel":
            page.click("dialog.ask button.cancel")
        elif way_out == "escape":
            page.keyboard.press("Escape")
        else:
            page.mouse.click(5, 5)  # the backdrop, outside the box
        page.wait_for_selector("dialog.ask", state="detached")
    page.wait_for_timeout(500)  # a change, had one been sent, would be stored by now
    after = threat(demo_server, token, threat_id)
    assert (after["status"], after["assignee"]) == (before["status"], before["assignee"])
    assert page.native_dialogs == []  # no browser prompt, alert or confirm


def test_a_dismissal_answered_is_made_with_its_reason(command, demo_server, tmp_path):
    page, token = command
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)  # SHOTS_DIR: to look at them
    row, threat_id = first_row(page)
    row.locator("button", has_text="Dismiss").click()
    question = page.locator("dialog.ask[open]")
    assert "Why dismiss?" in question.inner_text()
    for name, (width, height) in SHOTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shots / f"dismiss-question-{name}.png"))
    page.fill("dialog.ask input", "balloon, not a drone")
    page.click("dialog.ask button.confirm")
    wait_until(page, f"!document.querySelector('#threat-list li[data-threat-id=\"{threat_id}\"]')")
    assert threat(demo_server, token, threat_id)["status"] == "dismissed"


def test_assigning_needs_a_name(command, demo_server):
    page, token = command
    row, threat_id = first_row(page)
    row.locator("button", has_text="Assign").click()
    page.fill("dialog.ask input", "")
    page.click("dialog.ask button.confirm")  # the browser holds an empty required field
    assert page.locator("dialog.ask[open]").count() == 1
    page.fill("dialog.ask input", "CPD Bike 18")
    page.click("dialog.ask button.confirm")
    wait_until(page, "!document.querySelector('dialog.ask')")
    for _ in range(50):
        if threat(demo_server, token, threat_id)["assignee"] == "CPD Bike 18":
            break
        page.wait_for_timeout(100)
    assert threat(demo_server, token, threat_id)["status"] == "assigned"


def test_the_detail_says_when_the_source_ends_the_threat(command, demo_server, tmp_path):
    page, token = command
    # The queue lists the longest waiting first: the newest row's source has not ended it.
    row = page.locator("#threat-list li.threat").last
    threat_id = int(row.get_attribute("data-threat-id"))
    expires = threat(demo_server, token, threat_id)["expires_at"]
    assert expires, "the demo's alerts carry <expires>"
    row.locator(".title").click()
    panel = page.locator("#threat-detail")
    panel.wait_for(state="visible")
    ended = datetime.fromisoformat(expires) <= datetime.now(UTC)
    assert (
        "Its source ended it at" if ended else "Its source says it ends at"
    ) in panel.inner_text()
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    page.screenshot(path=str(shots / "detail-expiry-wide.png"))
