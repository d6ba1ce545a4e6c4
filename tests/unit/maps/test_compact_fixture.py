"""The compact table as the Python side makes it, kept in tests/js/fixtures/ for the page's
decoder (static/js/command/threats.js, tested by tests/js/threats.test.mjs): this test fails
when the file is stale, so the two sides cannot drift apart.

Regenerate: .venv/bin/python -m tests.unit.maps.test_compact_fixture
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shapely.geometry import Point, box

from common.audience import threat_for_partner
from maps.compact import threat_table
from threats.models import Threat
from threats.serialize import threat_feature

FIXTURE = Path(__file__).resolve().parents[2] / "js" / "fixtures" / "compact_table.json"
AT = datetime(2027, 8, 21, 15, 0, tzinfo=UTC)
ZONES = {1: "North Avenue Beach", 2: "Oak Street Beach", 3: "Aerobatic box"}


def threat(n: int, **fields) -> dict:
    row = Threat(
        id=n,
        event_id=7,
        kind="Suspicious package",
        category="Security,Safety",
        severity="severe",
        status="new",
        title=f"Bag left by the pier, report {n}",
        instruction="Keep 100 metres away",
        source="cap",
        source_id=f"LFS-{n:05d}",
        geometry=Point(-87.6245678 + n * 1e-5, 41.9112345),
        zone_ids=[1, 2],
        # to the microsecond, as stored: the page keeps the millisecond, the version
        updated_at=AT + timedelta(minutes=n, seconds=n * 7, microseconds=n * 123_456),
        first_seen=AT - timedelta(minutes=10 * n, seconds=n, microseconds=n * 1_000),
    )
    for key, value in fields.items():
        setattr(row, key, value)
    return threat_feature(row, ZONES)


def features() -> list[dict]:
    """One of each thing the decoder must get right: coded words, areas, no shape, other
    languages' words, no category, and a threat seen by a partner."""
    return [
        threat(1),
        threat(2, severity="minor", status="assigned", assignee="Bike 18", category="Met"),
        threat(
            3,
            severity="moderate",
            status="acknowledged",
            geometry=box(-87.63, 41.90, -87.62, 41.91),
            zone_ids=[3],
            texts={"es": {"title": "Bolsa abandonada junto al muelle"}},
        ),
        threat(4, geometry=None, zone_ids=[], category=None, kind="Report"),
        threat_for_partner(threat(5, category="watchlist", kind="Wanted: Mirabel Testarova")),
    ]


def fixture() -> dict:
    made = features()
    return {"features": made, "table": threat_table(made)}


def test_the_decoders_fixture_is_what_maps_compact_makes_now():
    stored = json.loads(FIXTURE.read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(fixture()))  # tuples to lists, as the file has them
    assert stored == fresh, f"{FIXTURE} is stale: regenerate it (see this module's docstring)"


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(fixture(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE}")
