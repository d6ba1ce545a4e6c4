"""Every write goes through one service: from the page or the API it is checked, published
and audited the same way, and staffing writes reach open command views at once."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from accounts.models import AuditEntry
from planner.models import Assignment, EventPerson, Person
from tests.factories import (
    FIXTURES,
    db_session,
    make_event,
    make_fixture_zones,
    make_shift_now,
)
from tests.support.live import NS, joined, received
from tests.support.web import LoggedIn


def api(who: LoggedIn, method: str, url: str, body=None):
    """The API as the page's script calls it: the session's cookie and its form token."""
    return who.client.open(url, method=method, json=body, headers={"X-CSRFToken": who.csrf})


def form(who: LoggedIn, path: str, **fields):
    return who.client.post(path, data={"csrf_token": who.csrf, **fields})


@pytest.fixture
def plan(app):
    """An event with its two beach zones, a period in force now and two crowd managers
    available to it."""
    with db_session(app) as session:
        event = make_event(session)
        zones = make_fixture_zones(session, event)
        shift = make_shift_now(session, event)
        people = [
            Person(agency=_agency(session), name=name, roles=["crowd_manager"])
            for name in ("Ada Park", "Ben Ruiz")
        ]
        session.add_all(people)
        session.flush()
        session.add_all(EventPerson(event_id=event.id, person_id=p.id) for p in people)
        session.commit()
        return {
            "event": event.id,
            "zone": zones["north-avenue-beach"].id,
            "shift": shift.id,
            "people": [p.id for p in people],
        }


def _agency(session):
    from planner.people_service import agency

    return agency(session, "Chicago PD")


class Viewer:
    """An open command view: a commander's socket, joined to the event's room."""

    def __init__(self, commander: LoggedIn, event_id: int) -> None:
        self.sio = joined(commander, event_id)
        self.sio.get_received(NS)  # the snapshot
        self.deltas: list[dict] = []

    def staffing(self, zone_id: int) -> list[dict]:
        """The zone's counts in every staffing_changed delta received so far, in order."""
        self.deltas += received(self.sio, "delta")
        found = [d for d in self.deltas if d["kind"] == "staffing_changed"]
        return [d["data"]["zones"][str(zone_id)] for d in found]


def test_staffing_writes_tell_open_command_views_the_new_counts(login, plan):
    """Setting requirements, assigning, unassigning and auto-assigning each publish
    `staffing_changed`: a command view never shows stale required/assigned counts."""
    e, zone, shift = plan["event"], plan["zone"], plan["shift"]
    view = Viewer(login("commander", "watcher"), e)
    desk = login("planner", "pat")
    need = [{"zone_id": zone, "shift_id": shift, "role": "crowd_manager", "required": 2}]
    assert api(desk, "POST", f"/api/v1/events/{e}/requirements", need).status_code == 200
    assert view.staffing(zone)[-1]["required"] == 2
    one = {"person_id": plan["people"][0], "zone_id": zone, "shift_id": shift}
    made = api(desk, "POST", f"/api/v1/events/{e}/assignments", one | {"role": "crowd_manager"})
    assert made.status_code == 201
    counts = view.staffing(zone)[-1]
    assert (counts["required"], counts["assigned"], counts["short"]) == (2, 1, 2)
    gone = api(desk, "DELETE", f"/api/v1/events/{e}/assignments", {"ids": [made.json["id"]]})
    assert gone.json == {"removed": 1}
    assert view.staffing(zone)[-1]["assigned"] == 0
    auto = api(desk, "POST", f"/api/v1/events/{e}/assignments/auto", {})
    assert auto.status_code == 200 and auto.json["filled"] == 2
    assert view.staffing(zone)[-1]["assigned"] == 2
    assert len(view.staffing(zone)) == 4  # one delta per write, none for nothing


def test_assigning_from_the_plan_page_publishes_the_same_delta(app, login, plan):
    e, zone, shift = plan["event"], plan["zone"], plan["shift"]
    view = Viewer(login("commander", "watcher"), e)
    desk = login("planner", "pat")
    page = form(
        desk,
        f"/events/{e}/plan/assign",
        person_id=str(plan["people"][1]),
        zone_id=str(zone),
        shift_id=str(shift),
        role="crowd_manager",
    )
    assert page.status_code == 302
    assert view.staffing(zone)[-1]["assigned"] == 1
    with db_session(app) as session:
        assert session.scalar(select(Assignment.person_id)) == plan["people"][1]


def last_audit(app) -> AuditEntry:
    with db_session(app) as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        session.expunge(entry)
        return entry


ZONE_FILE = (FIXTURES / "feeds" / "zones" / "event-zones.geojson").read_bytes()


def _page_import(desk: LoggedIn, e: int):
    data = {"csrf_token": desk.csrf, "file": (io.BytesIO(ZONE_FILE), "zones.geojson")}
    return desk.client.post(f"/events/{e}/plan/zones/import", data=data)


def _api_import(desk: LoggedIn, e: int):
    data = {"file": (io.BytesIO(ZONE_FILE), "zones.geojson")}
    headers = {"X-CSRFToken": desk.csrf}
    return desk.client.post(f"/api/v1/events/{e}/zones/import", data=data, headers=headers)


ROLE = "crowd_manager"
SHIFT = {"name": "Late", "starts_at": "2026-07-18T18:00:00", "ends_at": "2026-07-18T23:00:00"}
EVENT = {"name": "Rehearsal", "timezone": "America/Chicago"}
EVENT |= {"starts_at": "2027-08-20T08:00:00", "ends_at": "2027-08-20T16:00:00"}

# use case: (its audit action, the API's request, the page's request, audit has `before`)
BOTH_DOORS = {
    "create event": (
        "event.create",
        lambda d, p: api(d, "POST", "/api/v1/events", EVENT),
        lambda d, p: form(d, "/events/new", **EVENT),
        False,
    ),
    "add a period": (
        "shift.create",
        lambda d, p: api(d, "POST", f"/api/v1/events/{p['event']}/shifts", SHIFT),
        lambda d, p: form(d, f"/events/{p['event']}/plan/shifts", **SHIFT),
        False,
    ),
    "staffing rules": (
        "event.update",
        lambda d, p: api(
            d,
            "PATCH",
            f"/api/v1/events/{p['event']}",
            {"min_rest_hours": 9, "max_hours_per_day": 11},
        ),
        lambda d, p: form(
            d, f"/events/{p['event']}/plan/rules", min_rest_hours="9", max_hours_per_day="11"
        ),
        True,
    ),
    "import zones": (
        "zone.import",
        lambda d, p: _api_import(d, p["event"]),
        lambda d, p: _page_import(d, p["event"]),
        False,
    ),
    "requirements": (
        "requirements.set",
        lambda d, p: api(
            d,
            "POST",
            f"/api/v1/events/{p['event']}/requirements",
            [{"zone_id": p["zone"], "shift_id": p["shift"], "role": ROLE, "required": 3}],
        ),
        lambda d, p: form(
            d,
            f"/events/{p['event']}/plan/requirements",
            shift_id=str(p["shift"]),
            **{f"req:{p['zone']}:crowd_manager": "3"},
        ),
        False,
    ),
}


@pytest.mark.parametrize("use_case", BOTH_DOORS)
def test_a_write_is_audited_alike_from_the_page_and_the_api(app, login, plan, use_case):
    """The same action, target shape, and state after (and before, for a change), whichever
    door the write came through: before, page writes reached the log without any of it."""
    action, by_api, by_page, has_before = BOTH_DOORS[use_case]
    desk = login("admin", "ada")
    entries = []
    for door in (by_api, by_page):
        answer = door(desk, plan)
        assert answer.status_code in (200, 201, 302), answer.get_data(as_text=True)[:300]
        entries.append(last_audit(app))
    api, page = entries
    for entry in entries:
        assert entry.status in (200, 201, 302) and entry.actor == "ada"
        assert entry.action == action and entry.target
        assert entry.after is not None
        assert (entry.before is not None) == has_before
    assert api.target.split(":")[0] == page.target.split(":")[0]
    assert set(api.after) == set(page.after)  # the same record of what was written
    json.dumps([api.after, page.after])  # the log keeps JSON


def test_feeds_are_made_and_paused_alike_from_the_admin_page_and_the_api(app, login, plan):
    """Feed creation existed three times (API, admin page, demo seed); the page did not
    check the event exists. Now one service refuses a missing event from either door."""
    desk = login("admin", "ada")
    feed = {"kind": "cap", "url": "http://127.0.0.1:9/cap.xml", "interval_s": 60}
    missing = api(desk, "POST", "/api/v1/feeds", feed | {"event_id": 999})
    assert missing.status_code == 404
    page = form(desk, "/admin/feeds/", **{k: str(v) for k, v in feed.items()}, event_id="999")
    assert page.status_code == 302
    assert "not added" in desk.client.get("/admin/feeds/").get_data(as_text=True)
    made = api(desk, "POST", "/api/v1/feeds", feed | {"event_id": plan["event"]})
    assert made.status_code == 201 and last_audit(app).action == "feed.create"
    fid = made.json["id"]
    assert form(desk, f"/admin/feeds/{fid}/pause").status_code == 302
    paused = last_audit(app)
    assert (paused.action, paused.target) == ("feed.update", f"feed:{fid}")
    assert paused.before["enabled"] is True and paused.after["enabled"] is False
    resumed = api(desk, "PATCH", f"/api/v1/feeds/{fid}", {"enabled": True})
    assert resumed.json["enabled"] is True and last_audit(app).before["enabled"] is False


def test_a_refused_page_write_keeps_its_reason_in_the_audit_log(app, login, plan):
    """A form answers with a redirect whether or not the write was kept: the log says why
    it was refused, so the changes page does not show a refusal as a change."""
    desk = login("planner", "pat")
    answer = form(
        desk,
        f"/events/{plan['event']}/plan/assign",
        person_id=str(plan["people"][0]),
        zone_id=str(plan["zone"]),
        shift_id=str(plan["shift"]),
        role="sergeant",
    )
    assert answer.status_code == 302
    entry = last_audit(app)
    assert "does not hold the role sergeant" in entry.after["refused"]
    with db_session(app) as session:
        assert session.scalar(select(Assignment.id)) is None
