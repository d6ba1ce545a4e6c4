"""Roles and the people available to an event, through the API and the pages: a managed list
with a label per language, a stable code, and auto-assign drawing only on the event's people."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from planner.models import Agency
from tests.factories import db_session, make_event, make_token
from tests.support.shapes import SQUARE

ROSTER = """name,agency,unit,roles,badge
Ana Ruiz,Harbour Stewards,North,Crowd manager,H1
Ben Cole,Harbour Stewards,North,crowd_manager,H2
Cy Dunn,Lake Patrol,,Patrol officer,L1
"""


@pytest.fixture
def desk(app, client):
    """A planner's API client on an event with a zone and a shift, and a roster imported to
    the shared list (not to the event)."""
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
        token = make_token(session, "planner")

    def call(method, path, **kwargs):
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    feature = {
        "type": "Feature",
        "geometry": SQUARE,
        "properties": {"name": "Pier", "kind": "crowd"},
    }
    call.zone = call("POST", f"/events/{event_id}/zones", json=feature).json["id"]
    day = {"name": "Day", "starts_at": "2026-07-18T08:00:00", "ends_at": "2026-07-18T16:00:00"}
    call.shift = call("POST", f"/events/{event_id}/shifts", json=day).json["id"]
    upload = {"file": (io.BytesIO(ROSTER.encode()), "roster.csv")}
    assert call("POST", "/personnel/import", data=upload).json["created"] == 3
    call.people = {p["name"]: p for p in call("GET", "/personnel").json["personnel"]}
    call.event = event_id
    return call


def test_roles_are_listed_with_their_labels_in_every_language(desk):
    roles = {r["code"]: r["labels"] for r in desk("GET", "/roles").json["roles"]}
    assert roles["crowd_manager"]["ar"] == "مدير الحشود"
    assert set(roles) >= {"crowd_manager", "patrol_officer", "sergeant", "emt", "bike_team"}


def test_a_role_is_added_renamed_and_keeps_its_code(desk):
    made = desk(
        "POST", "/roles", json={"labels": {"en": "Traffic warden", "fr": "Agent de circulation"}}
    )
    assert made.status_code == 201 and made.json["code"] == "traffic_warden"
    need = {"zone_id": desk.zone, "shift_id": desk.shift, "role": "Traffic warden", "required": 2}
    assert desk("POST", f"/events/{desk.event}/requirements", json=[need]).status_code == 200
    renamed = desk(
        "PATCH",
        "/roles/traffic_warden",
        json={"labels": {"en": "Traffic steward", "es": "Controlador de tráfico"}},
    )
    assert renamed.json == {
        "code": "traffic_warden",
        "labels": {
            "en": "Traffic steward",
            "fr": "Agent de circulation",
            "es": "Controlador de tráfico",
        },
    }
    stored = desk("GET", f"/events/{desk.event}/requirements").json["requirements"]
    assert [r["role"] for r in stored] == ["traffic_warden"]  # the code, whatever the label


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"labels": {"en": "Bike team"}}, "code", "there is already a role Bike team (bike_team)"),
        ({"labels": {"en": "Cyclists", "fr": "Équipe cycliste"}}, "code", "already a role"),
        ({"labels": {"fr": "Plongeur"}}, "labels", "a role needs an English label"),
        ({"labels": {"en": "Diver", "de": "Taucher"}}, "labels", "unknown language 'de'"),
        ({"labels": {"en": "Div\x07er"}}, "labels", "on one line"),
        ({"code": "1st", "labels": {"en": "First"}}, "code", "starting with a letter"),
        ([], None, "send {code"),
    ],
)
def test_a_role_that_cannot_be_added_is_refused_by_name(desk, body, field, says):
    answer = desk("POST", "/roles", json=body)
    assert answer.status_code == 400 and says in answer.json["error"]["message"]
    if field:
        assert answer.json["error"]["details"] == {"field": field}


def test_a_label_another_role_has_is_refused_and_an_unknown_code_is_named(desk):
    answer = desk("PATCH", "/roles/emt", json={"labels": {"en": "Sergeant"}})
    assert answer.status_code == 400 and "already names the role sergeant" in answer.text
    assert "no role 'diver'" in desk("PATCH", "/roles/diver", json={"labels": {"en": "X"}}).text


def test_an_unknown_role_is_refused_with_the_nearest_one_in_the_readers_language(desk):
    person = {"name": "Dee Park", "agency": "Lake Patrol", "roles": ["patrol oficer"]}
    answer = desk("POST", "/personnel", json=person, headers={"Accept-Language": "fr"})
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == (
        "rôle inconnu « patrol oficer » : vouliez-vous dire Agent de patrouille (patrol_officer) ?"
    )
    need = {"zone_id": desk.zone, "shift_id": desk.shift, "role": "crowd manger", "required": 2}
    answer = desk("POST", f"/events/{desk.event}/requirements", json=[need])
    assert answer.json["error"]["message"] == (
        "item 1: unknown role 'crowd manger': did you mean Crowd manager (crowd_manager)?"
    )


def test_auto_assign_draws_only_on_the_people_available_to_the_event(desk):
    e = desk.event
    need = {"zone_id": desk.zone, "shift_id": desk.shift, "role": "crowd_manager", "required": 5}
    desk("POST", f"/events/{e}/requirements", json=[need])
    nobody = desk("POST", f"/events/{e}/assignments/auto", json={"apply": False}).json
    assert nobody["filled"] == 0 and nobody["shortages"][0]["available"] == 0
    ana = desk.people["Ana Ruiz"]["id"]
    added = desk("POST", f"/events/{e}/people", json={"person_ids": [ana]})
    assert added.status_code == 200 and added.json["added"] == 1
    plan = desk("POST", f"/events/{e}/assignments/auto", json={}).json
    assert [a["person_id"] for a in plan["assignments"]] == [ana]
    (short,) = plan["shortages"]
    assert (short["available"], short["assigned"], short["short"]) == (1, 1, 4)
    assert short["explanation"].startswith("Crowd manager: 5 required in shift Day, 1 available")
    listed = desk("GET", f"/events/{e}/people").json["people"]
    assert [p["name"] for p in listed] == ["Ana Ruiz"]


def test_whole_agencies_are_made_available_and_people_taken_off(app, desk):
    e = desk.event
    with db_session(app) as session:
        harbour = session.scalar(select(Agency.id).where(Agency.name == "Harbour Stewards"))
    cy = desk.people["Cy Dunn"]["id"]
    assert desk("POST", f"/events/{e}/people", json={"person_ids": [cy]}).json["added"] == 1
    added = desk("POST", f"/events/{e}/people", json={"agency_ids": [harbour], "person_ids": [cy]})
    assert added.json["added"] == 2  # Cy was available already
    names = {p["name"] for p in desk("GET", f"/events/{e}/people").json["people"]}
    assert names == {"Ana Ruiz", "Ben Cole", "Cy Dunn"}
    assert desk("DELETE", f"/events/{e}/people", json={"person_ids": [cy]}).json["removed"] == 1
    names = {p["name"] for p in desk("GET", f"/events/{e}/people").json["people"]}
    assert names == {"Ana Ruiz", "Ben Cole"}
    refused = desk("POST", f"/events/{e}/people", json={"person_ids": [99999]})
    assert refused.status_code == 400 and "no active person 99999" in refused.text
    assert desk("POST", f"/events/{e}/people", json={}).status_code == 400
    assert desk("POST", f"/events/{e}/people", json={"person_ids": ["1"]}).status_code == 400


def test_the_pages_show_labels_in_the_readers_language(app, desk, login):
    planner = login("planner", "plan", **{"Accept-Language": "es"})
    page = planner.client.post(
        "/roles",
        data={"csrf_token": planner.csrf, "label_en": "Lifeguard", "label_es": "Socorrista"},
        headers={"Accept-Language": "es"},
    )
    assert page.status_code == 302 and page.headers["Location"].endswith("/roles#role-lifeguard")
    need = {"zone_id": desk.zone, "shift_id": desk.shift, "role": "lifeguard", "required": 1}
    desk("POST", f"/events/{desk.event}/requirements", json=[need])
    spanish = {"Accept-Language": "es"}
    html = planner.client.get(f"/events/{desk.event}", headers=spanish).get_data(as_text=True)
    assert "<td>Socorrista</td>" in html  # the gap table
    assert "Gestor de multitudes" in html and ">crowd_manager<" not in html
    listing = planner.client.get("/roles", headers=spanish).get_data(as_text=True)
    assert 'id="role-lifeguard"' in listing and 'value="Socorrista"' in listing


def test_a_roster_imported_into_the_event_from_the_page_reports_its_refusals(desk, login):
    planner = login("planner", "plan")
    data = {
        "csrf_token": planner.csrf,
        "file": (io.BytesIO(b"name,agency,roles\nEd Moss,Harbour Stewards,bike tem\n"), "r.csv"),
    }
    page = planner.client.post(f"/events/{desk.event}/plan/people/import", data=data)
    assert page.status_code == 302 and page.headers["Location"].endswith("#people-report")
    html = planner.client.get(page.headers["Location"]).get_data(as_text=True)
    assert "0 added, 0 updated, 1 refused; 0 available to the event" in html
    assert "unknown role &#39;bike tem&#39; on line 2: did you mean Bike team (bike_team)?" in html
