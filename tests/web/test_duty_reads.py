"""Who a commander can send (GET /duty) and who was sent (a threat's `diverted`), over HTTP:
on duty first, then diverted, then posted now and not checked in; off duty left out; a
divert names the zone the person came from; partners read neither."""

from __future__ import annotations

from shapely.geometry import Point

from common.times import utcnow
from planner import deployment_service, people_service
from tests.factories import db_session, make_event, make_fixture_zones, make_shift_now, write
from threats.models import Threat


def setting(app):
    """An event with two zones, a period in force now, four people posted in it, a threat."""
    with db_session(app) as session:
        event = make_event(session)
        zones = make_fixture_zones(session, event)
        first, second = (z.id for z in zones.values())
        shift = make_shift_now(session, event)
        people = {}
        for name, unit in (
            ("Ada Wells", "Bike 18"),
            ("Bo Ruiz", "Bike 18"),
            ("Cy Ng", ""),
            ("Di Oz", ""),
        ):
            data = {"name": name, "agency": "Chicago PD", "unit": unit, "roles": ["patrol"]}
            people[name] = people_service.create_person(write(session), data).result.id
        posts = [
            {"person_id": pid, "zone_id": first, "shift_id": shift.id, "role": "patrol"}
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
    assert duty[0]["agency"] == "Chicago PD" and duty[0]["role"] == "patrol"
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
