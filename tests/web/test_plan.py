"""A small plan built through the API, counted by hand: requirements, people, rules, gaps, ICS."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import db_session, make_event, make_token
from tests.support.shapes import SQUARE

ROSTER = """name,agency,unit,roles,badge,phone
Ana Ruiz,Chicago PD,18th District,patrol_officer;sergeant,1001,312-555-0101
Ben Cole,Chicago PD,18th District,patrol_officer,1002,
Cy Dunn,Chicago Fire,EMS 4,emt,F-7,
Dee Park,Cook County Sheriff,,Patrol Officer,S-9,
,Chicago PD,,patrol_officer,1003,
Eve Stone,,,patrol_officer,,
Fay Lu,Chicago PD,,,1004,
Ana Ruiz,Chicago PD,18th District,patrol_officer,1001,
"""


@pytest.fixture
def plan(app, client):
    """An event with two zones, a day shift and an overlapping late shift, and a roster."""
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
        token = make_token(session, "planner")
    auth = {"Authorization": f"Bearer {token}"}

    def call(method, path, headers=(), **kwargs):
        sent = {**auth, **dict(headers)}
        return client.open(f"/api/v1{path}", method=method, headers=sent, **kwargs)

    zones = [
        call(
            "POST",
            f"/events/{event_id}/zones",
            json={
                "type": "Feature",
                "geometry": SQUARE,
                "properties": {"name": name, "kind": "crowd"},
            },
        ).json["id"]
        for name in ("Beach", "Promenade")
    ]
    shifts = [
        call(
            "POST",
            f"/events/{event_id}/shifts",
            json={"name": name, "starts_at": start, "ends_at": end},
        ).json["id"]
        for name, start, end in (
            ("Day", "2026-07-18T08:00:00", "2026-07-18T16:00:00"),
            ("Late", "2026-07-18T15:00:00", "2026-07-18T23:00:00"),
        )
    ]
    call.event_id, call.zones, call.shifts = event_id, zones, shifts
    return call


def import_roster(plan):
    response = plan(
        "POST",
        "/personnel/import",
        data={"file": (io.BytesIO(ROSTER.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    people = {p["name"]: p for p in plan("GET", "/personnel").json["personnel"]}
    return response.json, people


def test_the_roster_import_reports_every_refused_row(plan):
    report, people = import_roster(plan)
    assert (report["created"], report["updated"]) == (4, 0)
    assert report["refused"] == [
        {"line": 6, "reason": "no name"},
        {"line": 7, "reason": "no agency"},
        {"line": 8, "reason": "no roles (list them in the roles column, separated by ;)"},
        {"line": 9, "reason": "the same person as line 2"},
    ]
    assert people["Dee Park"]["roles"] == ["patrol_officer"]
    assert people["Ana Ruiz"]["roles"] == ["patrol_officer", "sergeant"]
    again, _ = import_roster(plan)
    assert (again["created"], again["updated"]) == (0, 4)  # same badges: updated, not doubled


def test_a_file_that_is_not_a_roster_is_refused_whole(plan):
    response = plan(
        "POST",
        "/personnel/import",
        data={"file": (io.BytesIO(b"\xff\xfe\x00garbage"), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "UTF-8" in response.json["error"]["message"]


def test_hard_rules_are_enforced_with_a_clear_message(plan):
    _, people = import_roster(plan)
    beach, promenade = plan.zones
    day, late = plan.shifts
    ben, cy = people["Ben Cole"]["id"], people["Cy Dunn"]["id"]
    path = f"/events/{plan.event_id}/assignments"
    ok = plan(
        "POST",
        path,
        json={"person_id": ben, "zone_id": beach, "shift_id": day, "role": "patrol_officer"},
    )
    assert ok.status_code == 201 and ok.json["id"]
    wrong_role = plan(
        "POST",
        path,
        json={"person_id": cy, "zone_id": beach, "shift_id": day, "role": "patrol_officer"},
    )
    assert wrong_role.status_code == 400
    assert "role" in wrong_role.json["error"]["message"]
    overlap = plan(
        "POST",
        path,
        json={"person_id": ben, "zone_id": promenade, "shift_id": late, "role": "patrol_officer"},
    )
    assert overlap.status_code == 400 and "overlap" in overlap.json["error"]["message"]
    bulk = plan(
        "POST",
        path,
        json=[
            {"person_id": cy, "zone_id": beach, "shift_id": day, "role": "emt"},
            {"person_id": cy, "zone_id": beach, "shift_id": late, "role": "emt"},
        ],
    )
    assert bulk.status_code == 400 and "item 2" in bulk.json["error"]["message"]
    listed = plan("GET", path).json["assignments"]
    assert [(a["person"], a["role"]) for a in listed] == [("Ben Cole", "patrol_officer")]


def test_gaps_match_a_hand_count_and_the_ics_215_totals_equal_them(plan):
    _, people = import_roster(plan)
    beach, promenade = plan.zones
    day, late = plan.shifts
    saved = plan(
        "PUT",
        f"/events/{plan.event_id}/requirements",
        json=[
            {"zone_id": beach, "shift_id": day, "role": "patrol_officer", "required": 3},
            {"zone_id": beach, "shift_id": day, "role": "emt", "required": 1},
            {"zone_id": promenade, "shift_id": day, "role": "sergeant", "required": 1},
            {"zone_id": promenade, "shift_id": late, "role": "patrol_officer", "required": 2},
        ],
    )
    assert saved.json == {"saved": 4}
    ids = {name: p["id"] for name, p in people.items()}
    plan(
        "POST",
        f"/events/{plan.event_id}/assignments",
        json=[
            {
                "person_id": ids["Ben Cole"],
                "zone_id": beach,
                "shift_id": day,
                "role": "patrol_officer",
            },
            {
                "person_id": ids["Dee Park"],
                "zone_id": beach,
                "shift_id": day,
                "role": "patrol_officer",
            },
            {
                "person_id": ids["Ana Ruiz"],
                "zone_id": promenade,
                "shift_id": day,
                "role": "sergeant",
            },
        ],
    )
    day_gaps = plan("GET", f"/events/{plan.event_id}/gaps?shift={day}").json["gaps"]
    by_key = {
        (g["zone_id"], g["role"]): (g["required"], g["assigned"], g["short"]) for g in day_gaps
    }
    # Counted by hand: beach needs 3 officers and has 2, needs 1 EMT and has none;
    # the promenade's sergeant is there.
    assert by_key == {
        (beach, "patrol_officer"): (3, 2, 1),
        (beach, "emt"): (1, 0, 1),
        (promenade, "sergeant"): (1, 1, 0),
    }
    at_1530 = plan("GET", f"/events/{plan.event_id}/gaps?at=2026-07-18T15:30:00").json["gaps"]
    both = {(g["zone_id"], g["role"]): g["required"] for g in at_1530}
    assert both[(promenade, "patrol_officer")] == 2 and both[(beach, "patrol_officer")] == 3
    ics = plan("GET", f"/events/{plan.event_id}/exports/ics215.csv?shift={day}")
    assert ics.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(ics.get_data(as_text=True))))
    assert sum(int(r["required"]) for r in rows) == sum(g["required"] for g in day_gaps) == 5
    assert sum(int(r["have"]) for r in rows) == sum(g["assigned"] for g in day_gaps) == 3
    assert sum(int(r["need"]) for r in rows) == sum(g["short"] for g in day_gaps) == 2
    html = plan("GET", f"/events/{plan.event_id}/exports/ics215?shift={day}").get_data(as_text=True)
    assert "OPERATIONAL PLANNING WORKSHEET (ICS 215)" in html and "Beach" in html
    ics204 = plan("GET", f"/events/{plan.event_id}/exports/ics204?shift={day}").get_data(
        as_text=True
    )
    assert ics204.count("ASSIGNMENT LIST (ICS 204)") == 2  # one per zone with people or needs
    assert "Ana Ruiz (sergeant, Chicago PD)" in ics204  # the sergeant leads the promenade


def test_suggested_crowd_managers_follow_the_one_per_250_rule(plan):
    beach = plan("GET", f"/events/{plan.event_id}/zones/{plan.zones[0]}").json["properties"]
    suggested = plan("GET", f"/events/{plan.event_id}/requirements/suggest").json["requirements"]
    mine = [s for s in suggested if s["zone_id"] == plan.zones[0]]
    assert len(mine) == 2 and {s["role"] for s in mine} == {"crowd_manager"}
    # capacity about 74,000 at 2/m²; the event expects 250,000 across two such zones, so
    # each is full: ceil(capacity / 250)
    assert mine[0]["required"] == -(-beach["capacity"] // 250)
    assert plan("GET", f"/events/{plan.event_id}/requirements").json["requirements"] == []


def test_auto_assign_fills_what_it_can_and_says_why_not_the_rest(plan):
    import_roster(plan)
    beach, promenade = plan.zones
    day, late = plan.shifts
    plan(
        "PUT",
        f"/events/{plan.event_id}/requirements",
        json=[
            {"zone_id": beach, "shift_id": day, "role": "patrol_officer", "required": 2},
            {"zone_id": promenade, "shift_id": late, "role": "patrol_officer", "required": 2},
            {"zone_id": beach, "shift_id": day, "role": "k9", "required": 1},
        ],
    )
    result = plan("POST", f"/events/{plan.event_id}/assignments/auto", json={}).json
    assert result["applied"] and result["required"] == 5
    # three officers (Ana, Ben, Dee) and the shifts overlap, so three of four officer places
    assert result["filled"] == 3 and result["bound"] == 3 and result["optimal"]
    reasons = {u["role"]: u["reason"] for u in result["unfilled"]}
    assert reasons["k9"] == "no one holds the role k9"
    assert len(plan("GET", f"/events/{plan.event_id}/assignments").json["assignments"]) == 3


def test_planner_pages_render_the_plan(plan, login):
    import_roster(plan)
    client = login("commander", "cmdr").client
    page = client.get(f"/events/{plan.event_id}?shift={plan.shifts[1]}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Required head count · Late" in html and "Promenade" in html
    assert "leaflet.draw.js" not in html  # a commander does not edit the plan
    assert client.get("/personnel").status_code == 200
    changes = client.get(f"/events/{plan.event_id}/changes").get_data(as_text=True)
    assert "planner-user" in changes and "/zones" in changes


def test_a_planner_creates_an_event_and_a_shift_from_the_pages(login):
    planner = login("planner", "plan")
    client, token = planner.client, planner.csrf
    listing = client.get("/").get_data(as_text=True)
    assert "<title>Events · eventwatch</title>" in listing and listing.count("New event") == 1
    made = client.post(
        "/events/new",
        data={
            "csrf_token": token,
            "name": "Marathon",
            "timezone": "America/Chicago",
            "starts_at": "2027-10-10T06:00",
            "ends_at": "2027-10-10T15:00",
            "expected_attendance": "45000",
        },
    )
    assert made.status_code == 302
    event_url = made.headers["Location"]
    event_id = int(event_url.rstrip("/").split("/")[-1])
    shift = client.post(
        f"/events/{event_id}/plan/shifts",
        data={
            "csrf_token": token,
            "name": "Race morning",
            "starts_at": "2027-10-10T05:30",
            "ends_at": "2027-10-10T11:00",
        },
    )
    assert shift.status_code == 302
    page = client.get(event_url).get_data(as_text=True)
    assert "Race morning" in page and "Sun 10 Oct 2027 05:30 CDT" in page
    bad = client.post(
        f"/events/{event_id}/plan/shifts",
        data={
            "csrf_token": token,
            "name": "Backwards",
            "starts_at": "2027-10-10T11:00",
            "ends_at": "2027-10-10T05:00",
        },
    )
    follow = client.get(bad.headers["Location"]).get_data(as_text=True)
    assert "Nothing was saved: the end time must be after the start time" in follow


def test_refusals_are_in_the_readers_language_and_the_codes_stay(plan):
    _, people = import_roster(plan)
    beach, promenade = plan.zones
    day, late = plan.shifts
    ben = people["Ben Cole"]["id"]
    path = f"/events/{plan.event_id}/assignments"
    plan(
        "POST",
        path,
        json={"person_id": ben, "zone_id": beach, "shift_id": day, "role": "patrol_officer"},
    )
    late_too = {"person_id": ben, "zone_id": promenade, "shift_id": late, "role": "patrol_officer"}
    said = {}
    for lang in ("en", "es", "fr", "ar"):
        answer = plan("POST", path, json=late_too, headers={"Accept-Language": lang})
        assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid"
        assert answer.json["error"]["details"] == {"field": "rules"}
        said[lang] = answer.json["error"]["message"]
    assert said["en"].startswith(f"item 1: person {ben} cannot work shift {late}: already")
    assert said["en"].endswith("(Sat, Jul 18 08:00–16:00), which overlaps it")
    assert said["es"].startswith(f"elemento 1: la persona {ben} no puede trabajar el turno {late}")
    assert "(sáb, 18 jul 8:00–16:00)" in said["es"]  # Babel's own words and clock
    assert said["fr"].startswith(f"élément 1 : la personne {ben} ne peut pas travailler")
    assert "sam. 18 juil." in said["fr"]
    assert said["ar"].startswith("العنصر 1:") and "تتداخل" in said["ar"]
    roster = plan(
        "POST",
        "/personnel/import",
        data={"file": (io.BytesIO(ROSTER.encode()), "roster.csv")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "fr"},
    )
    reasons = [r["reason"] for r in roster.json["refused"]]
    assert reasons[:2] == ["pas de nom", "pas d’organisme"]
    assert reasons[3] == "la même personne qu’à la ligne 2"
