"""ICS forms: the 204's leader, the 215's totals, and CSV that a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io

from planner.gaps import Gap
from planner.ics import Resource, ics204, ics204_csv, ics215, ics215_csv, totals215


def test_the_most_senior_role_leads_the_division():
    people = {
        1: [
            Resource("Ann", "CPD", "", "patrol_officer", ""),
            Resource("Bo", "CPD", "", "sergeant", "312"),
        ]
    }
    [form] = ics204([(1, "Beach", "crowd", "")], people, {1: 3}, "Sat show")
    assert form.leader.name == "Bo" and form.required == 3


def test_a_name_that_looks_like_a_formula_is_not_run_by_a_spreadsheet():
    people = {1: [Resource("=HYPERLINK(1)", "CPD", "", "patrol_officer", "+1 312")]}
    text = ics204_csv(ics204([(1, "@Beach", "crowd", "")], people, {}, "Sat"))
    [row] = csv.DictReader(io.StringIO(text))
    assert row["name"].startswith("'=") and row["division"].startswith("'@")
    assert row["contact"] == "'+1 312"


def test_the_215_need_total_is_the_sum_of_each_zones_need():
    rows = ics215(
        [Gap(1, 9, "patrol_officer", 3, 1), Gap(2, 9, "patrol_officer", 1, 4)],
        {1: "Beach", 2: "Trail"},
    )
    [total] = totals215(rows)
    # A surplus of 3 on the trail fills no gap on the beach.
    assert (total.required, total.have, total.need) == (4, 5, 2)
    assert "Beach,patrol_officer,3,1,2" in ics215_csv(rows)
