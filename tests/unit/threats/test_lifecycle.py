"""Threat status changes a commander may make, and severity from CAP's three axes."""

from __future__ import annotations

import pytest

from threats.lifecycle import LifecycleError, cap_severity, change


def test_a_new_threat_is_acknowledged_assigned_and_resolved():
    step = change("new", "", {"status": "acknowledged"})
    assert (step.status, step.assignee) == ("acknowledged", "")
    step = change("acknowledged", "", {"status": "assigned", "assignee": "CPD Bike 18"})
    assert step.assignee == "CPD Bike 18"
    assert change("assigned", "CPD Bike 18", {"status": "resolved", "note": "bag was lunch"}).note


@pytest.mark.parametrize(
    "current, request_, words",
    [
        ("new", {"status": "assigned"}, "to whom"),
        ("resolved", {"status": "assigned", "assignee": "x"}, "cannot become"),
        ("new", {"status": "gone"}, "status must be one of"),
        ("new", {}, "nothing to change"),
        ("new", {"note": 7}, "note must be text"),
    ],
)
def test_refused_changes_say_why(current, request_, words):
    with pytest.raises(LifecycleError, match=words):
        change(current, "", request_)


def test_a_dismissed_threat_can_be_reopened_and_a_note_alone_is_a_change():
    assert change("dismissed", "", {"status": "new"}).status == "new"
    assert change("new", "", {"note": "caller rang back"}).status == "new"


@pytest.mark.parametrize(
    "axes, severity",
    [
        (("Severe", "Immediate", "Observed"), "severe"),
        (("Severe", "Past", "Observed"), "moderate"),
        (("Extreme", "Expected", "Unlikely"), "severe"),
        (("Minor", "Past", "Observed"), "minor"),
        (("Unknown", "Immediate", "Observed"), "unknown"),
    ],
)
def test_severity_is_lowered_for_what_is_past_or_unlikely(axes, severity):
    assert cap_severity(*axes) == severity
