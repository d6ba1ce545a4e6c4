"""The demo feed's replay: one new alert per step, CAP-valid, over the demo zones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from shapely.geometry import shape

from demo import replay
from demo.seed_service import CHICAGO, watches
from threats.feeds import cap
from threats.matching import ZoneIndex

START = datetime(2027, 8, 21, 15, 0, tzinfo=UTC)
ZONES = Path(replay.__file__).parent / "zones.geojson"


def visible(seconds: float) -> list[replay.Replayed]:
    return replay.schedule(
        START, START + timedelta(seconds=seconds), step_s=30, lifetime_s=180, first_s=30
    )


def test_one_more_alert_each_step_and_each_lives_its_lifetime():
    assert visible(29) == []
    assert [a.identifier[-4:] for a in visible(30)] == ["0000"]
    assert [a.identifier[-4:] for a in visible(95)] == ["0000", "0001", "0002"]
    assert [a.identifier[-4:] for a in visible(30 + 180 + 1)] == [
        "0001",
        "0002",
        "0003",
        "0004",
        "0005",
        "0006",
    ]


def test_every_template_renders_to_a_cap_alert_over_a_demo_zone():
    collection = json.loads(ZONES.read_text())
    index = ZoneIndex.of([(i, shape(f["geometry"])) for i, f in enumerate(collection["features"])])
    alerts = visible(30 + 5 * 30)
    assert len(alerts) == len(replay.templates()) == 6
    for item in alerts:
        alert = cap.parse_alert(replay.render(item))
        assert alert.identifier == item.identifier
        assert alert.sent == item.appears_at
        assert alert.expires == item.expires_at
        assert index.match_zones(alert.geometry), alert.info.event


def test_the_atom_index_lists_the_visible_alerts():
    alerts = visible(100)
    body = replay.atom_index(alerts, "http://127.0.0.1:5000/x", lambda i: f"http://h/{i}.xml")
    entries = cap.parse_atom_index(body)
    assert [e.link for e in entries] == [f"http://h/{a.identifier}.xml" for a in alerts]


def test_the_demo_runs_now_whenever_it_is_opened():
    """Day watches 07:00-19:00 and overnight watches in Chicago, yesterday to tomorrow: one
    of them is in force at any hour, daylight saving or not."""
    for now in (
        datetime(2026, 12, 6, 20, 0, tzinfo=UTC),  # 14:00 in Chicago
        datetime(2026, 12, 6, 5, 30, tzinfo=UTC),  # 23:30 the day before
        datetime(2027, 3, 14, 8, 0, tzinfo=UTC),  # the night the clocks go forward
        datetime(2027, 8, 21, 15, 0, tzinfo=UTC),  # the show's own Saturday
    ):
        periods = watches(now)
        assert [name for name, starts, ends, _ in periods if starts <= now < ends]
        assert all(a[2] == b[1] for a, b in pairwise(periods))
        assert {s.astimezone(CHICAGO).hour for _, s, _, _ in periods} == {7, 19}
    names = [name for name, *_ in watches(datetime(2026, 12, 6, 20, 0, tzinfo=UTC))]
    assert names[:3] == ["Saturday show", "Saturday overnight", "Sunday show"]
