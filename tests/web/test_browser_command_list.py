"""The command view's threat list as a commander and a partner work it, in Chromium: the most
severe first and the longest waiting first within a severity, when each came and how long
ago, filters that narrow the list and say "3 of 40", closed threats listed and reopened for
every viewer, a severe alert's banner that stays until acknowledged, the selected threat in
view beside the list, and on tablets and phones the map first with the rest in a drawer."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from common.times import utcnow
from tests.support.browser import first_login, flask_cli, insert_threats, wait_until

pytestmark = pytest.mark.browser
SHOTS = {"wide": (1600, 1000), "tablet": (768, 1024), "phone": (390, 844)}
CHICAGO = ZoneInfo("America/Chicago")  # the demo event's time zone
RANK = {"extreme": 0, "severe": 1, "moderate": 2, "minor": 3, "unknown": 4}
PARTNER, PARTNER_PASSWORD = "isp", "partner-liaison-2027"
# Seeded: (title, severity, minutes ago, kind); none of the demo's kinds.
SEEDED = [
    ("Seeded minor, waited 50", "minor", 50, "Pickpocketing"),
    ("Seeded extreme, waited 5", "extreme", 5, "Structure fire"),
    ("Seeded severe, waited 12", "severe", 12, "Pickpocketing"),
    ("Seeded extreme, waited 37", "extreme", 37, "Structure fire"),
    ("Seeded unknown, waited 90", "unknown", 90, "Structure fire"),
    ("Seeded moderate, waited 20", "moderate", 20, "Pickpocketing"),
    ("Seeded severe, waited 64", "severe", 64, "Structure fire"),
]


def shots_dir(tmp_path) -> Path:
    return Path(os.environ.get("SHOTS_DIR") or tmp_path)  # SHOTS_DIR: to look at them


class Demo:
    """The running demo: its zones, and the API as the admin (another client than the page)."""

    def __init__(self, server) -> None:
        self.server = server
        self.http = requests.Session()
        self.http.headers["Authorization"] = "Bearer " + flask_cli(
            server, "tokens", "create", "admin"
        )
        self.base = f"{server.url}/api/v1/events/1"
        zones = self.http.get(f"{self.base}/zones", timeout=10).json()["features"]
        self.zones = [(z["properties"]["id"], z["properties"]["name"]) for z in zones]

    def threat(self, threat_id: int) -> dict:
        answer = self.http.get(f"{self.base}/threats/{threat_id}", timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["properties"]

    def change(self, threat_id: int, body: dict) -> None:
        answer = self.http.patch(f"{self.base}/threats/{threat_id}", json=body, timeout=10)
        assert answer.ok, answer.text

    def seed(self, extra: int = 0) -> dict[str, int]:
        """SEEDED (the first zone alone, or the first four for every other one), and `extra`
        minor ones an hour old: title -> id."""
        now, first = utcnow(), [z for z, _ in self.zones[:4]]
        rows = [
            {
                "title": title,
                "severity": severity,
                "kind": kind,
                "at": now - timedelta(minutes=ago),
                "zone_ids": first if n % 2 else first[:1],
                "point": (-87.6262 + n * 2e-4, 41.9117),
            }
            for n, (title, severity, ago, kind) in enumerate(SEEDED)
        ]
        rows += [
            {"title": f"Filler {n:02d}", "severity": "minor", "at": now - timedelta(hours=1)}
            | {"point": (-87.6250 + n * 1e-4, 41.9100), "kind": "Lost property"}
            for n in range(extra)
        ]
        titles = [row["title"] for row in rows]
        return dict(zip(titles, insert_threats(self.server.instance, rows), strict=True))


@pytest.fixture
def demo(demo_server) -> Demo:
    return Demo(demo_server)


def commander_page(chromium, demo: Demo, size=SHOTS["wide"]):
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.native_dialogs = []
    page.on("dialog", lambda d: (page.native_dialogs.append(d.message), d.dismiss()))
    first_login(page, demo.server)
    page.goto(demo.server.url + "/events/1/command")
    wait_until(page, "window.eventwatch && window.eventwatch.lastSeq() !== null", 30)
    return page


def partner_page(chromium, demo: Demo):
    flask_cli(
        demo.server, "users", "create", PARTNER, "--role", "partner", "--password", PARTNER_PASSWORD
    )
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(demo.server.url + "/login")
    page.fill("input[name=username]", PARTNER)
    page.fill("input[name=password]", PARTNER_PASSWORD)
    page.click("form:has(input[name=password]) button")
    page.wait_for_url(demo.server.url + "/")
    page.goto(demo.server.url + "/events/1/shared")
    wait_until(page, "window.eventwatch && window.eventwatch.lastSeq() !== null", 30)
    return page


def rows(page) -> list[dict]:
    """The list as shown: id, title, severity, when and where, per row."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#threat-list li.threat')].map((li) => ({
            id: Number(li.dataset.threatId), title: li.querySelector('.title').textContent,
            severity: [...li.classList].find((c) => c.startsWith('severity-')).slice(9),
            received: (li.querySelector('time') || {}).dateTime || null,
            when: li.querySelector('.when').innerText.replace(/\\s+/g, ' '),
            zones: li.querySelector('.zones').textContent, full: li.querySelector('.zones').title,
            buttons: [...li.querySelectorAll('button')].map((b) => b.textContent) }))"""
    )


def row(page, threat_id: int):
    return page.locator(f'#threat-list li[data-threat-id="{threat_id}"]')


def choose(page, select: str, value: str) -> None:
    page.select_option(select, value)


def test_the_most_severe_come_first_and_the_longest_waiting_first_within_each(
    chromium, demo, tmp_path
):
    seeded = demo.seed()
    page = commander_page(chromium, demo)
    wait_until(page, "document.querySelectorAll('#threat-list time').length >= 7", 20)
    shown = [r for r in rows(page) if r["id"] in seeded.values()]
    expected = sorted(SEEDED, key=lambda s: (RANK[s[1]], -s[2]))
    assert [r["title"] for r in shown] == [title for title, *_ in expected]
    # Across the whole list, demo alerts included: severity never rises going down, and
    # within a severity the received times never go back.
    listed = [r for r in rows(page) if r["received"]]
    keys = [(RANK[r["severity"]], r["received"]) for r in listed]
    assert keys == sorted(keys)
    # When it came, on the event's clock, and how long ago; the first zone and how many more.
    row37 = next(r for r in shown if r["title"] == "Seeded extreme, waited 37")
    came = (utcnow() - timedelta(minutes=37)).astimezone(CHICAGO)
    assert re.fullmatch(r"\d\d:\d\d 3[78] min", row37["when"]), row37["when"]
    near = [came + timedelta(minutes=m) for m in (-1, 0, 1)]  # seeded a few seconds before
    assert row37["when"][:5] in {at.strftime("%H:%M") for at in near}
    first, *others = [name for _, name in demo.zones[:4]]
    assert row37["zones"] == f"{first} +3"
    assert row37["full"] == ", ".join([first, *others])
    page.screenshot(path=str(shots_dir(tmp_path) / "list-sorted-wide.png"))

    # Filters narrow the list, and the count says of how many.
    total = page.evaluate("window.eventwatch.threatCount()")
    choose(page, "#filter-kind", "Pickpocketing")
    wait_until(page, "/^3 of \\d+$/.test(document.getElementById('threat-count').textContent)")
    assert {r["title"] for r in rows(page)} == {t for t, *_, k in SEEDED if k == "Pickpocketing"}
    choose(page, "#filter-zone", str(demo.zones[1][0]))  # the second zone: odd rows only
    wait_until(page, "/^1 of \\d+$/.test(document.getElementById('threat-count').textContent)")
    assert [r["title"] for r in rows(page)] == ["Seeded moderate, waited 20"]
    choose(page, "#filter-status", "new")
    assert page.inner_text("#threat-count").startswith("1 of ")
    choose(page, "#filter-status", "acknowledged")
    wait_until(page, "document.getElementById('threat-count').textContent.startsWith('0 of')")
    assert page.inner_text("#list-note") == "No threat matches these filters."
    for select in ("#filter-status", "#filter-kind", "#filter-zone"):
        choose(page, select, "")
    wait_until(page, "/^\\d+$/.test(document.getElementById('threat-count').textContent)")
    assert int(page.inner_text("#threat-count")) >= total


def test_a_closed_threat_is_listed_and_reopened_for_every_viewer(chromium, demo, tmp_path):
    seeded = demo.seed()
    closed = seeded["Seeded severe, waited 64"]
    page, partner = commander_page(chromium, demo), partner_page(chromium, demo)
    for viewer in (page, partner):
        wait_until(viewer, f"window.eventwatch.threatStatus({closed}) === 'new'")
    demo.change(closed, {"status": "dismissed", "note": "a street performer"})
    for viewer in (page, partner):
        wait_until(viewer, f"window.eventwatch.threatStatus({closed}) === null")
        choose(viewer, "#filter-status", "closed")
        row(viewer, closed).wait_for()
    assert row(partner, closed).locator("button").count() == 0  # partners cannot reopen
    page.screenshot(path=str(shots_dir(tmp_path) / "list-closed-wide.png"))

    row(page, closed).locator("button", has_text="Reopen").click()
    question = page.locator("dialog.ask[open]")
    assert "Structure fire" in question.inner_text() or "Seeded severe" in question.inner_text()
    page.click("dialog.ask button.confirm")  # a reason is required: the box holds it
    assert page.locator("dialog.ask[open]").count() == 1
    page.fill("dialog.ask input", "the performer set a bin alight")
    page.screenshot(path=str(shots_dir(tmp_path) / "reopen-question-wide.png"))
    page.click("dialog.ask button.confirm")
    for viewer in (page, partner):  # the delta: back among the open threats, for everyone
        wait_until(viewer, f"window.eventwatch.threatStatus({closed}) === 'acknowledged'")
        wait_until(
            viewer, f"!document.querySelector('#threat-list li[data-threat-id=\"{closed}\"]')"
        )
        choose(viewer, "#filter-status", "")
        row(viewer, closed).wait_for()
    back = demo.threat(closed)  # read back as another client
    assert back["status"] == "acknowledged"
    assert back["log"][-1]["action"] == "reopened"
    assert back["log"][-1]["note"] == "the performer set a bin alight"
    assert page.native_dialogs == []

    # The partner's detail: when it came (and, for a CAP alert, its public instruction:
    # tests/web/test_browser_hostile_text.py).
    row(partner, closed).click()
    partner.locator("#threat-detail h3").wait_for()
    assert "Received" in partner.inner_text("#threat-detail")


def test_the_banner_stays_until_a_commander_acknowledges(chromium, demo, tmp_path):
    page = commander_page(chromium, demo)
    wait_until(page, "window.eventwatch.alarms().length > 0", 60)  # the demo's next severe
    first = page.evaluate("window.eventwatch.alarms()[0]")
    page.wait_for_timeout(9000)  # the old banner vanished after 8 s
    banner = page.locator("#flash")
    assert banner.is_visible()
    assert page.evaluate("window.eventwatch.alarms()[0]") == first
    look = page.evaluate(
        """() => { const s = getComputedStyle(document.getElementById('flash'));
            return [s.opacity, s.backgroundColor]; }"""
    )
    assert look[0] == "1" and look[1].startswith("rgb(")  # opaque: no alpha
    flash, listed = banner.bounding_box(), page.locator(".list-pane").bounding_box()
    assert flash["y"] + flash["height"] <= listed["y"] + 1  # above the list, not over it
    assert banner.locator("button.done").inner_text() == "Acknowledge"
    for name, (width, height) in SHOTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots_dir(tmp_path) / f"banner-{name}.png"))
    page.set_viewport_size({"width": 1600, "height": 1000})
    banner.locator("button.done").click()
    wait_until(page, f"!window.eventwatch.alarms().includes({first})")
    assert demo.threat(first)["status"] == "acknowledged"
    if page.evaluate("window.eventwatch.alarms().length") == 0:
        assert banner.is_hidden()


def test_a_partner_dismisses_the_banner_with_seen_and_changes_nothing(chromium, demo):
    page = partner_page(chromium, demo)
    wait_until(page, "window.eventwatch.alarms().length > 0", 60)
    first = page.evaluate("window.eventwatch.alarms()[0]")
    assert page.locator("#flash button.done").inner_text() == "Seen"
    page.locator("#flash button.done").click()
    wait_until(page, f"!window.eventwatch.alarms().includes({first})")
    assert demo.threat(first)["status"] == "new"


def test_the_selected_threat_is_in_view_beside_the_list(chromium, demo, tmp_path):
    demo.seed(extra=60)
    page = commander_page(chromium, demo)
    wait_until(page, "document.querySelectorAll('#threat-list li.threat').length > 60", 20)
    far = page.locator("#threat-list li.threat").nth(55)
    title = far.locator(".title").inner_text()
    far.locator(".title").click()
    heading = page.locator("#threat-detail h3")
    heading.wait_for()
    wait_until(page, f"document.querySelector('#threat-detail h3').textContent === {title!r}")
    box = page.locator("#threat-detail").bounding_box()
    assert box["y"] >= 0 and box["y"] + min(box["height"], 200) <= 1000
    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate("document.documentElement.scrollHeight") <= 1000  # the page is the screen
    listed, map_pane = (
        page.locator(".list-pane").bounding_box(),
        page.locator(".map-pane").bounding_box(),
    )
    assert map_pane["x"] < listed["x"] < box["x"]  # map | list | detail
    assert "Received" in page.inner_text("#threat-detail")
    page.screenshot(path=str(shots_dir(tmp_path) / "detail-wide.png"))


@pytest.mark.parametrize("size", ["tablet", "phone"])
def test_on_a_tablet_or_phone_the_map_comes_first_and_the_rest_is_in_a_drawer(
    chromium, demo, tmp_path, size
):
    width, height = SHOTS[size]
    page = commander_page(chromium, demo, SHOTS[size])
    wait_until(page, "window.eventwatch.threatCount() > 0", 30)
    shots = shots_dir(tmp_path)
    map_pane = page.locator(".map-pane").bounding_box()
    assert map_pane["x"] <= 1 and map_pane["width"] >= width - 2
    assert map_pane["height"] >= 0.55 * height
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing overflows
    topbar = "document.querySelector('.topbar')"
    assert page.evaluate(f"{topbar}.scrollWidth - {topbar}.clientWidth") == 0  # it wraps
    assert page.locator("#drawer").is_hidden()
    opener = page.locator("#drawer-open")
    assert re.fullmatch(r"Threats \(\d+\)", opener.inner_text())
    page.screenshot(path=str(shots / f"map-{size}.png"))

    opener.focus()  # from the keyboard
    page.keyboard.press("Enter")
    assert page.locator("#drawer").is_visible()
    assert page.evaluate("document.activeElement.id") == "drawer-close"
    assert opener.get_attribute("aria-expanded") == "true"
    page.screenshot(path=str(shots / f"drawer-{size}.png"))
    page.keyboard.press("Escape")
    assert page.locator("#drawer").is_hidden()
    assert page.evaluate("document.activeElement.id") == "drawer-open"

    opener.click()
    first = page.locator("#threat-list li.threat").first
    first.locator(".title").click()
    page.locator("#threat-detail h3").wait_for()
    detail = page.locator("#threat-detail").bounding_box()
    assert 0 <= detail["y"] < height / 2  # the detail at the drawer's top
    page.screenshot(path=str(shots / f"drawer-detail-{size}.png"))
    page.click("#drawer-close")
    assert page.locator("#drawer").is_hidden()
