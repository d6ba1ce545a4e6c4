"""Every default reach rule has a label a person reads (web.labels), in every language."""

from __future__ import annotations

from planner.reach import AREA_SOURCE, DEFAULT_RULES, DEFAULT_SOURCE, EVENT_SOURCE
from web.labels import LABELS


def test_every_default_rule_and_source_is_named():
    assert {r.category for r in DEFAULT_RULES} == set(LABELS["reach_rule"])
    assert {DEFAULT_SOURCE, EVENT_SOURCE, AREA_SOURCE} == set(LABELS["reach_origin"])
