"""Two commanders in two browsers on the demo server: one acknowledges, the other sees it;
a cut socket shows the banner and catches up in order; a check-out recolours the zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.support.browser import first_login, flask_cli, wait_until

pytestmark = pytest.mark.browser
PASSWORD = "second-commander-2027"
GREEN, RED = "#2ca02c", "#d62728"


@pytest.fixture
def two_commanders(chromium, demo_server):
    first = chromium.new_context(viewport={"width": 1400, "height": 900})
    page_a = first.new_page()
    first_login(page_a, demo_server)
    flask_cli(
        demo_server, "users", "create", "cmdr2", "--role", "commander", "--password", PASSWORD
    )
    second = chromium.new_context(viewport={"width": 1400, "height": 900})
    page_b = second.new_page()
    page_b.goto(demo_server.url + "/login")
    page_b.fill("input[name=username]", "cmdr2")
    page_b.fill("input[name=password]", PASSWORD)
    page_b.click("button[type=submit]")
    page_b.wait_for_url(demo_server.url + "/")
    for page in (page_a, page_b):
        page.goto(demo_server.url + "/events/1/command")
        wait_until(page, "window.eventwatch && window.eventwatch.lastSeq() !== null")
    yield page_a, page_b
    first.close()
    second.close()


def test_one_commander_acknowledges_and_the_other_sees_it(two_commanders):
    page_a, page_b = two_commanders
    wait_until(page_a, "window.eventwatch.threatCount() > 0", timeout=30)
    item = page_a.locator("#threat-list li.threat").first
    threat_id = int(item.get_attribute("data-threat-id"))
    wait_until(page_b, f"window.eventwatch.threatStatus({threat_id}) === 'new'", timeout=10)
    item.locator("button", has_text="Acknowledge").click()
    wait_until(page_b, f"window.eventwatch.threatStatus({threat_id}) === 'acknowledged'")
    row = page_b.locator(f'#threat-list li[data-threat-id="{threat_id}"]')
    assert "acknowledged" in row.inner_text()


def test_a_cut_socket_shows_the_banner_then_every_missed_delta_in_order(two_commanders):
    page_a, page_b = two_commanders
    assert page_b.is_hidden("#stale")
    page_b.evaluate("""() => { const s = window.eventwatch.socket();
        s.io.reconnection(false); s.io.engine.close(); }""")
    wait_until(page_b, "!document.getElementById('stale').hidden")
    before = page_b.evaluate("window.eventwatch.lastSeq()")
    # The demo feed keeps publishing: wait until the connected page is ahead by a few.
    wait_until(page_a, f"window.eventwatch.lastSeq() >= {before} + 3", timeout=40)
    page_b.evaluate("""() => { const s = window.eventwatch.socket();
        s.io.reconnection(true); s.connect(); }""")
    wait_until(page_b, "document.getElementById('stale').hidden")
    target = page_a.evaluate("window.eventwatch.lastSeq()")
    wait_until(page_b, f"window.eventwatch.lastSeq() >= {target}")
    applied = page_b.evaluate("window.eventwatch.applied()")
    after = [s for s in applied if s > before]
    assert after == list(range(before + 1, after[-1] + 1))  # every one, once, in order


def test_a_person_checks_out_and_the_zone_changes_colour(two_commanders, demo_server):
    page_a, page_b = two_commanders
    token = flask_cli(demo_server, "tokens", "create", "admin")
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    base = f"{demo_server.url}/api/v1/events/1"
    zones = [f["properties"] for f in http.get(f"{base}/zones").json()["features"]]
    zone = next(z for z in zones if z["kind"] == "airspace")  # the demo staffs no airspace
    now = datetime.now(UTC)
    shift = http.post(
        f"{base}/shifts",
        json={
            "name": "Right now",
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
        },
    ).json()
    person = http.post(
        f"{demo_server.url}/api/v1/personnel",
        json={"name": "Dana Reyes", "agency": "Chicago PD", "roles": ["patrol_officer"]},
    ).json()
    http.post(f"{base}/people", json={"person_ids": [person["id"]]})
    http.post(
        f"{base}/requirements",
        json=[
            {
                "zone_id": zone["id"],
                "shift_id": shift["id"],
                "role": "patrol_officer",
                "required": 1,
            }
        ],
    )
    http.post(
        f"{base}/assignments",
        json={
            "person_id": person["id"],
            "zone_id": zone["id"],
            "shift_id": shift["id"],
            "role": "patrol_officer",
        },
    )
    assert http.post(f"{base}/checkins", json={"person_id": person["id"], "action": "in"}).ok
    wait_until(page_b, f"window.eventwatch.zoneFill({zone['id']}) === '{GREEN}'")
    page_a.reload()  # the check-in panel lists people known when the page loaded
    wait_until(page_a, "window.eventwatch && window.eventwatch.lastSeq() !== null")
    wait_until(page_a, "document.querySelectorAll('#people option').length > 0")
    page_a.fill("#checkin-person", "Dana Reyes · Chicago PD")
    page_a.click("#checkin button[data-action=out]")
    wait_until(
        page_a, "document.getElementById('checkin-message').textContent.includes('off duty')"
    )
    wait_until(page_b, f"window.eventwatch.zoneFill({zone['id']}) === '{RED}'")
