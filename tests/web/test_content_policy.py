"""The Content-Security-Policy runs and styles a page with the app's own files only, and no
page the app serves needs more: no inline script or style, no event handler attribute, no
javascript: URL, on any page an admin can open (the wall display too), with hostile names
in the data. The data handed to scripts as JSON stays data."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from planner import zone_service
from tests.factories import db_session, make_event, make_fixture_zones, make_shift_now, write
from tests.support.routes import every_route

HOSTILE = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


def directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


def test_the_policy_allows_no_inline_script_or_style_and_no_eval(client):
    answer = client.get("/login")
    policy = directives(answer.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    for name, values in policy.items():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"} & set(values), name


def test_every_page_answer_carries_that_policy(app, login):
    admin = login("admin")
    for url in ("/login", "/", "/api/v1/events", "/static/js/map.js"):
        answer = admin.client.get(url)
        answer.close()
        assert "script-src 'self';" in answer.headers["Content-Security-Policy"], url


class Audit(HTMLParser):
    """What a page has that the policy would refuse (and the page would then lack)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []
        self.json_blocks: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.refused.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.refused.append(f"<{tag} {name}=javascript:...>")
        if tag == "style":
            self.refused.append("<style> element")
        if tag == "script" and "src" not in attrs:
            self._in = "json" if attrs.get("type") == "application/json" else "inline"

    def handle_data(self, data):
        if self._in == "json":
            self.json_blocks.append(data)
        elif self._in == "inline" and data.strip():
            self.refused.append(f"inline script: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def hostile_event(app) -> dict:
    """An event whose zones, shift and wall link carry markup in their names."""
    from maps import link_service

    with db_session(app) as session:
        event = make_event(session, name=f"Show {HOSTILE}"[:200])
        zones = make_fixture_zones(session, event)
        first = next(iter(zones.values()))
        zone_service.update_zone(write(session), event, first.id, {"name": f"Z {HOSTILE}"})
        shift = make_shift_now(session, event, name=f"S {HOSTILE}"[:200])
        token = link_service.create(write(session), event, f"W {HOSTILE}").result
        session.commit()
        return {"event_id": event.id, "zone_id": first.id, "token": token, "shift": shift.id}


def page_urls(app, values: dict):
    """Every GET route, the printable ICS forms of the hostile shift, and an error page."""
    for method, url, endpoint in every_route(app, values):
        if method == "GET" and endpoint != "static":
            yield url, endpoint
    for form in ("ics204", "ics215"):
        yield f"/api/v1/events/{values['event_id']}/exports/{form}?shift={values['shift']}", form
    yield "/wall/no-such-link", "maps.wall (refused)"


def test_no_page_has_what_the_policy_refuses(app, login):
    values = hostile_event(app)
    admin = login("admin")
    audited = []
    for url, endpoint in page_urls(app, values):
        answer = admin.client.get(url)
        if answer.mimetype == "text/html":
            audit = Audit()
            audit.feed(answer.get_data(as_text=True))
            assert audit.refused == [], url
            for block in audit.json_blocks:
                assert "<" not in block, url  # tojson: a name cannot close the element
                json.loads(block)
            audited.append(endpoint)
        answer.close()
    pages = {"maps.command", "maps.shared", "maps.wall", "planner.event", "ics204", "ics215"}
    assert pages | {"maps.wall (refused)"} <= set(audited)


def test_a_name_in_the_pages_json_comes_back_as_written(app, login):
    values = hostile_event(app)
    page = login("admin").client.get(f"/events/{values['event_id']}/command")
    audit = Audit()
    audit.feed(page.get_data(as_text=True))
    blocks = [json.loads(block) for block in audit.json_blocks]
    names = [
        f["properties"]["name"] for b in blocks if "zones" in b for f in b["zones"]["features"]
    ]
    assert f"Z {HOSTILE}" in names
