"""The ICS 204 as a planner fills it: communications and special instructions per division
(zone) and operational period, set on the plan page or through the API, printed in boxes 7
and 8 of that division's form (HTML, PDF, CSV) and no other; "Prepared by" names the user
who made the form. Errors name fields as a person would, and keep the key in `field`."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from accounts.models import User
from tests.factories import db_session, make_event
from tests.support.shapes import SQUARE

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


@pytest.fixture
def division(app, login):
    """A planner (shown as "Alice Adler") with an event, two zones and two periods."""
    planner = login("planner", "alice")
    with db_session(app) as session:
        event_id = make_event(session).id
        user = session.scalar(select(User).where(User.username == "alice"))
        user.display_name = "Alice Adler"
        session.commit()
    http = planner.client
    headers = {"X-CSRFToken": planner.csrf}
    base = f"/api/v1/events/{event_id}"

    def api(method, path, body=None):
        return http.open(base + path, method=method, json=body, headers=headers)

    zones = [
        api("POST", "/zones", {"type": "Feature", "geometry": SQUARE,
                               "properties": {"name": name, "kind": "crowd"}}).json["id"]
        for name in ("Beach", "Promenade")
    ]  # fmt: skip
    shifts = [
        api("POST", "/shifts", {"name": name, "starts_at": start, "ends_at": end}).json["id"]
        for name, start, end in (
            ("Day", "2026-07-18T08:00:00", "2026-07-18T16:00:00"),
            ("Night", "2026-07-18T16:00:00", "2026-07-19T00:00:00"),
        )
    ]
    return planner, api, event_id, zones, shifts


def test_notes_per_division_and_period_print_on_that_form_only(division):
    _, api, _, (beach, _), (day, night) = division
    note = {
        "zone_id": beach,
        "shift_id": day,
        "communications": "Tac 2 (CPD Zone 4)\nSgt. Ruiz 312-555-0101",
        "special_instructions": "Keep the lifeguard lane clear.",
    }
    saved = api("PUT", "/divisions", note)
    assert saved.status_code == 200, saved.json
    assert saved.json["communications"] == note["communications"]
    listed = api("GET", f"/divisions?shift={day}").json["divisions"]
    assert [(n["zone_id"], n["special_instructions"]) for n in listed] == [
        (beach, "Keep the lifeguard lane clear.")
    ]
    assert api("GET", f"/divisions?shift={night}").json["divisions"] == []

    html = api("GET", f"/exports/ics204?shift={day}").get_data(as_text=True)
    beach_form = html.split("ASSIGNMENT LIST (ICS 204)")[1]
    assert "Tac 2 (CPD Zone 4)" in beach_form and "Sgt. Ruiz 312-555-0101" in beach_form
    assert "Keep the lifeguard lane clear." in beach_form
    assert "Prepared by Alice Adler (planner)" in html
    assert "Prepared by eventwatch" not in html
    night_html = api("GET", f"/exports/ics204?shift={night}").get_data(as_text=True)
    assert "Tac 2" not in night_html  # another period's form says nothing of it

    pdf = api("GET", f"/exports/ics204.pdf?shift={day}").data
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "7. Special instructions" in text and "Keep the lifeguard lane clear." in text
    assert "Tac 2 (CPD Zone 4)" in text and "Sgt. Ruiz 312-555-0101" in text
    assert "Prepared by Alice Adler (planner)" in text

    rows = list(csv.DictReader(io.StringIO(api("GET", f"/exports/ics204.csv?shift={day}").text)))
    assert rows == []  # the CSV lists resources: none posted yet, so no rows
    header = api("GET", f"/exports/ics204.csv?shift={day}").text.splitlines()[0]
    assert header.endswith("work_assignment,special_instructions,communications")


def test_the_plan_page_fills_and_clears_a_division_note(division):
    planner, api, event_id, (_, promenade), (_, night) = division
    page = planner.client.get(f"/events/{event_id}?shift={night}").get_data(as_text=True)
    assert 'id="divisions"' in page and f'id="division-{promenade}"' in page
    form = {"csrf_token": planner.csrf, "zone_id": promenade, "shift_id": night,
            "communications": HOSTILE, "special_instructions": "Lights on at dusk"}  # fmt: skip
    answer = planner.client.post(f"/events/{event_id}/plan/divisions", data=form)
    assert answer.status_code == 302 and answer.location.endswith("#divisions")
    page = planner.client.get(f"/events/{event_id}?shift={night}").get_data(as_text=True)
    assert "Saved the ICS 204 notes for Promenade." in page
    assert HOSTILE not in page  # markup shown as text, never as markup
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    html = api("GET", f"/exports/ics204?shift={night}").get_data(as_text=True)
    assert HOSTILE not in html and "&lt;script&gt;" in html and "Lights on at dusk" in html
    pdf = api("GET", f"/exports/ics204.pdf?shift={night}").data
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert HOSTILE in text  # printed as written
    form |= {"communications": "", "special_instructions": ""}
    planner.client.post(f"/events/{event_id}/plan/divisions", data=form)
    html = api("GET", f"/exports/ics204?shift={night}").get_data(as_text=True)
    assert "Lights on at dusk" not in html


def test_refusals_name_the_field_in_words_and_keep_the_key(division):
    planner, api, event_id, (beach, _), (day, _) = division
    missing = api("PUT", "/divisions", {"shift_id": day, "communications": "Tac 2"})
    assert missing.status_code == 400
    assert missing.json["error"]["message"] == "choose the zone"
    assert missing.json["error"]["details"]["field"] == "zone_id"
    other = api("PUT", "/divisions", {"zone_id": beach, "shift_id": 999999})
    assert other.status_code == 404
    long = api("PUT", "/divisions", {"zone_id": beach, "shift_id": day,
                                     "communications": "x" * 2001})  # fmt: skip
    assert long.json["error"]["message"] == "communications is longer than 2000 characters"
    bad = api("POST", "/shifts", {"name": "Odd", "starts_at": "soon", "ends_at": "later"})
    assert bad.json["error"]["message"] == "start time: 'soon' is not an ISO 8601 date-time"
    assert bad.json["error"]["details"]["field"] == "starts_at"
    backwards = api("POST", "/shifts", {"name": "Back", "starts_at": "2026-07-18T10:00",
                                        "ends_at": "2026-07-18T09:00"})  # fmt: skip
    assert backwards.json["error"]["message"] == "the end time must be after the start time"
    assert backwards.json["error"]["details"]["field"] == "ends_at"
    french = planner.client.open(
        f"/api/v1/events/{event_id}/shifts",
        method="POST",
        json={"name": "Odd", "starts_at": "soon", "ends_at": "later"},
        headers={"X-CSRFToken": planner.csrf, "Accept-Language": "fr"},
    )
    assert "starts_at" not in french.json["error"]["message"]
