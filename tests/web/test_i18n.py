"""The interface in English, Spanish, French and Arabic: who chooses, and what each page says."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from accounts.models import User
from tests.factories import db_session, make_event, make_fixture_zones, make_shift_now

# Words each page shows in each language (English stays the default and the msgids).
EVENTS = {"en": "Events", "es": "Eventos", "fr": "Événements", "ar": "الأحداث"}
PLAN = {
    "en": ("Staffing rules", "Operational periods"),
    "es": ("Reglas de dotación", "Períodos operacionales"),
    "fr": ("Règles d'effectifs", "Périodes opérationnelles"),
    "ar": ("قواعد توزيع الأفراد", "الفترات العملياتية"),
}
COMMAND = {
    "en": ("Staffing now", "Sound on"),
    "es": ("Dotación actual", "Sonido activado"),
    "fr": ("Effectifs en ce moment", "Son activé"),
    "ar": ("الأفراد الآن", "الصوت مُفعَّل"),
}
WALLS = {"es": "Pantallas murales", "fr": "Écrans muraux", "ar": "شاشات العرض الجدارية"}
# The event starts at 08:00 on 18 July 2026 in Chicago, for 250,000 people.
STARTS = {
    "en": "Sat 18 Jul 2026 08:00 CDT",
    "es": "sáb, 18 jul 2026, 08:00 -0500",
    "fr": "sam. 18 juil. 2026, 08:00 -0500",
    "ar": "السبت، 18 يوليو 2026، \u206608:00 -0500\u2069",
}
ATTENDANCE = {"en": "250,000", "es": "250.000", "fr": "250\u202f000", "ar": "250,000"}


@pytest.fixture
def event_id(app) -> int:
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        make_shift_now(session, event)
        session.commit()
        return event.id


def page(client, path: str, **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def html_tag(text: str) -> str:
    return re.search(r"<html[^>]*>", text).group(0)


def choose(client, token: str, locale: str, back: str = "/") -> None:
    data = {"csrf_token": token, "locale": locale, "next": back}
    response = client.post("/account/language", data=data)
    assert response.status_code == 302 and response.headers["Location"] == back


@pytest.mark.parametrize("lang", ["en", "es", "fr", "ar"])
def test_the_login_page_follows_the_browsers_language(client, lang):
    text = page(client, "/login", **{"Accept-Language": f"{lang};q=0.9, de;q=0.5"})
    direction = "rtl" if lang == "ar" else "ltr"
    assert html_tag(text) == f'<html lang="{lang}" dir="{direction}">'
    title = {"en": "Log in", "es": "Iniciar sesión", "fr": "Se connecter", "ar": "تسجيل الدخول"}
    assert f"<h1>{title[lang]}</h1>" in text


def test_an_unknown_browser_language_gets_english(client):
    text = page(client, "/login", **{"Accept-Language": "de-DE, ja"})
    assert html_tag(text) == '<html lang="en" dir="ltr">' and "<h1>Log in</h1>" in text


def test_lang_on_the_login_page_is_kept_for_the_session(client):
    assert "Iniciar sesión" in page(client, "/login?lang=es", **{"Accept-Language": "fr"})
    assert "Iniciar sesión" in page(client, "/login", **{"Accept-Language": "fr"})
    assert "Iniciar sesión" in page(client, "/login?lang=xx")  # not offered: ignored
    assert 'href="/login?lang=ar"' in page(client, "/login")  # the other languages, linked


@pytest.mark.parametrize("lang", ["es", "fr", "ar"])
def test_each_page_speaks_the_chosen_language(client, event_id, login, lang):
    token = login("commander", client=client).csrf
    choose(client, token, lang)
    events = page(client, "/")
    assert f"<h1>{EVENTS[lang]}</h1>" in events
    assert STARTS[lang] in events and ATTENDANCE[lang] in events
    direction = "rtl" if lang == "ar" else "ltr"
    assert html_tag(events) == f'<html lang="{lang}" dir="{direction}">'
    plan = page(client, f"/events/{event_id}")
    assert all(word in plan for word in PLAN[lang])
    assert all(word not in plan for word in PLAN["en"])
    command = page(client, f"/events/{event_id}/command")
    heading, button = COMMAND[lang]
    assert f"<h2>{heading}</h2>" in command
    strings = json.loads(re.search(r'id="i18n">(.*?)</script>', command, re.S).group(1))
    assert strings["sound_on"] == button and strings["threat"] != "Threat"
    assert strings["severity"]["severe"] != "severe"
    walls = page(client, f"/events/{event_id}/walls")
    gis = page(client, f"/events/{event_id}/gis")
    assert all(WALLS[lang] in text for text in (walls, gis))


def test_english_pages_stay_as_they_were(client, event_id, login):
    login("planner", client=client)
    events = page(client, "/", **{"Accept-Language": "en-US"})
    assert "<h1>Events</h1>" in events and STARTS["en"] in events and "250,000" in events
    plan = page(client, f"/events/{event_id}")
    assert all(word in plan for word in PLAN["en"])


def test_the_browsers_language_is_the_default_before_a_choice(client, event_id, login):
    login("planner", client=client)
    assert f"<h1>{EVENTS['fr']}</h1>" in page(client, "/", **{"Accept-Language": "fr-CA"})
    assert f"<h1>{EVENTS['ar']}</h1>" in page(client, "/", **{"Accept-Language": "ar-EG"})


def test_the_users_saved_choice_wins_over_the_browser(app, client, event_id, login):
    token = login("planner", client=client, **{"Accept-Language": "fr"}).csrf
    choose(client, token, "es", back=f"/events/{event_id}")
    with db_session(app) as session:
        saved = session.scalar(select(User.locale).where(User.username == "planner-user"))
    assert saved == "es"
    assert f"<h1>{EVENTS['es']}</h1>" in page(client, "/", **{"Accept-Language": "fr"})
    other = app.test_client()  # a new session on another machine: the choice goes along
    login("planner", client=other, **{"Accept-Language": "ar"})
    assert f"<h1>{EVENTS['es']}</h1>" in page(other, "/", **{"Accept-Language": "ar"})


def test_a_language_not_offered_is_refused_with_a_message(app, client, event_id, login):
    token = login("planner", client=client).csrf
    response = client.post("/account/language", data={"csrf_token": token, "locale": "xx"})
    assert response.status_code == 302
    assert "Choose one of the languages offered." in page(client, "/")
    no_token = client.post("/account/language", data={"locale": "es"})
    assert no_token.status_code == 400
    with db_session(app) as session:
        assert session.scalar(select(User.locale).where(User.username == "planner-user")) is None


def test_a_partner_chooses_its_own_language(client, event_id, login):
    token = login("partner", client=client).csrf
    choose(client, token, "ar", back=f"/events/{event_id}/shared")
    shared = page(client, f"/events/{event_id}/shared")
    assert html_tag(shared) == '<html lang="ar" dir="rtl">'
    assert "عرض الجهات الشريكة (للقراءة فقط)" in shared


def test_flash_messages_and_refusals_are_translated(client, event_id, login):
    token = login("planner", client=client).csrf
    choose(client, token, "fr")
    rules = {"csrf_token": token, "min_rest_hours": "8", "max_hours_per_day": "12"}
    client.post(f"/events/{event_id}/plan/rules", data=rules)
    assert "Règles d&#39;effectifs enregistrées." in page(client, f"/events/{event_id}")
    poll = client.post("/admin/feeds/1/poll", data={"csrf_token": token})
    assert poll.status_code == 403
    assert (
        poll.get_data(as_text=True) == "Cette action demande le rôle administrateur ou commandant."
    )


def test_ics_exports_carry_the_readers_language(client, event_id, login):
    token = login("planner", client=client).csrf
    shift = re.search(r'name="shift_id" value="(\d+)"', page(client, f"/events/{event_id}"))
    url = f"/api/v1/events/{event_id}/exports/ics215"
    english = client.get(f"{url}.csv?shift={shift.group(1)}").get_data(as_text=True)
    header = "work_assignment,resource,role_label,required,have,need"  # the code, then its label
    assert english.splitlines()[0] == header
    choose(client, token, "es")
    spanish = client.get(f"{url}.csv?shift={shift.group(1)}").get_data(as_text=True)
    assert next(csv.reader(io.StringIO(spanish))) == [
        "Tarea asignada",
        "Recurso",
        "Rol (etiqueta)",
        "Requeridos",
        "Disponibles",
        "Faltan",
    ]
    form = page(client, f"{url}?shift={shift.group(1)}")
    assert "HOJA DE TRABAJO DE PLANIFICACIÓN OPERACIONAL (ICS 215)" in form
    assert "2. Período operacional" in form and " al " in form


ERRORS = {
    "en": ("Not found", "Not possible here"),
    "es": ("No encontrado", "No es posible aquí"),
    "fr": ("Introuvable", "Impossible ici"),
    "ar": ("غير موجود", "غير ممكن هنا"),
}


@pytest.mark.parametrize("lang", ["en", "es", "fr", "ar"])
def test_error_pages_speak_the_readers_language_and_lead_back(client, event_id, login, lang):
    login("planner", client=client, **{"Accept-Language": lang})
    headers = {"Accept-Language": lang}
    missing = client.get("/no/such/page", headers=headers)
    text = missing.get_data(as_text=True)
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert f"<h1>{ERRORS[lang][0]}</h1>" in text and 'href="/"' in text
    assert ('dir="rtl"' in html_tag(text)) == (lang == "ar")
    wrong = client.delete("/login", headers=headers)
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    assert f"<h1>{ERRORS[lang][1]}</h1>" in wrong.get_data(as_text=True)
    gone = client.get("/events/99999/plan", headers=headers)
    assert gone.status_code == 404 and f"<h1>{ERRORS[lang][0]}</h1>" in gone.get_data(as_text=True)


def test_the_api_keeps_its_json_errors(client):
    answer = client.get("/api/v1/no/such/thing")
    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
