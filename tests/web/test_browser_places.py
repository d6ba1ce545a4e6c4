"""Where the event lies, in Chromium on the demo: the planner adds the county its zones lie
in with one click, and the command view lists an alert with no polygon as the whole event."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import first_login, wait_until

pytestmark = pytest.mark.browser


def test_the_planner_adds_the_suggested_county_in_one_click(chromium, demo_server):
    page = chromium.new_page(viewport={"width": 1600, "height": 1000})
    first_login(page, demo_server)
    page.goto(demo_server.url + "/events/1")
    suggestion = page.locator("#places form.suggestion")
    assert "Your zones lie in Cook County, IL: SAME 017031, UGC ILC031" in suggestion.inner_text()
    with page.expect_navigation():
        suggestion.locator("button").click()
    assert "Saved 2 place codes." in page.inner_text(".flash.info")
    listed = page.locator("#places ul.places li").all_inner_texts()
    assert listed == ["017031 SAME county · Cook County, IL", "ILC031 UGC county · Cook County, IL"]
    assert page.locator("#places form.suggestion").count() == 0
    page.fill("#places input[name=geocodes]", "017031 ILC031 ilz014")
    with page.expect_navigation():
        page.click("#places button:has-text('Save place codes')")
    assert page.locator("#places ul.places li").count() == 3
    assert page.input_value("#places input[name=geocodes]") == "017031 ILC031 ILZ014"


def test_the_command_view_lists_an_alert_with_no_polygon_as_the_whole_event(chromium, demo_server):
    _whole_event_threat(demo_server.instance)
    page = chromium.new_page(viewport={"width": 1600, "height": 1000})
    first_login(page, demo_server)
    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, "window.eventwatch && window.eventwatch.lastSeq() !== null")
    row = page.locator("#threat-list li.threat", has_text="Heat Advisory")
    row.wait_for()
    assert row.locator(".zones").inner_text() == "whole event: Cook County, IL (SAME 017031)"
    row.locator(".title").click()
    detail = page.locator("#threat-detail .whole-event")
    detail.wait_for()
    assert detail.inner_text() == "whole event: Cook County, IL (SAME 017031)"


def _whole_event_threat(instance: Path) -> None:
    """A heat advisory as ingest_alert leaves one that reached event 1 by its county code."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from common.times import utcnow
    from planner.models import Zone
    from threats.models import Threat

    engine = create_engine(f"sqlite:///{instance / 'eventwatch.db'}")
    with Session(engine) as session:
        zone_ids = list(session.scalars(select(Zone.id).where(Zone.event_id == 1)))
        now = utcnow()
        session.add(
            Threat(
                event_id=1, source="NWS", source_id="HEAT-1", kind="Heat Advisory",
                category="Met", severity="moderate", title="Heat Advisory",
                zone_ids=zone_ids, places=["017031"], geometry=None,
                sent_at=now, first_seen=now, updated_at=now,
            )
        )  # fmt: skip
        session.commit()
    engine.dispose()
