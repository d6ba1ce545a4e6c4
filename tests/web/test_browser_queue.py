"""The command page with more open threats than the snapshot carries titles for: every
threat is a marker, and every row of the queue shows its own title, also after the newest
close and older threats, whose words the snapshot left out, move up into the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from common.times import utcnow
from maps.compact import RECENT
from tests.support.browser import first_login, flask_cli, insert_threats, wait_until

pytestmark = pytest.mark.browser
SEEDED = RECENT + 60


def seed_threats(instance, count: int) -> None:
    """Open threats in the running demo, a minute apart, the newest a minute ago."""
    now = utcnow()
    rows = [
        {
            "title": f"Lost child report {n:03d}",
            "point": (-87.6245 + n * 1e-5, 41.9112),
            "at": now - timedelta(minutes=count - n),
        }
        for n in range(count)
    ]
    insert_threats(instance, rows)


def queue_mismatches(page, titles: dict[str, str]) -> list:
    return page.evaluate(
        """(titles) => [...document.querySelectorAll('#threat-list li.threat')]
            .map((li) => [li.dataset.threatId, li.querySelector('.title').textContent])
            .filter(([id, shown]) => titles[id] !== undefined && titles[id] !== shown)""",
        titles,
    )


def test_every_queue_row_shows_its_title_beyond_the_snapshots_words(chromium, demo_server):
    seed_threats(demo_server.instance, SEEDED)
    http = requests.Session()
    http.headers["Authorization"] = "Bearer " + flask_cli(demo_server, "tokens", "create", "admin")
    base = f"{demo_server.url}/api/v1/events/1/threats"
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    first_login(page, demo_server)
    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, f"window.eventwatch && window.eventwatch.threatCount() >= {SEEDED}", 30)
    seeded = [
        f["properties"]
        for f in http.get(base, params={"status": "new"}).json()["features"]
        if (f["properties"]["source_id"] or "").startswith("DESK-")
    ]
    titles = {str(p["id"]): p["title"] for p in seeded}
    assert len(titles) == SEEDED
    for _ in range(50):  # until the page's fetch of missing words (if any) has landed
        if not queue_mismatches(page, titles):
            break
        page.wait_for_timeout(200)
    assert queue_mismatches(page, titles) == []
    newest = sorted(seeded, key=lambda p: p["updated_at"])[-200:]
    for threat in newest:  # the queue's whole first page closes
        http.patch(f"{base}/{threat['id']}", json={"status": "dismissed", "note": "duplicate"})
    last = newest[0]["id"]
    wait_until(page, f"window.eventwatch.threatStatus({last}) === null", 30)
    oldest_listed = page.evaluate(
        "Math.min(...[...document.querySelectorAll('#threat-list li.threat')]"
        ".map((li) => Number(li.dataset.threatId)))"
    )
    assert oldest_listed < min(int(i) for i in titles) + SEEDED - RECENT  # beyond the words
    wait_until(page, "document.querySelectorAll('#threat-list li.threat').length > 100")
    for _ in range(50):
        if not queue_mismatches(page, titles):
            break
        page.wait_for_timeout(200)
    assert queue_mismatches(page, titles) == []
    row = page.locator(f'#threat-list li[data-threat-id="{oldest_listed}"]')
    row.click()
    detail = page.locator("#threat-detail h3")
    detail.wait_for()
    assert detail.inner_text() == titles[str(oldest_listed)]
    context.close()


def test_a_partner_sees_every_marker_and_no_withheld_words(chromium, demo_server):
    seed_threats(demo_server.instance, 40)
    password = "partner-liaison-2027"
    flask_cli(demo_server, "users", "create", "isp", "--role", "partner", "--password", password)
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(demo_server.url + "/login")
    page.fill("input[name=username]", "isp")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(demo_server.url + "/")
    page.goto(demo_server.url + "/events/1")  # the plan: a partner is sent to the shared view
    page.wait_for_url("**/events/1/shared")
    wait_until(page, "window.eventwatch && window.eventwatch.threatCount() >= 40", 30)
    queue = page.inner_text("#threat-list")
    assert "Lost child" in queue  # the kind, which partners may see
    assert "Lost child report" not in page.content()  # the titles, which they may not
    context.close()
