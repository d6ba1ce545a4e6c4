"""The languages in headless Chromium: Arabic laid out right to left with the map left as it
is, the command page's script speaking Spanish, and a CAP alert shown in the reader's
language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from common.times import utcnow
from tests.support.browser import ROOT, first_login, insert_threats, wait_until
from threats.feeds.cap import parse_alert
from threats.languages import other_languages

pytestmark = pytest.mark.browser
WIDTH = 1400
MULTILINGUAL = ROOT / "tests" / "fixtures" / "multilingual"


def choose_language(page, code: str) -> None:
    with page.expect_navigation():
        page.select_option("header select[name=locale]", code)


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_arabic_pages_are_mirrored_and_the_map_is_not(chromium, demo_server, tmp_path):
    page = chromium.new_page(viewport={"width": WIDTH, "height": 900})
    first_login(page, demo_server)
    assert box(page, ".topbar .brand")["x"] < WIDTH / 2  # English: the brand on the left
    choose_language(page, "ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.inner_text("main h1") == "الأحداث"
    brand = box(page, ".topbar .brand")
    assert brand["x"] + brand["width"] > WIDTH - 100  # the header starts on the right
    logout = box(page, ".topbar form.inline button")
    assert logout["x"] < WIDTH / 2  # and ends on the left
    page.screenshot(path=str(tmp_path / "events-ar.png"))

    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, "window.eventwatch && window.eventwatch.lastSeq() !== null")
    side, map_pane = box(page, ".list-pane"), box(page, ".map-pane")
    assert side["x"] < map_pane["x"]  # the queue beside the map moves to the left
    assert page.inner_text(".list-pane h2").startswith("التهديدات")
    direction = "getComputedStyle(document.querySelector('.leaflet-container')).direction"
    assert page.evaluate(direction) == "ltr"  # the map itself stays left to right
    zoom = box(page, ".leaflet-control-zoom")
    assert zoom["x"] - map_pane["x"] < 60  # Leaflet's controls where they always are
    page.screenshot(path=str(tmp_path / "command-ar.png"))


def test_the_command_pages_script_speaks_spanish(chromium, demo_server):
    page = chromium.new_page(viewport={"width": WIDTH, "height": 900})
    first_login(page, demo_server)
    choose_language(page, "es")
    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, "window.eventwatch && window.eventwatch.lastSeq() !== null")
    assert page.inner_text("#mute") == "Sonido activado"  # set by the script on load
    page.click("#mute")
    assert page.inner_text("#mute") == "Sonido desactivado"
    stale = page.evaluate("document.getElementById('stale').textContent")
    assert stale.startswith("Enlace en directo caído")
    layers = page.inner_text(".leaflet-control-layers-overlays")
    assert "Zonas" in layers and "Amenazas" in layers
    wait_until(page, "window.eventwatch.threatCount() > 0", timeout=30)
    item = page.locator("#threat-list li.threat").first
    buttons = item.locator("button").all_inner_texts()
    assert {"Asignar", "Resolver", "Descartar"} <= set(buttons)
    status = item.locator(".status").inner_text()
    assert status.split(" → ")[0] in {"nueva", "recibida", "asignada"}
    feeds = page.inner_text("#feed-list")
    assert "correcta" in feeds or "nunca" in feeds or "con fallos" in feeds


def test_a_cap_alert_in_several_languages_is_shown_in_the_readers(chromium, demo_server):
    alert = parse_alert((MULTILINGUAL / "alert.xml").read_bytes())
    first = alert.infos[0]
    [threat_id] = insert_threats(
        demo_server.instance,
        [
            {
                "title": first.headline,
                "description": first.description,
                "instruction": first.instruction,
                "texts": other_languages(alert.infos),
                "point": (-87.6262, 41.9117),
                "at": utcnow() + timedelta(minutes=5),  # the newest: first in the queue
            }
        ],
    )
    page = chromium.new_page(viewport={"width": WIDTH, "height": 900})
    first_login(page, demo_server)
    row = page.locator(f'#threat-list li[data-threat-id="{threat_id}"] .title')
    shown = {}
    for code in ("es", "fr", "ar", "en"):
        choose_language(page, code)
        page.goto(demo_server.url + "/events/1/command")
        wait_until(page, f"window.eventwatch && window.eventwatch.threatStatus({threat_id})")
        shown[code] = row.inner_text()
    assert shown == {
        "es": "Paquete sospechoso en la casa de playa - aléjese",
        "fr": "Colis suspect près du pavillon de plage - éloignez-vous",
        "ar": "طرد مشبوه قرب بيت الشاطئ - ابتعدوا",
        "en": "Suspicious package at the beach house - keep away",
    }
    choose_language(page, "fr")
    page.goto(demo_server.url + "/events/1/command")
    wait_until(page, f"window.eventwatch && window.eventwatch.threatStatus({threat_id})")
    row.click()
    page.locator("#threat-detail h3").wait_for()
    detail = page.inner_text("#threat-detail")
    assert "Un sac abandonné" in detail and "Éloignez-vous du pavillon." in detail
    # A change arrives as a whole feature in a delta: still in French.
    page.locator(f'#threat-list li[data-threat-id="{threat_id}"] button').first.click()
    wait_until(page, f"window.eventwatch.threatStatus({threat_id}) === 'acknowledged'")
    assert row.inner_text() == "Colis suspect près du pavillon de plage - éloignez-vous"
