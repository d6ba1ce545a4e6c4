"""The command view says why a threat is in its zones and who is on it: the selected threat's
reach (the rule that decided its zones) is drawn dashed and named; Assign picks from the
people and units on duty by typing part of a name; a divert from the check-in form shows in
the threat's detail and as a line on the map; zones carry their names on the map. Names
written in markup (a zone, a person, an event's rule) read as written and run nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from tests.support.browser import first_login, flask_cli, insert_threats, wait_until

pytestmark = pytest.mark.browser
SHOTS = {"wide": (1600, 1000), "tablet": (768, 1024), "phone": (390, 844)}
PACKAGE_M = 1850 * 0.3048  # the NCTC suspicious package cordon, the default rule's reach
ALERT_M = 100  # the demo alert's own circle: "keep 100 metres away"


def marked(field: str) -> str:
    """Markup that sets window.__pwned to the field's name if a browser runs it."""
    run = f"window.__pwned='{field}'"
    return f'{field} <img src=x onerror="{run}"><script>{run}</script>'


class Api:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.headers = url + "/api/v1", {"Authorization": f"Bearer {token}"}

    def __call__(self, method: str, path: str, body=None, status: int = 200) -> dict:
        answer = requests.request(
            method, self.url + path, json=body, headers=self.headers, timeout=10
        )
        assert answer.status_code == status, answer.text
        return answer.json()


@pytest.fixture
def command(chromium, demo_server):
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    first_login(page, demo_server)
    api = Api(demo_server.url, flask_cli(demo_server, "tokens", "create", "admin"))
    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, "window.eventwatch && window.eventwatch.threatCount() > 0", timeout=30)
    yield page, api
    context.close()


def shots_dir(tmp_path) -> Path:
    return Path(os.environ.get("SHOTS_DIR") or tmp_path)  # SHOTS_DIR: to look at them


def shoot(page, tmp_path, name: str) -> None:
    for size, (width, height) in SHOTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots_dir(tmp_path) / f"{name}-{size}.png"))
    page.set_viewport_size({"width": 1400, "height": 900})


def the_package(api: Api) -> int:
    """The demo's first alert, a suspicious package at the beach house, once it is in."""
    for _ in range(100):
        for f in api("GET", "/events/1/threats?status=new,acknowledged,assigned")["features"]:
            if f["properties"]["kind"] == "Suspicious Package":
                return f["id"]
        requests.get(api.url.replace("/api/v1", "/"), timeout=5)  # a beat between reads
    raise AssertionError("the demo's suspicious package never arrived")


def select(page, threat_id: int) -> None:
    page.click(f'#threat-list li.threat[data-threat-id="{threat_id}"] .title')
    page.locator("#threat-detail").wait_for(state="visible")
    wait_until(
        page, "window.eventwatch.reach() || document.querySelector('#threat-detail .reach-rule')"
    )


def test_the_reach_that_decided_the_zones_is_drawn_and_named(command, tmp_path):
    page, api = command
    threat_id = the_package(api)
    props = api("GET", f"/events/1/threats/{threat_id}")["properties"]
    assert props["reach_rule"] == {
        "rule": "suspicious package",
        "metres": round(PACKAGE_M, 1),
        "all_zones": False,
        "zone_kinds": [],
        "origin": "default rule",
    }
    assert len(props["zones"]) > 1  # far more than the 100 m circle touches
    select(page, threat_id)
    wait_until(page, "window.eventwatch.reach()")
    reach = page.evaluate("window.eventwatch.reach()")
    assert reach["label"] == "zones within 564 m (rule: suspicious package)"
    # The alert's 100 m circle buffered by the rule's 564 m, measured from the package.
    nearest, farthest = reach["distances"]
    assert ALERT_M + PACKAGE_M - 8 < nearest <= farthest < ALERT_M + PACKAGE_M + 8
    label = page.locator(".leaflet-tooltip.reach-label")
    assert label.inner_text() == "zones within 564 m (rule: suspicious package)"
    detail = page.locator("#threat-detail .reach-rule").inner_text()
    assert detail == "Zones within 564 m of it: rule “suspicious package” (default rule)."
    shoot(page, tmp_path, "reach-package")
    page.locator("#threat-detail").screenshot(path=str(shots_dir(tmp_path) / "reach-detail.png"))


def test_a_point_threats_reach_is_a_circle_of_the_rules_radius(command, demo_server):
    page, _api = command
    rule = {"rule": marked("rule"), "metres": 250.0, "all_zones": False, "zone_kinds": []}
    rule["origin"] = "event rule"
    [threat_id] = insert_threats(
        demo_server.instance,
        [{"title": "Abandoned bag", "point": (-87.6295, 41.9075), "reach_rule": rule}],
    )
    page.reload()
    wait_until(page, f"window.eventwatch.threatStatus({threat_id}) === 'new'", timeout=30)
    select(page, threat_id)
    wait_until(page, "window.eventwatch.reach()")
    reach = page.evaluate("window.eventwatch.reach()")
    assert reach["radius"] == 250.0
    assert reach["label"] == f"zones within 250 m (rule: {marked('rule')})"
    assert page.locator(".reach-label").inner_text() == reach["label"]
    assert page.locator(".reach-label img, #threat-detail img").count() == 0
    assert "this event's rule" in page.locator("#threat-detail .reach-rule").inner_text()
    assert page.evaluate("window.__pwned === undefined")


def on_duty(api: Api, names: list[str]) -> list[dict]:
    """Check the named people of the demo roster in at their first zone; their records."""
    people = {p["name"]: p for p in api("GET", "/personnel")["personnel"]}
    zone = api("GET", "/events/1/zones")["features"][0]["id"]
    for name in names:
        body = {"person_id": people[name]["id"], "action": "in", "zone_id": zone}
        api("POST", "/events/1/checkins", body, status=201)
    return [people[name] for name in names]


def test_assign_picks_from_the_people_on_duty_by_typing_part_of_a_name(command, tmp_path):
    page, api = command
    roster = api("GET", "/personnel")["personnel"]
    agency = roster[0]["agency"]
    api("POST", "/personnel", {"name": marked("person"), "agency": agency, "roles": ["emt"]}, 201)
    chosen, other = on_duty(api, [roster[0]["name"], roster[5]["name"]])
    on_duty(api, [marked("person")])
    threat_id = the_package(api)
    page.click(f'#threat-list li[data-threat-id="{threat_id}"] button:has-text("Assign")')
    dialog = page.locator("dialog.assign[open]")
    dialog.locator(".choice").first.wait_for()
    # The demo runs now, so its watch is on duty too: the list is everyone GET /duty names.
    duty = api("GET", "/events/1/duty")["people"]
    units = {(p["unit"], p["agency"]) for p in duty if p["unit"]}
    shown, every = dialog.locator(".choice").count(), len(units) + len(duty)
    assert shown == min(every, 50)
    if every > shown:  # a cut list says by how much
        assert dialog.locator(".assign-more").inner_text().startswith(f"{every - shown} more")
    assert {chosen["name"], other["name"], marked("person")} <= {p["name"] for p in duty}
    dialog.locator("input").fill("person <img")
    assert dialog.locator(".choice-name", has_text="person <img").count() == 1  # as text
    typed = chosen["name"].split()[-1][:4].lower()  # part of the surname, lower case
    dialog.locator("input").fill(typed)
    names = dialog.locator(".choice.person .choice-name").all_inner_texts()
    assert chosen["name"] in names and other["name"] not in names
    shoot(page, tmp_path, "assign-list")
    dialog.locator(".choice.person", has_text=chosen["name"]).click()
    assert dialog.locator("input").input_value() == f"{chosen['name']} ({chosen['agency']})"
    dialog.locator("button.confirm").click()
    for _ in range(50):
        props = api("GET", f"/events/1/threats/{threat_id}")["properties"]
        if props["status"] == "assigned":
            break
        page.wait_for_timeout(100)
    assert (props["status"], props["assignee"]) == (
        "assigned",
        f"{chosen['name']} ({chosen['agency']})",
    )
    assert page.evaluate("window.__pwned === undefined")


def test_an_outside_unit_is_assigned_as_typed(command):
    page, api = command
    threat_id = the_package(api)
    page.click(f'#threat-list li[data-threat-id="{threat_id}"] button:has-text("Assign")')
    dialog = page.locator("dialog.assign[open]")
    dialog.locator("input").fill("ATF Chicago Field Division K-9")
    assert dialog.locator(".choice").count() == 0
    assert dialog.get_by_text("Nobody on duty matches").is_visible()
    dialog.locator("button.confirm").click()
    wait_until(page, "!document.querySelector('dialog.assign')")
    for _ in range(50):
        props = api("GET", f"/events/1/threats/{threat_id}")["properties"]
        if props["assignee"]:
            break
        page.wait_for_timeout(100)
    assert props["assignee"] == "ATF Chicago Field Division K-9"


def test_a_divert_shows_on_the_threat_and_on_the_map(command, tmp_path):
    page, api = command
    body = {"name": marked("diverted"), "agency": "Chicago PD", "roles": ["emt"]}
    person = api("POST", "/personnel", body, 201)
    zones = api("GET", "/events/1/zones")["features"]
    oak = next(z for z in zones if z["properties"]["name"] == "Oak Street Beach")
    threat_id = the_package(api)
    page.reload()  # the check-in form lists the roster as the page loaded it
    wait_until(page, f"window.eventwatch.threatStatus({threat_id}) === 'new'", timeout=30)
    select(page, threat_id)
    label = f"{person['name']} · Chicago PD"
    page.fill("#checkin-person", label)
    page.select_option("#checkin-zone", str(oak["id"]))
    page.click("#checkin button[data-action=in]")
    wait_until(page, "document.getElementById('checkin-message').textContent.includes('on duty')")
    page.click("#checkin button[data-action=divert]")
    detail = page.locator("#threat-detail .diverted")
    detail.wait_for()
    said = detail.inner_text()
    assert said.startswith(f"Diverted here: {person['name']} (Chicago PD), ")
    assert "from Oak Street Beach" in said
    wait_until(page, "window.eventwatch.reach() && window.eventwatch.reach().lines.length === 1")
    assert page.evaluate("window.eventwatch.reach().lines") == [person["name"]]
    assert page.locator(".divert-label").inner_text() == f"{person['name']} (Chicago PD)"
    assert page.locator(".divert-label img, #threat-detail img").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    shoot(page, tmp_path, "divert")
    page.locator("#threat-detail").screenshot(path=str(shots_dir(tmp_path) / "divert-detail.png"))


def test_zones_carry_their_names_on_the_map_as_text(command, tmp_path):
    page, api = command
    ring = [[-87.645, 41.915], [-87.640, 41.915], [-87.640, 41.919], [-87.645, 41.919]]
    ring.append(ring[0])
    geometry = {"type": "Polygon", "coordinates": [ring]}
    feature = {"type": "Feature", "geometry": geometry}
    feature["properties"] = {"name": marked("zone"), "kind": "staging"}
    api("POST", "/events/1/zones", feature, 201)
    wait_until(page, "window.eventwatch.zoneLabels().some((n) => n.startsWith('zone <img'))")
    labels = page.evaluate("window.eventwatch.zoneLabels()")
    assert marked("zone") in labels
    assert "North Avenue Beach — show centre" in labels
    assert page.locator(".zone-label img, .zone-label script").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    shown = len(labels)
    page.click(".leaflet-control-zoom-out")
    page.click(".leaflet-control-zoom-out")
    wait_until(page, f"window.eventwatch.zoneLabels().length < {shown}")
    shoot(page, tmp_path, "zone-labels-out")
