"""The Changes page speaks in actions ("Alice resolved threat “Gas leak”", "Bob imported
3 zones"), with the raw entry under each and the whole raw log as CSV for auditors; names
carrying markup are shown as text."""

from __future__ import annotations

import csv
import io
import json

from shapely.geometry import Point
from sqlalchemy import select

from accounts.models import User
from common.times import utcnow
from tests.factories import db_session, make_event
from threats.models import Threat

HOSTILE = '<img src=x onerror="alert(1)">Mallory'


def zones_file(count: int) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"Beach {n}"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-87.626 + n / 1000, 41.911], [-87.625 + n / 1000, 41.911],
                                 [-87.625 + n / 1000, 41.912], [-87.626 + n / 1000, 41.911]]],
            },
        }
        for n in range(count)
    ]  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def named(app, username: str, display_name: str) -> None:
    with db_session(app) as session:
        session.scalar(select(User).where(User.username == username)).display_name = display_name
        session.commit()


def test_the_changes_page_says_what_people_did(app, login):
    with db_session(app) as session:
        event = make_event(session)
        threat = Threat(event_id=event.id, kind="Gas leak", category="Safety", status="new",
                        severity="severe", source="desk", source_id="DESK-1", zone_ids=[],
                        title="Gas leak", geometry=Point(-87.625, 41.912))  # fmt: skip
        threat.sent_at = threat.first_seen = threat.updated_at = utcnow()
        session.add(threat)
        session.commit()
        event_id, threat_id = event.id, threat.id
    alice = login("commander", "alice")
    bob = login("planner", "bob")
    mallory = login("planner", "mallory")
    named(app, "alice", "Alice")
    named(app, "bob", "Bob")
    named(app, "mallory", HOSTILE)
    base = f"/api/v1/events/{event_id}"
    for status in ("acknowledged", "resolved"):
        done = alice.client.patch(
            f"{base}/threats/{threat_id}",
            json={"status": status},
            headers={"X-CSRFToken": alice.csrf},
        )
        assert done.status_code == 200, done.json
    imported = bob.client.post(
        f"{base}/zones/import",
        data={"file": (io.BytesIO(zones_file(3)), "zones.geojson")},
        content_type="multipart/form-data",
        headers={"X-CSRFToken": bob.csrf},
    )
    assert imported.status_code == 201, imported.json
    mallory.client.post(
        f"{base}/shifts",
        json={"name": "Late <b>watch</b>", "starts_at": "2026-07-18T20:00",
              "ends_at": "2026-07-18T23:00"},
        headers={"X-CSRFToken": mallory.csrf},
    )  # fmt: skip
    refused = mallory.client.post(
        f"{base}/shifts",
        json={"name": "Backwards", "starts_at": "2026-07-18T20:00",
              "ends_at": "2026-07-18T19:00"},
        headers={"X-CSRFToken": mallory.csrf},
    )  # fmt: skip
    assert refused.status_code == 400

    page = bob.client.get(f"/events/{event_id}/changes").get_data(as_text=True)
    said = [cell.split("</td>")[0] for cell in page.split('<td class="said">')[1:]]
    assert said[-1] == "Alice acknowledged threat “Gas leak”"
    assert said[-2] == "Alice resolved threat “Gas leak”"
    assert said[-3] == "Bob imported 3 zones"
    escaped = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Mallory"
    assert said[-4] == f"{escaped} added operational period “Late &lt;b&gt;watch&lt;/b&gt;”"
    assert said[0].startswith(f"{escaped} tried a change that was refused: ")
    assert HOSTILE not in page and "<b>watch</b>" not in page
    assert "PATCH" in page  # the raw entry stays under each sentence

    raw = bob.client.get(f"/events/{event_id}/changes.csv")
    assert raw.status_code == 200 and raw.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(raw.get_data(as_text=True))))
    assert [r["action"] for r in rows][-3:] == ["zone.import", "threat.update", "threat.update"]
    assert rows[-1]["method"] == "PATCH" and rows[-1]["status"] == "200"
    assert json.loads(rows[-2]["after"])["status"] == "resolved"
    assert login("partner").client.get(f"/events/{event_id}/changes.csv").status_code == 403
