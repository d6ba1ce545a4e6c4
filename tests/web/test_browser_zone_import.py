"""The plan page's zone import in Chromium: choosing a file lists its columns with sample
values, the guessed one chosen; the planner takes another and the zones bear its names."""

from __future__ import annotations

import pytest

from tests.support.browser import first_login
from tests.support.zone_files import REAL_SHAPES

pytestmark = pytest.mark.browser


def test_a_planner_chooses_the_name_column_from_the_files_columns(chromium, demo_server, tmp_path):
    data, filename = REAL_SHAPES["chicago-neighborhoods-shapefile"].file(tmp_path)
    page = chromium.new_page(viewport={"width": 1600, "height": 1000})
    first_login(page, demo_server)
    page.goto(demo_server.url + "/events/1")

    page.set_input_files("#zone-import input[type=file]", files=[
        {"name": filename, "mimeType": "application/zip", "buffer": data},
    ])  # fmt: skip
    page.wait_for_selector("select#name-field")
    options = page.locator("select#name-field option").all_inner_texts()
    assert options[0] == "PRI_NEIGH (guessed): Lincoln Park, Old Town, Gold Coast"
    assert page.input_value("select#name-field") == "PRI_NEIGH"
    assert "Zones in the file: 3 (EPSG:3435)" in page.inner_text("#zone-columns")

    page.select_option("select#name-field", "SEC_NEIGH")
    with page.expect_navigation():
        page.click("#zone-import button")
    assert "Named the zones from column SEC_NEIGH." in page.locator(".flash").all_inner_texts()
    names = page.locator("#zones tbody tr td:first-child").all_inner_texts()
    assert names[-3:] == ["LINCOLN PARK", "OLD TOWN", "GOLD COAST"]
