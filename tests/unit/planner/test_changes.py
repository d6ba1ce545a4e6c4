"""Audit entries said as what a person did (planner/changes.py), in English here."""

from __future__ import annotations

from planner.changes import Entry, sentence


def said(action: str, after=None, before=None, status: int = 200) -> str:
    entry = Entry("Alice", action, "", before, after, status, {7: "Dana Reyes"}, {3: "Oak St"})
    return str(sentence(entry))


def test_threats_say_what_happened_to_them():
    title = {"title": "Lost child"}
    assigned = title | {"status": "assigned", "assignee": "Bike 4"}
    assert said("threat.update", assigned, title | {"status": "new"}) == (
        "Alice assigned threat “Lost child” to Bike 4"
    )
    assert said("threat.update", title | {"status": "new"}, title | {"status": "resolved"}) == (
        "Alice reopened threat “Lost child”"
    )
    assert said("threat.update", title | {"status": "dismissed"}, title | {"status": "new"}) == (
        "Alice dismissed threat “Lost child”"
    )


def test_staffing_and_zones_count_and_name():
    assert said("zone.import", {"zones": {"features": [{}] * 40}}) == "Alice imported 40 zones"
    assert said("zone.import", {"zones": {"features": [{}]}}) == "Alice imported 1 zone"
    assert said("zone.delete", None, {"properties": {"name": "Gate 4"}}) == (
        "Alice deleted zone “Gate 4”"
    )
    assert said("checkin.on_duty", {"person_id": 7, "zone_id": 3}) == (
        "Alice checked Dana Reyes in, in Oak St"
    )
    assert said("assignments.create", {"assignments": [{}, {}]}) == "Alice assigned 2 people"
    assert (
        said("division_note.update", {"zone_id": 3}) == "Alice wrote the ICS 204 notes for Oak St"
    )


def test_refusals_and_unknown_actions_still_read():
    assert said("plan_forms.rules", {"refused": "minimum rest (hours) is required"}) == (
        "Alice tried a change that was refused: minimum rest (hours) is required"
    )
    assert (
        said("zone.create", None, status=409) == "Alice tried a change that was refused: answer 409"
    )
    assert said("credentials.import", {"created": 3}) == "Alice: credentials.import"
