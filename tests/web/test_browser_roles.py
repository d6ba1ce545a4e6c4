"""A planner's desk in Chromium: add a role with its labels, import a roster into an event
(one mistyped role refused, the nearest suggested), make people from the shared roster
available, auto-assign, and read why places are still empty, where the button was pressed."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.support.browser import first_login, flask_cli, wait_until
from tests.support.shapes import SQUARE

pytestmark = pytest.mark.browser
SIZES = {"wide": (1600, 1000), "tablet": (768, 1024), "phone": (390, 844)}
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">Warden"
ROSTER = """name,agency,unit,roles,badge,phone
Ana Ruiz,Harbour Stewards,North,crowd_manager,H1,
Ben Cole,Harbour Stewards,North,Crowd manager,H2,
Cy Dunn,Harbour Stewards,South,crowd manager,H3,
Dee Park,Harbour Stewards,South,Gestionnaire de foule,H4,
Eli Moss,Harbour Stewards,South,Traffic warden,H5,
Fay Lu,Harbour Stewards,South,bike tem,H6,
"""
SHORT = (
    "Crowd manager: 102 required in shift Saturday day, 4 available to this event, "
    "4 assigned; 0 blocked by rest (8 h), 0 by max hours (12 h), 0 by overlap; short 98"
)


@pytest.fixture
def desk(chromium, demo_server, tmp_path):
    """The admin (who may plan) logged in, and a new event with one zone, one operational
    period and 102 crowd managers required, made through the API."""
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    first_login(page, demo_server)
    token = flask_cli(demo_server, "tokens", "create", "admin")

    def api(method, path, body):
        answer = requests.request(
            method,
            f"{demo_server.url}/api/v1{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    event = api("POST", "/events", {"name": "Harbour Fest", "timezone": "America/Chicago",
                                    "starts_at": "2027-07-10T08:00:00",
                                    "ends_at": "2027-07-10T22:00:00"})["id"]  # fmt: skip
    feature = {
        "type": "Feature",
        "geometry": SQUARE,
        "properties": {"name": "Pier", "kind": "crowd"},
    }
    zone = api("POST", f"/events/{event}/zones", feature)["id"]
    day = {"name": "Saturday day", "starts_at": "2027-07-10T09:00:00"}
    shift = api("POST", f"/events/{event}/shifts", day | {"ends_at": "2027-07-10T17:00:00"})["id"]
    need = {"zone_id": zone, "shift_id": shift, "role": "crowd_manager", "required": 102}
    api("POST", f"/events/{event}/requirements", [need])
    page.api, page.zone = api, zone
    page.shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    page.shots.mkdir(parents=True, exist_ok=True)
    yield page, demo_server.url, event, tmp_path
    context.close()


def shoot(page, name: str, *, fits: bool = True) -> None:
    """The page at three widths, where it is scrolled now; a page that `fits` never scrolls
    sideways (a printable form keeps its paper's width)."""
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # laid out again at the new width
        page.screenshot(path=str(page.shots / f"{name}-{size}.png"))
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert not fits or wide <= width + 1, (name, size, wide)
    page.set_viewport_size({"width": 1600, "height": 1000})


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and 0 <= box["y"] < size["height"] and box["x"] < size["width"]


def test_a_planner_adds_a_role_imports_people_and_reads_why_places_are_empty(desk):
    page, url, event, tmp_path = desk
    page.goto(url + "/roles")
    page.fill("#new-role input[name=label_en]", "Traffic warden")
    page.fill("#new-role input[name=label_ar]", "مراقب المرور")
    page.fill("#new-role input[name=label_es]", "Agente de tráfico")
    page.fill("#new-role input[name=label_fr]", "Agent de circulation")
    page.click("#new-role button")
    assert "Added the role Traffic warden (traffic_warden)." in page.inner_text(".flash.info")
    card = page.locator("#role-traffic_warden")
    assert card.locator("input[name=label_fr]").input_value() == "Agent de circulation"
    card.locator("input[name=label_en]").fill(HOSTILE)  # renamed: markup stays text
    card.locator("button").click()
    assert page.locator("#role-traffic_warden h3").inner_text().startswith(HOSTILE)
    card = page.locator("#role-traffic_warden")
    card.locator("input[name=label_en]").fill("Traffic warden")
    card.locator("button").click()
    page.locator("#role-traffic_warden").scroll_into_view_if_needed()
    shoot(page, "roles")

    page.goto(f"{url}/events/{event}#people")
    assert "No one is available to this event yet" in page.inner_text("#people")
    roster = tmp_path / "harbour.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    page.set_input_files("#people-import input[type=file]", str(roster))
    page.click("#people-import button")
    report = page.inner_text("#people-report")
    assert "5 added, 0 updated, 1 refused; 5 available to the event" in report
    assert "unknown role 'bike tem' on line 7: did you mean Bike team (bike_team)?" in report
    wait_until(page, "document.activeElement.id === 'people-report'")
    assert in_viewport(page, "#people-report td >> nth=1")  # the refusal is on screen, not above it
    assert "People available to this event (5)" in page.inner_text("#people h2")
    assert "Traffic warden" in page.inner_text("#people table.event-people")
    shoot(page, "event-people")

    coast_guard = page.locator(
        "#people-add select[name=person_id] optgroup[label='U.S. Coast Guard'] option"
    )
    picked = coast_guard.first.inner_text().split(" · ")[0]
    page.select_option(
        "#people-add select[name=person_id]", coast_guard.first.get_attribute("value")
    )
    page.click("#people-add button")
    assert "1 person is now available to this event." in page.inner_text(".flash.info")
    assert picked in page.inner_text("#people table.event-people")

    page.click("#gaps button:has-text('Auto-assign every period')")
    page.wait_for_selector("#auto-report")
    report = page.locator("#auto-report")
    assert "4 new assignments; 4 of 102 required places filled" in report.inner_text()
    assert SHORT in report.inner_text()
    wait_until(page, "document.activeElement.id === 'auto-report'")
    assert in_viewport(page, "#auto-report li")  # on screen: the page did not jump away
    assert "Crowd manager" in page.inner_text("#gaps table")  # labels, not codes
    shoot(page, "auto-report")
    assert page.dialogs == [] and page.title() != "pwned"


def test_roles_read_in_the_readers_language_right_to_left_too(desk):
    page, url, _event, _ = desk
    page.goto(url + "/roles")
    with page.expect_navigation():
        page.select_option("select[name=locale]", "fr")
    assert "Équipe cycliste" in page.inner_text("#role-bike_team h3")
    page.goto(f"{url}/events/1?shift=3#gaps")
    assert "Agent de patrouille" in page.inner_text("#gaps table")  # the demo's show period
    assert "patrol_officer" not in page.inner_text("#gaps table")
    with page.expect_navigation():
        page.select_option("select[name=locale]", "ar")
    page.goto(url + "/roles")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "فريق الدراجات" in page.inner_text("#role-bike_team h3")
    shoot(page, "roles-ar")
    page.goto(url + "/personnel")
    assert "ضابط دورية" in page.inner_text("table.list")  # the demo roster's roles, by label
    shoot(page, "personnel-ar")
    with page.expect_navigation():
        page.select_option("select[name=locale]", "en")
    page.goto(url + "/personnel")
    assert "Patrol officer" in page.inner_text("table.list")
    shoot(page, "personnel")
    page.goto(f"{url}/api/v1/events/1/exports/ics204?shift=3")
    assert "Patrol officer" in page.inner_text("body")
    shoot(page, "ics204", fits=False)


def test_the_command_view_says_as_what_someone_checked_in(desk):
    """A demo officer posted to the event's Pier in a period in force now checks in."""
    page, url, event, _ = desk
    now = datetime.now(UTC)
    when = {"starts_at": (now - timedelta(hours=1)).isoformat()}
    shift = page.api("POST", f"/events/{event}/shifts", {"name": "Now"} | when | {
        "ends_at": (now + timedelta(hours=3)).isoformat()})["id"]  # fmt: skip
    officer = next(
        p for p in page.api("GET", "/personnel", None)["personnel"]
        if p["roles"] == ["patrol_officer"]
    )  # fmt: skip
    page.api("POST", f"/events/{event}/people", {"person_ids": [officer["id"]]})
    post = {"person_id": officer["id"], "zone_id": page.zone, "shift_id": shift}
    page.api("POST", f"/events/{event}/assignments", post | {"role": "patrol_officer"})
    page.goto(f"{url}/events/{event}/command")
    wait_until(page, "document.querySelectorAll('#people option').length > 0", timeout=30)
    label = page.evaluate(
        f"[...document.querySelectorAll('#people option')].map(o => o.value)"
        f".find(v => v.includes({officer['badge']!r}))"
    )
    page.fill("#checkin-person", label)
    page.click("#checkin button[data-action=in]")
    wait_until(page, "document.getElementById('checkin-message').textContent.includes('officer')")
    assert page.inner_text("#checkin-message").endswith(" · Patrol officer")
    page.locator("#checkin").scroll_into_view_if_needed()
    shoot(page, "command-checkin", fits=False)  # the command view's phone layout: item 13
