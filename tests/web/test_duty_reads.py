"""Who a commander can send (GET /duty) and who was sent (a threat's `diverted`), over HTTP:
on duty first, then diverted, then posted now and not checked in; off duty left out; a
divert names the zone the person came from; partners read neither."""

from __future__ import annotations

from shapely.geometry import Point

from common.times import utcnow
from planner import deployment_service, people_service, roles_service
from planner.models import Event
from tests.factories import db_session, make_event, make_fixture_zones, make_shift_now, write
from threats.models import Threat


def setting(app):
    """An event with two zones, a period in force now, four people posted in it, a threat."""
    with db_session(app) as session:
        event = make_event(session)
        zones = make_fixture_zones(session, event)
        first, second = (z.id for z in zones.values())
        shift = make_shift_now(session, event)
        people, book = {}, roles_service.book(session)
        for name, unit in (
            ("Ada Wells", "Bike 18"),
            ("Bo Ruiz", "Bike 18"),
            ("Cy Ng", ""),
            ("Di Oz", ""),
        ):
            data = {"name": name, "agency": "Chicago PD", "unit": unit, "roles": ["patrol_officer"]}
            people[name] = people_service.create_person(write(session), data, book).result.id
        people_service.make_available(write(session), event, {"person_ids": list(people.values())})
        posts = [
            {"person_id": pid, "zone_id": first, "shift_id": shift.id, "role": "patrol_officer"}
            for pid in people.values()
        ]
        deployment_service.assign_people(write(session), event, posts)
        threat = Threat(
            event_id=event.id, source="desk", source_id="D-1", kind="Fight", title="Fight",
            geometry=Point(-87.62, 41.91), zone_ids=[second], first_seen=utcnow(),
            updated_at=utcnow(),
        )  # fmt: skip
        session.add(threat)
        session.commit()
        return event.id, people, threat.id, first, second


def test_duty_lists_who_can_be_sent_and_a_divert_shows_on_the_threat(app, login):
    event, people, threat, first, second = setting(app)
    commander = login("commander")
    send = lambda body: commander.client.post(  # noqa: E731
        f"/api/v1/events/{event}/checkins", json=body, headers={"X-CSRFToken": commander.csrf}
    )
    assert (
        send({"person_id": people["Bo Ruiz"], "action": "in", "zone_id": second}).status_code == 201
    )
    assert send({"person_id": people["Di Oz"], "action": "out"}).status_code == 201
    diverted = send({"person_id": people["Cy Ng"], "action": "divert", "threat_id": threat})
    assert diverted.status_code == 201
    assert diverted.get_json()["zone_id"] == first  # sent from where they were posted
    duty = commander.client.get(f"/api/v1/events/{event}/duty").get_json()["people"]
    assert [(p["name"], p["status"], p["unit"]) for p in duty] == [
        ("Bo Ruiz", "on_duty", "Bike 18"),
        ("Cy Ng", "diverted", ""),
        ("Ada Wells", "planned", "Bike 18"),
    ]
    assert duty[0]["agency"] == "Chicago PD" and duty[0]["role"] == "patrol_officer"
    assert duty[0]["zone_id"] == second and duty[2]["zone_id"] == first
    props = commander.client.get(f"/api/v1/events/{event}/threats/{threat}").get_json()[
        "properties"
    ]
    [here] = props["diverted"]
    assert (here["name"], here["agency"], here["from_zone_id"]) == ("Cy Ng", "Chicago PD", first)
    assert here["from_zone"] and here["at"]
    # Back on duty elsewhere: no longer at the threat.
    assert (
        send({"person_id": people["Cy Ng"], "action": "in", "zone_id": second}).status_code == 201
    )
    props = commander.client.get(f"/api/v1/events/{event}/threats/{threat}").get_json()[
        "properties"
    ]
    assert props["diverted"] == []


def test_partners_read_neither_who_is_on_duty_nor_who_was_diverted(app, login):
    event, _people, threat, _first, _second = setting(app)
    partner = login("partner")
    assert partner.client.get(f"/api/v1/events/{event}/duty").status_code == 403
    props = partner.client.get(f"/api/v1/events/{event}/threats/{threat}").get_json()["properties"]
    assert "diverted" not in props


def test_a_check_in_takes_a_known_role_by_code_or_label_and_refuses_any_other(app, login):
    event, people, _threat, first, _second = setting(app)
    commander = login("commander")
    send = lambda body: commander.client.post(  # noqa: E731
        f"/api/v1/events/{event}/checkins",
        json={"person_id": people["Ada Wells"], "action": "in", "zone_id": first} | body,
        headers={"X-CSRFToken": commander.csrf},
    )
    by_label = send({"role": "Bike Team"})
    assert by_label.status_code == 201, by_label.get_json()
    assert (by_label.get_json()["role"], by_label.get_json()["role_label"]) == (
        "bike_team",
        "Bike team",
    )
    in_french = send({"role": "Agent de patrouille"})
    assert in_french.get_json()["role"] == "patrol_officer"
    assert send({}).get_json()["role"] == "patrol_officer"  # as planned for now
    typo = send({"role": "patrol oficer"})
    assert typo.status_code == 400
    error = typo.get_json()["error"]
    assert error["details"] == {"field": "role"}
    assert error["message"] == (
        "unknown role 'patrol oficer': did you mean Patrol officer (patrol_officer)?"
    )
    assert send({"role": "<b>chef</b>"}).status_code == 400
    duty = commander.client.get(f"/api/v1/events/{event}/checkins").get_json()["checkins"]
    [ada] = [c for c in duty if c["person_id"] == people["Ada Wells"]]
    assert ada["role"] == "patrol_officer"  # the refused check-ins wrote nothing


def test_an_assignment_by_the_api_needs_the_person_available_to_the_event(app, login):
    event, _people, _threat, first, _second = setting(app)
    with db_session(app) as session:
        book = roles_service.book(session)
        data = {"name": "Eve Lam", "agency": "Chicago PD", "roles": ["patrol_officer"]}
        eve = people_service.create_person(write(session), data, book).result.id
        session.commit()
        shift = session.get(Event, event).shifts[0].id
    planner = login("planner")
    headers = {"X-CSRFToken": planner.csrf}
    post = {"person_id": eve, "zone_id": first, "shift_id": shift, "role": "patrol_officer"}
    refused = planner.client.post(f"/api/v1/events/{event}/assignments", json=post, headers=headers)
    assert refused.status_code == 400
    error = refused.get_json()["error"]
    assert error["details"] == {"field": "person_id"}
    assert error["message"].startswith("item 1: Eve Lam is not available to this event: add them")
    assert f"/api/v1/events/{event}/people" in error["message"]
    listed = planner.client.get(f"/api/v1/events/{event}/assignments").get_json()["assignments"]
    assert eve not in {a["person_id"] for a in listed}
    made = planner.client.post(
        f"/api/v1/events/{event}/people", json={"person_ids": [eve]}, headers=headers
    )
    assert made.status_code == 200
    again = planner.client.post(f"/api/v1/events/{event}/assignments", json=post, headers=headers)
    assert again.status_code == 201, again.get_json()
