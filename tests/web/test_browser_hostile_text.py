"""A hostile planner, partner, feed or file writes markup where people read text: a zone name
(API and KML import), a CAP headline and its words, an incident's description, a feed's name,
a person's name, unit and agency, a role's label, an assignee and a note, the event's name. In
Chromium, on the command view, the partners' shared view, a wall display, the planner's page
and the roles page, none of it runs and all of it reads as written, whether it was there before
the page loaded or arrived in a delta while the page was open; and the pages break no rule of
the policy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.support.browser import DemoServer, flask_cli, wait_until
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.browser
USER, PASSWORD = "hostile-admin", "lakefront-harbour-watch-2027"  # NIST rules: not the name
HOST = "127.0.0.1"
# Who plants: before any page loads ("first"), or while a page is open; and a zone file.
TAGS = ("first", "command", "shared", "wall", "kml")
# West of the lakefront zones: a strip each, side by side, clear of the demo's markers.
WEST, SOUTH, NORTH, STRIP = -87.660, 41.900, 41.928, 0.006
CHICAGO = ZoneInfo("America/Chicago")


def marked(field: str) -> str:
    """Markup that sets window.__pwned to the field's name if a browser runs it."""
    run = f"window.__pwned='{field}'"
    return f'{field} <img src=x onerror="{run}"><script>{run}</script>'


def strip(tag: str) -> list[tuple[float, float]]:
    """The tag's zone, a ring of (lon, lat)."""
    w = WEST + TAGS.index(tag) * STRIP
    e = w + STRIP - 0.0008
    return [(w, SOUTH), (e, SOUTH), (e, NORTH), (w, NORTH), (w, SOUTH)]


def spot(tag: str, lat: float) -> tuple[float, float]:
    """A point in the tag's zone; the tags' threats are 500 m apart, never duplicates."""
    return (WEST + TAGS.index(tag) * STRIP + STRIP / 2, lat)


def cap_alert(tag: str) -> bytes:
    """An extreme CAP alert in the tag's zone whose words are all markup."""
    now = datetime.now(CHICAGO).replace(microsecond=0)
    words = {k: escape(marked(f"{k}-{tag}")) for k in ("headline", "description", "instruction")}
    lon, lat = spot(tag, 41.922)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>HOSTILE-CAP-{tag}</identifier><sender>hostile@feed.example</sender>
  <sent>{now.isoformat()}</sent><status>Actual</status><msgType>Alert</msgType>
  <scope>Public</scope>
  <info><language>en-US</language><category>Security</category><event>Drone</event>
    <urgency>Immediate</urgency><severity>Extreme</severity><certainty>Observed</certainty>
    <expires>{(now + timedelta(hours=2)).isoformat()}</expires>
    <headline>{words["headline"]}</headline><description>{words["description"]}</description>
    <instruction>{words["instruction"]}</instruction>
    <area><areaDesc>west lot</areaDesc><circle>{lat},{lon} 0.05</circle></area>
  </info>
</alert>""".encode()


def incidents(tag: str) -> bytes:
    """A Socrata incident page: one disturbance in the tag's zone, described in markup."""
    now = datetime.now(CHICAGO).replace(tzinfo=None, microsecond=0)
    properties = {"incident_id": f"HOSTILE-INC-{tag}", "date": now.isoformat()}
    properties |= {"incident_type": "DISTURBANCE", "description": marked(f"incident-{tag}")}
    geometry = {"type": "Point", "coordinates": list(spot(tag, 41.906))}
    feature = {"type": "Feature", "geometry": geometry, "properties": properties}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def kml(tag: str) -> bytes:
    ring = " ".join(f"{lon},{lat}" for lon, lat in strip(tag))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>
  <name>{escape(marked(f"zone-{tag}"))}</name>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates></LinearRing>
  </outerBoundaryIs></Polygon>
</Placemark></Document></kml>""".encode()


class Hostile:
    """The running demo, a feed server for hostile feeds, and the API as an admin."""

    def __init__(self, server: DemoServer, feeds: FeedServer) -> None:
        self.server, self.feeds = server, feeds
        self.http = requests.Session()
        token = flask_cli(server, "tokens", "create", USER)
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.api = f"{server.url}/api/v1"
        self.base = f"{self.api}/events/1"

    def ok(self, method: str, url: str, **kw) -> dict:
        response = self.http.request(method, url, **kw)
        assert response.ok, response.text
        return response.json() if response.content else {}

    def zone(self, tag: str) -> dict:
        geometry = {"type": "Polygon", "coordinates": [strip(tag)]}
        properties = {"name": marked(f"zone-{tag}"), "kind": "crowd"}
        feature = {"type": "Feature", "geometry": geometry, "properties": properties}
        return self.ok("POST", f"{self.base}/zones", json=feature)

    def feed(self, tag: str, kind: str, body: bytes) -> None:
        """A feed named in markup, serving `body`, polled now."""
        path = f"/hostile/{kind}-{tag}"
        self.feeds.put(HOST, path, body, headers={"Content-Type": "application/octet-stream"})
        source = {"kind": kind, "url": self.feeds.base_url + path, "event_id": 1}
        source |= {"name": marked(f"feed-{tag}"), "interval_s": 3600}
        feed = self.ok("POST", f"{self.api}/feeds", json=source)
        self.ok("POST", f"{self.api}/feeds/{feed['id']}/poll")

    def plant(self, tag: str) -> None:
        """The tag's zone, then a hostile CAP alert and incident in it, each from its feed."""
        self.zone(tag)
        self.feed(tag, "cap", cap_alert(tag))
        self.feed(f"{tag}-incidents", "geojson-incidents", incidents(tag))

    def threat_id(self, source_id: str) -> int:
        found = self.ok("GET", f"{self.base}/threats")["features"]
        return next(
            f["properties"]["id"] for f in found if f["properties"]["source_id"] == source_id
        )

    def staff(self, zone_id: int) -> int:
        """A hostile person posted and on duty in the zone, in a hostile shift; its id."""
        now = datetime.now(UTC)
        when = {"starts_at": (now - timedelta(hours=1)).isoformat()}
        when["ends_at"] = (now + timedelta(hours=3)).isoformat()
        shift = self.ok("POST", f"{self.base}/shifts", json={"name": marked("shift")} | when)
        who = {"name": marked("person"), "agency": marked("agency"), "unit": marked("unit")}
        role = {"code": "hostile_role", "labels": {"en": marked("role"), "fr": marked("rôle")}}
        self.ok("POST", f"{self.api}/roles", json=role)
        person = self.ok("POST", f"{self.api}/personnel", json=who | {"roles": ["hostile_role"]})
        post = {"zone_id": zone_id, "shift_id": shift["id"], "role": "hostile_role"}
        self.ok("POST", f"{self.base}/requirements", json=[post | {"required": 2}])
        self.ok("POST", f"{self.base}/people", json={"person_ids": [person["id"]]})
        self.ok("POST", f"{self.base}/assignments", json=post | {"person_id": person["id"]})
        self.ok("POST", f"{self.base}/checkins", json={"person_id": person["id"], "action": "in"})
        return shift["id"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The demo with everything hostile planted before any page loads (the first render)."""
    server = DemoServer(tmp_path_factory.mktemp("hostile") / "instance")
    feeds = FeedServer().start()
    try:
        server.wait_ready()
        flask_cli(server, "users", "create", USER, "--role", "admin", "--password", PASSWORD)
        planted = Hostile(server, feeds)
        planted.plant("first")
        zone = planted.ok("GET", f"{planted.base}/zones")["features"][-1]["properties"]
        planted.shift_id = planted.staff(zone["id"])
        cap = planted.threat_id("HOSTILE-CAP-first")
        say = {"status": "assigned", "assignee": marked("assignee"), "note": marked("note")}
        planted.ok("PATCH", f"{planted.base}/threats/{cap}", json=say)
        planted.ok("PATCH", planted.base, json={"name": marked("event")})
        yield planted
    finally:
        feeds.stop()
        server.stop()


def open_page(chromium, hostile: Hostile, path: str, *, log_in: bool = True):
    """A new browser on `path`. Dialogs are kept (and dismissed), and so is every refusal
    of the Content-Security-Policy: a page that needs one has lost a piece of itself."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.dialogs, page.refusals = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on(
        "console",
        lambda m: page.refusals.append(m.text) if "Content Security Policy" in m.text else None,
    )
    if log_in:
        page.goto(hostile.server.url + "/login")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(hostile.server.url + "/")
    page.goto(hostile.server.url + path)
    return page


def assert_nothing_ran(page) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.refusals == []


# The hovered zone's tooltip (the zones' name labels are tooltips too: .zone-label).
TOOLTIP_TEXT = "(document.querySelector('.leaflet-tooltip.zone-tooltip') || {}).textContent || ''"


def zone_tooltip(page, tag: str) -> str:
    """Hover the map until zone `tag` shows its tooltip; the tooltip's text. (The zones are
    drawn on a canvas: the mouse finds them, not a selector.)"""
    page.locator(".leaflet-container").first.scroll_into_view_if_needed()
    frame = page.locator(".leaflet-container").first.bounding_box()
    for fy in (0.3, 0.45, 0.6):
        for step in range(1, 25):
            x, y = frame["x"] + frame["width"] * step / 25, frame["y"] + frame["height"] * fy
            page.mouse.move(x, y)
            page.wait_for_timeout(30)
            shown = page.evaluate(TOOLTIP_TEXT)
            if f"zone-{tag} " in shown:
                return shown
    page.screenshot(path=f"/tmp/no-tooltip-{tag}.png")
    raise AssertionError(f"no tooltip of zone-{tag} on the map")


def popup(page, headline: str) -> str:
    """Select the threat in the queue (the map centres on it), click its marker: the popup."""
    page.locator("#threat-list li", has_text=headline).locator(".title").click()
    page.wait_for_timeout(500)  # the map's move to the threat
    frame = page.locator(".leaflet-container").first.bounding_box()
    page.mouse.click(frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
    return wait_text(page, ".leaflet-popup-content", headline)


SEEN_UNTIL_PLANTED = """(() => {
    if (window.flashes.some((text) => text.includes('headline-command'))) return true;
    const flash = document.getElementById('flash');
    const done = flash.querySelector('button.done');
    if (!flash.hidden && done) done.click();
    return false;
})()"""


def keep_flashes(page) -> None:
    """Every text the alarm flashes, kept: the demo's own alarms replace it every few seconds."""
    page.evaluate("""() => { window.flashes = []; const flash = document.getElementById('flash');
        new MutationObserver(() => window.flashes.push(flash.textContent))
            .observe(flash, { childList: true, characterData: true, subtree: true }); }""")


def wait_text(page, selector: str, text: str, timeout: float = 20) -> str:
    found = f"(document.querySelector({selector!r}) || {{}}).textContent || ''"
    wait_until(page, f"({found}).includes({text!r})", timeout)
    return page.inner_text(selector)


def wait_live(page) -> None:
    wait_until(page, "window.eventwatch && window.eventwatch.lastSeq() !== null", timeout=20)


def test_the_command_view_shows_hostile_words_as_text(chromium, hostile):
    page = open_page(chromium, hostile, "/events/1/command")
    wait_live(page)
    assert marked("event") in page.inner_text("header")
    assert marked("zone-first") in zone_tooltip(page, "first")
    queue = wait_text(page, "#threat-list", "incident-first")
    for text in ("headline-first", "zone-first", "assignee", "incident-first"):
        assert marked(text) in queue, text
    assert marked("feed-first") in wait_text(page, "#feed-list", "feed-first")
    assert marked("zone-first") in page.inner_text("#staffing-table")
    options = page.locator("#filter-zone option").all_text_contents()
    assert marked("zone-first") in options  # the zone filter names zones as text
    page.locator("#threat-list li", has_text="headline-first").locator(".title").click()
    detail = wait_text(page, "#threat-detail", "agency")
    for text in ("headline-first", "description-first", "instruction-first", "zone-first"):
        assert marked(text) in detail, text
    for text in ("person", "agency", "note", "role"):
        assert marked(text) in detail, text
    shown = popup(page, "headline-first")
    for text in ("headline-first", "zone-first", "instruction-first"):
        assert marked(text) in shown, text
    page.fill("#checkin-person", f"{marked('person')} · {marked('agency')}")
    page.click("#checkin button[data-action=in]")
    assert marked("role") in wait_text(page, "#checkin-message", "role")  # checked in as
    assert_nothing_ran(page)

    keep_flashes(page)
    hostile.plant("command")  # while the page is open: it all comes as deltas
    queue = wait_text(page, "#threat-list", "incident-command")
    for text in ("headline-command", "zone-command", "incident-command"):
        assert marked(text) in queue, text
    # Severe alerts wait their turn in the banner: the demo's own come first, so they are
    # acknowledged (as a commander would) until the planted one shows.
    wait_until(page, SEEN_UNTIL_PLANTED, timeout=30)
    flashed = page.evaluate("window.flashes.find((text) => text.includes('headline-command'))")
    assert marked("headline-command") in flashed and marked("zone-command") in flashed
    shown = zone_tooltip(page, "command")
    assert_nothing_ran(page)
    assert marked("zone-command") in shown
    assert marked("feed-command") in wait_text(page, "#feed-list", "feed-command")
    shown = popup(page, "headline-command")
    assert marked("instruction-command") in shown and marked("zone-command") in shown
    detail = wait_text(page, "#threat-detail", "description-command")
    assert marked("description-command") in detail
    assert_nothing_ran(page)


@pytest.mark.parametrize("view", ["shared", "wall"])
def test_the_partners_views_show_hostile_words_as_text(chromium, hostile, view):
    if view == "shared":
        page = open_page(chromium, hostile, "/events/1/shared")
    else:
        staff = open_page(chromium, hostile, "/events/1/walls")
        staff.fill("input[name=label]", marked("wall-label"))
        staff.click("form.inline-form button")
        url = staff.inner_text("#new-wall-url")
        assert marked("wall-label") in staff.inner_text("table.list")
        assert_nothing_ran(staff)
        page = open_page(chromium, hostile, url.removeprefix(hostile.server.url), log_in=False)
    wait_live(page)
    assert marked("zone-first") in zone_tooltip(page, "first")
    assert marked("zone-first") in wait_text(page, "#threat-list", "zone-first")
    assert marked("zone-first") in page.inner_text("#staffing-table")
    assert_nothing_ran(page)

    hostile.plant(view)
    assert marked(f"zone-{view}") in wait_text(page, "#threat-list", f"zone-{view}")
    shown = zone_tooltip(page, view)
    assert_nothing_ran(page)
    assert marked(f"zone-{view}") in shown
    if view == "shared":  # the shared view's detail: when it came and the instruction, as text
        page.locator("#threat-list li", has_text="headline-first").locator(".title").click()
        detail = wait_text(page, "#threat-detail", "instruction-first")
        assert marked("instruction-first") in detail
        assert "Received" in detail
        assert_nothing_ran(page)


def test_the_planners_page_shows_hostile_words_as_text(chromium, hostile):
    page = open_page(chromium, hostile, f"/events/1?shift={hostile.shift_id}")
    page.set_input_files(
        "#zones input[type=file]",
        files=[{"name": "hostile.kml", "mimeType": "application/xml", "buffer": kml("kml")}],
    )
    with page.expect_navigation():
        page.click("#zones form button")
    zones = page.inner_text("#zones")
    assert marked("zone-first") in zones and marked("zone-kml") in zones
    assert marked("zone-kml") in zone_tooltip(page, "kml")
    assert marked("zone-first") in zone_tooltip(page, "first")
    assert marked("shift") in page.inner_text("select[name=shift]")
    assignments = page.inner_text("#assignments")
    for text in ("person", "agency", "unit", "zone-first", "role"):
        assert marked(text) in assignments, text
    assert marked("zone-first") in page.inner_text("#gaps")
    assert marked("role") in page.inner_text("#gaps") and marked("role") in page.inner_text(
        "#requirements"
    )
    roles = open_page(chromium, hostile, "/roles")
    assert marked("role") in roles.inner_text("#role-hostile_role h3")
    assert roles.locator("#role-hostile_role input[name=label_fr]").input_value() == marked("rôle")
    assert_nothing_ran(roles)
    assert marked("event") in page.inner_text("h1")
    assert_nothing_ran(page)
