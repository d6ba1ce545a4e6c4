"""The demo feed's replay: one new alert per step, CAP-valid, over the demo zones."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from shapely.geometry import shape

from demo import replay
from demo.seed_service import show_friday
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


def test_the_show_is_the_third_weekend_of_august():
    assert show_friday(date(2026, 11, 28)) == date(2027, 8, 20)  # show Sat 21, Sun 22
    assert show_friday(date(2025, 1, 1)) == date(2025, 8, 15)  # 2025 show was 16-17 Aug
    assert show_friday(date(2024, 8, 17)) == date(2024, 8, 16)
