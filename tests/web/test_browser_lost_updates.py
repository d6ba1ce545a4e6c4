"""The pages' own writes name the version they show (If-Match): a commander acting on a
threat that another commander changed meanwhile, or a planner reshaping a zone that another
planner changed, is told so, and the other's change stands."""

from __future__ import annotations

import pytest
import requests

from tests.support.browser import first_login, flask_cli, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(chromium, demo_server):
    """The admin's page (admins act as commanders and planners), and another's API token."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    first_login(page, demo_server)
    token = flask_cli(demo_server, "tokens", "create", "admin")
    dialogs: list[str] = []

    def answer(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    yield page, token, dialogs
    context.close()


def other(demo_server, token: str, method: str, path: str, body=None) -> dict:
    """Another commander or planner, through the API, with no If-Match (as old clients)."""
    answer = requests.request(
        method,
        f"{demo_server.url}/api/v1/events/1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_commander_dismissing_a_threat_someone_assigned_meanwhile_is_stopped(desk, demo_server):
    page, token, dialogs = desk
    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, "window.eventwatch && window.eventwatch.threatCount() > 0", timeout=30)
    threat_id = int(page.locator("#threat-list li.threat").first.get_attribute("data-threat-id"))
    row = page.locator(f'#threat-list li[data-threat-id="{threat_id}"]')
    # This page stops hearing of changes (as over a bad link), then someone assigns it.
    page.evaluate("""() => { const s = window.eventwatch.socket();
        s.io.reconnection(false); s.io.engine.close(); }""")
    wait_until(page, "!document.getElementById('stale').hidden")
    other(demo_server, token, "PATCH", f"/threats/{threat_id}",
          {"status": "assigned", "assignee": "Bike 18"})  # fmt: skip
    assert "Bike 18" not in row.inner_text()  # the page still shows it as it was
    row.locator("button", has_text="Dismiss").click()  # asks why, then sends the change
    page.fill("dialog.ask input", "false alarm")
    page.click("dialog.ask button.confirm")
    for _ in range(50):
        if not dialogs:
            page.wait_for_timeout(100)
    assert len(dialogs) == 1 and "changed after you read it" in dialogs[0], dialogs
    now = other(demo_server, token, "GET", f"/threats/{threat_id}")["properties"]
    assert (now["status"], now["assignee"]) == ("assigned", "Bike 18")


def test_a_planner_reshaping_a_zone_someone_changed_meanwhile_is_stopped(desk, demo_server):
    page, token, dialogs = desk
    page.goto(demo_server.url + "/events/1")
    page.wait_for_selector("#zones tbody tr")
    zone = page.evaluate("window.eventwatch.zones.getLayers()[0].feature.properties.id")
    other(demo_server, token, "PATCH", f"/zones/{zone}", {"notes": "gate 3 shut"})
    with page.expect_navigation():  # the page reloads after telling the planner
        page.evaluate(
            """(zone) => {
            const { map, zones } = window.eventwatch;
            const layer = zones.getLayers().find((l) => l.feature.properties.id === zone);
            const moved = layer.getLatLngs()[0].map((p) => window.L.latLng(p.lat + 0.001, p.lng));
            layer.setLatLngs([moved]);
            map.fire("draw:edited", { layers: window.L.layerGroup([layer]) });
        }""",
            zone,
        )
    assert len(dialogs) == 1 and "changed after you read it" in dialogs[0], dialogs
    now = other(demo_server, token, "GET", f"/zones/{zone}")
    assert now["properties"]["notes"] == "gate 3 shut"
