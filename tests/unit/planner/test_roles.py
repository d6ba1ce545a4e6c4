"""Roles: a code looked up from any of its labels, said per language, the nearest suggested."""

from __future__ import annotations

import pytest

from planner.roles import STANDARD_ROLES, Role, RoleBook, default_label
from planner.roster import read_roster

BOOK = RoleBook(Role(code, labels) for code, labels in STANDARD_ROLES.items())


@pytest.mark.parametrize(
    "written",
    ["bike_team", "Bike team", "BIKE-TEAM", " bike  team ", "Équipe cycliste", "فريق الدراجات"],
)
def test_a_role_is_found_by_its_code_or_any_label(written):
    assert BOOK.find(written) == "bike_team"


def test_a_label_is_said_in_the_readers_language_else_english_else_from_the_code():
    assert BOOK.label("crowd_manager", "fr") == "Gestionnaire de foule"
    assert BOOK.label("crowd_manager", "de") == "Crowd manager"
    assert RoleBook([Role("traffic_warden")]).label("traffic_warden", "es") == "Traffic warden"
    assert BOOK.label("unknown_code", "es") == "unknown_code"  # shown as stored
    assert default_label("k9") == "K9"


@pytest.mark.parametrize(
    ("written", "nearest"),
    [
        ("bike tem", "bike_team"),
        ("patrol oficer", "patrol_officer"),
        ("seargent", "sergeant"),
        ("crowd managr", "crowd_manager"),
        ("marine", "marine_unit"),
    ],
)
def test_an_unknown_role_is_offered_the_nearest_known_one(written, nearest):
    assert BOOK.find(written) is None
    assert BOOK.nearest(written).code == nearest


def test_nothing_is_offered_when_nothing_is_near():
    assert BOOK.nearest("zzqx") is None
    assert RoleBook([]).nearest("bike") is None


def test_a_roster_line_with_an_unknown_role_is_refused_alone_with_a_suggestion():
    data = (
        b"name,agency,unit,roles,badge\n"
        b"Ana Ruiz,CPD,18th,patrol_officer,1\n"
        b"Ben Ode,CPD,Bike,Bike team;Patrol officer,2\n"
        b"Cy Ng,CPD,Bike,bike tem,3\n"
        b"Dee Fox,CPD,,zzqx,4\n"
    )
    roster = read_roster(data, BOOK)
    assert [r.name for r in roster.rows] == ["Ana Ruiz", "Ben Ode"]
    assert roster.rows[1].roles == ("bike_team", "patrol_officer")
    assert [(r.line, r.reason) for r in roster.refused] == [
        (4, "unknown role 'bike tem' on line 4: did you mean Bike team (bike_team)?"),
        (5, "unknown role 'zzqx' on line 5: add it to the roles first"),
    ]
    assert roster.refused[0].reason.values["label"].names["fr"] == "Équipe cycliste"
