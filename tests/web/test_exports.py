"""Formats out: zones, threats and assignments as GeoJSON and KML, ICS 204/215 as PDF, and
the GIS feed links that ArcGIS or QGIS poll with the key in the URL."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import geopandas as gpd
import pytest
from pypdf import PdfReader
from shapely.geometry import shape

from common.times import utcnow
from maps import link_service as walls
from planner.models import Event
from planner.zones import areas_m2
from tests.factories import (
    db_session,
    make_event,
    make_fixture_zones,
    make_shift_now,
    make_token,
    write,
)
from tests.support.live import HOST, NS, SECRET_TEXT, api, drive_every_delta_kind, fresh_alert
from tests.support.redaction import NEVER_FOR_PARTNERS, keys_in
from threats.polling.fetch import Fetcher
from web.extensions import socketio

GEOJSON = "application/geo+json"


@pytest.fixture
def plan(app, client, feed_server):
    """Two zones, a shift now, Ana Ruiz on duty in the north zone, a threat assigned with a
    note, a zone note; tokens for each role (partners read everything they may)."""
    with db_session(app) as session:
        event = make_event(session)
        zones = make_fixture_zones(session, event)
        shift = make_shift_now(session, event)
        ids = {"event": event.id, "north": zones["north-avenue-beach"].id, "shift": shift.id}
        ids["oak"] = zones["oak-street-beach"].id
        ids["token"] = make_token(session, "commander", "api-commander")
        ids["admin"] = make_token(session, "admin", "api-admin")
        ids["planner"] = make_token(session, "planner", "api-planner")
        ids["partner"] = make_token(session, "partner", "api-partner")
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("LIVE-9"))
    ids["person"] = drive_every_delta_kind(client, ids)["id"]
    need = {"zone_id": ids["north"], "shift_id": ids["shift"], "role": "patrol_officer"}
    api(
        client,
        ids["admin"],
        "POST",
        f"/events/{ids['event']}/requirements",
        json=[need | {"required": 2}],
    )
    return ids


def get(client, token, path, **kw):
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kw)


def downloaded(response, filename: str, mimetype: str) -> bytes:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    return response.get_data()


def read_back(body: bytes, tmp_path, suffix: str) -> gpd.GeoDataFrame:
    path = tmp_path / f"export.{suffix}"
    path.write_bytes(body)
    return gpd.read_file(path)


def partner_safe(body: bytes) -> None:
    text = body.decode()
    assert [s for s in SECRET_TEXT if s in text] == []
    if text.startswith("{"):
        assert not NEVER_FOR_PARTNERS & keys_in(json.loads(text))


def test_zones_as_geojson_and_kml_hold_the_same_zones_and_areas(client, plan, tmp_path):
    e = plan["event"]
    listed = api(client, plan["planner"], "GET", f"/events/{e}/zones")["features"]
    body = downloaded(
        get(client, plan["planner"], f"/events/{e}/exports/zones.geojson"),
        f"zones-event{e}.geojson",
        GEOJSON,
    )
    assert json.loads(body)["features"] == listed  # the API's own zones, notes and all
    kml = downloaded(
        get(client, plan["planner"], f"/events/{e}/exports/zones.kml"),
        f"zones-event{e}.kml",
        "application/vnd.google-earth.kml+xml",
    )
    frame = read_back(kml, tmp_path, "kml")
    assert list(frame["Name"]) == [f["properties"]["name"] for f in listed]
    measured = areas_m2(list(frame.geometry))
    for got, zone in zip(measured, listed, strict=True):
        assert got == pytest.approx(zone["properties"]["area_m2"], rel=0.005)
        assert got == pytest.approx(areas_m2([shape(zone["geometry"])])[0], rel=0.005)


def test_a_partner_gets_zones_and_threats_redacted_in_both_formats(client, plan):
    e = plan["event"]
    for layer in ("zones", "threats"):
        for fmt in ("geojson", "kml"):
            response = get(client, plan["partner"], f"/events/{e}/exports/{layer}.{fmt}")
            assert response.status_code == 200, (layer, fmt)
            partner_safe(response.get_data())
    staff = get(client, plan["token"], f"/events/{e}/exports/threats.kml").get_data(as_text=True)
    assert "LIVE-9" in staff and "CPD Bike 18" in staff  # staff read it: the partner copy withholds
    notes = get(client, plan["token"], f"/events/{e}/exports/zones.kml").get_data(as_text=True)
    assert "checkpoint code 4471" in notes


def test_threats_download_as_the_threats_api_lists_them(client, plan, tmp_path):
    e = plan["event"]
    listed = api(client, plan["token"], "GET", f"/events/{e}/threats")["features"]
    body = downloaded(
        get(client, plan["token"], f"/events/{e}/exports/threats.geojson?status=assigned"),
        f"threats-event{e}.geojson",
        GEOJSON,
    )
    assert json.loads(body)["features"] == listed and len(listed) == 1
    none = get(client, plan["token"], f"/events/{e}/exports/threats.geojson?status=resolved")
    assert json.loads(none.get_data())["features"] == []
    bad = get(client, plan["token"], f"/events/{e}/exports/threats.kml?status=burning")
    assert bad.status_code == 400 and bad.json["error"]["details"] == {"field": "status"}
    frame = read_back(
        get(client, plan["token"], f"/events/{e}/exports/threats.kml").get_data(), tmp_path, "kml"
    )
    [threat] = listed
    assert list(frame["status"]) == ["assigned"]
    assert frame["zones"][0] == "; ".join(z["name"] for z in threat["properties"]["zones"])


def test_assignments_are_one_feature_each_with_the_zone_and_never_for_partners(
    client, plan, tmp_path
):
    e, shift = plan["event"], plan["shift"]
    body = downloaded(
        get(client, plan["planner"], f"/events/{e}/exports/assignments.geojson?shift={shift}"),
        f"assignments-event{e}-shift{shift}.geojson",
        GEOJSON,
    )
    [feature] = json.loads(body)["features"]
    north = api(client, plan["planner"], "GET", f"/events/{e}/zones/{plan['north']}")
    assert feature["geometry"] == north["geometry"]
    props = feature["properties"]
    assert (props["person"], props["agency"], props["role"], props["role_label"]) == (
        "Ana Ruiz",
        "Chicago PD",
        "patrol_officer",  # the code, for machines
        "Patrol officer",  # beside it, the label in the reader's language
    )
    assert (props["zone_id"], props["zone"], props["shift_id"]) == (
        plan["north"],
        "north-avenue-beach",
        shift,
    )
    kml = get(client, plan["token"], f"/events/{e}/exports/assignments.kml").get_data()
    frame = read_back(kml, tmp_path, "kml")
    assert list(frame["Name"]) == ["Ana Ruiz (Patrol officer), north-avenue-beach"]
    assert (list(frame["role"]), list(frame["role_label"])) == (
        ["patrol_officer"],
        ["Patrol officer"],
    )
    spanish = client.get(
        f"/api/v1/events/{e}/exports/assignments.geojson",
        headers={"Authorization": f"Bearer {plan['token']}", "Accept-Language": "es"},
    )
    [feature] = spanish.get_json()["features"]
    assert (feature["properties"]["role"], feature["properties"]["role_label"]) == (
        "patrol_officer",
        "Agente de patrulla",
    )
    assert areas_m2(list(frame.geometry))[0] == pytest.approx(
        north["properties"]["area_m2"], rel=0.005
    )
    for fmt in ("geojson", "kml"):
        refused = get(client, plan["partner"], f"/events/{e}/exports/assignments.{fmt}")
        assert refused.status_code == 403 and "Ana Ruiz" not in refused.get_data(as_text=True)
    other = get(client, plan["planner"], f"/events/{e}/exports/assignments.kml?shift=999999")
    assert other.status_code == 404


def pdf_text(body: bytes) -> str:
    assert body.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_ics_pdfs_agree_with_the_csv_forms(client, plan):
    e, shift = plan["event"], plan["shift"]
    base = f"/events/{e}/exports"
    pdf215 = downloaded(
        get(client, plan["planner"], f"{base}/ics215.pdf?shift={shift}"),
        f"ics215-event{e}-shift{shift}.pdf",
        "application/pdf",
    )
    text = [line.strip() for line in pdf_text(pdf215).splitlines()]
    table = get(client, plan["planner"], f"{base}/ics215.csv?shift={shift}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [(r["work_assignment"], r["required"], r["have"], r["need"]) for r in rows] == [
        ("north-avenue-beach", "2", "1", "1")
    ]
    for r in rows:  # the PDF names the role by its label, as the HTML form does
        cells = [r["work_assignment"], r["role_label"], r["required"], r["have"], r["need"]]
        assert any(text[i : i + 5] == cells for i in range(len(text))), cells
    assert "Patrol officer" in text and "patrol_officer" not in pdf_text(pdf215)
    pdf204 = downloaded(
        get(client, plan["token"], f"{base}/ics204.pdf?shift={shift}"),
        f"ics204-event{e}-shift{shift}.pdf",
        "application/pdf",
    )
    text204 = pdf_text(pdf204)
    assert "ASSIGNMENT LIST (ICS 204)" in text204 and "north-avenue-beach (crowd)" in text204
    assert "Ana Ruiz" in text204 and "312-555-0101" in text204
    assert "5. Resources assigned (1 of 2 required)" in text204
    assert "Patrol officer" in text204 and "patrol_officer" not in text204
    for form in ("ics204", "ics215"):  # a French reader reads the French label
        path = f"{base}/{form}.pdf?shift={shift}"
        french = client.get(
            f"/api/v1{path}",
            headers={"Authorization": f"Bearer {plan['planner']}", "Accept-Language": "fr"},
        ).get_data()
        assert "Agent de patrouille" in pdf_text(french), form
        assert "patrol_officer" not in pdf_text(french), form
    assert get(client, plan["partner"], f"{base}/ics204.pdf?shift={shift}").status_code == 403
    assert get(client, plan["planner"], f"{base}/ics215.pdf").status_code == 400  # no ?shift=


def make_gis_link(login, event_id: int) -> dict[str, str]:
    """A commander makes a GIS feed link on its page; the two URLs are shown once."""
    logged_in = login("commander", "gis-cmdr")
    commander, token = logged_in.client, logged_in.csrf
    made = commander.post(f"/events/{event_id}/gis", data={"csrf_token": token, "label": "EOC"})
    assert made.status_code == 302
    page = commander.get(f"/events/{event_id}/gis").get_data(as_text=True)
    urls = {
        layer: re.search(f'id="new-gis-{layer}"[^>]*>http://localhost([^<]+)<', page).group(1)
        for layer in ("threats", "coverage")
    }
    assert 'id="new-gis' not in commander.get(f"/events/{event_id}/gis").get_data(as_text=True)
    return {"commander": commander, "csrf": token, **urls}


def test_a_gis_link_serves_partner_geojson_with_an_etag_and_no_login(app, client, plan, login):
    e = plan["event"]
    link = make_gis_link(login, e)
    anonymous = app.test_client()
    threats = anonymous.get(link["threats"])
    assert threats.status_code == 200 and threats.mimetype == GEOJSON
    assert threats.headers["Cache-Control"] == "private, no-cache"
    assert threats.headers["Access-Control-Allow-Origin"] == "*"
    [threat] = threats.json["features"]
    assert threat["properties"]["status"] == "assigned" and threat["geometry"]
    partner_safe(threats.get_data())
    etag = threats.headers["ETag"]
    again = anonymous.get(link["threats"], headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    coverage = anonymous.get(link["coverage"])
    partner_safe(coverage.get_data())
    by_zone = {f["properties"]["id"]: f for f in coverage.json["features"]}
    north = by_zone[plan["north"]]["properties"]
    assert {k: north[k] for k in ("status", "required", "on_duty", "short")} == {
        "status": "short",
        "required": 2,
        "on_duty": 1,
        "short": 1,
    }
    assert by_zone[plan["oak"]]["properties"]["status"] == "none"
    assert shape(by_zone[plan["north"]]["geometry"]).area > 0
    # The picture changes (the threat is resolved): the old ETag no longer matches.
    api(
        client,
        plan["token"],
        "PATCH",
        f"/events/{e}/threats/{threat['id']}",
        json={"status": "resolved"},
    )
    changed = anonymous.get(link["threats"], headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json["features"] == []


def test_a_gis_link_opens_only_its_own_kind_and_stops_when_revoked_or_expired(app, plan, login):
    e = plan["event"]
    link = make_gis_link(login, e)
    token = link["threats"].split("/")[2]
    anonymous = app.test_client()
    assert anonymous.get(f"/wall/{token}").status_code == 404  # not a wall display
    assert not socketio.test_client(app, namespace=NS, auth={"wall": token}).is_connected(NS)
    with db_session(app) as session:
        event = session.get(Event, e)
        wall = walls.create(write(session), event, "Wall").result
        stale = walls.create(write(session), event, "Old", kind="gis").result
        old = walls.find(session, stale, utcnow(), kind="gis")
        old.expires_at = utcnow() - timedelta(days=1)  # minted eight days ago, for seven
        session.commit()
    assert anonymous.get(f"/gis/{wall}/threats.geojson").status_code == 404
    assert anonymous.get(f"/gis/{stale}/coverage.geojson").status_code == 404  # expired
    commander = link["commander"]
    page = commander.get(f"/events/{e}/gis").get_data(as_text=True)
    assert "EOC" in page and "Wall" not in page.split("<tbody>")[1]  # only GIS links listed
    with db_session(app) as session:
        link_id = walls.find(session, token, utcnow(), kind="gis").id
    revoked = commander.post(f"/events/{e}/gis/{link_id}/revoke", data={"csrf_token": link["csrf"]})
    assert revoked.status_code == 302
    assert anonymous.get(link["threats"]).status_code == 404
    assert anonymous.get(link["coverage"]).status_code == 404
    planner = login("planner", "gis-planner").client
    assert planner.get(f"/events/{e}/gis").status_code == 403


def test_the_pdfs_speak_the_readers_language_where_their_fonts_can(client, plan):
    e, shift = plan["event"], plan["shift"]
    url = f"/api/v1/events/{e}/exports/ics204.pdf?shift={shift}"
    auth = {"Authorization": f"Bearer {plan['token']}"}
    said = {}
    for lang in ("es", "fr", "ar"):
        answer = client.get(url, headers={**auth, "Accept-Language": lang})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        said[lang] = pdf_text(answer.get_data())
    assert "LISTA DE ASIGNACIONES (ICS 204)" in said["es"]
    assert "Page 1" not in said["es"] and "Ana Ruiz" in said["es"]
    assert "LISTE DES AFFECTATIONS (ICS 204)" in said["fr"]
    assert "ASSIGNMENT LIST (ICS 204)" in said["ar"] and "Page 1" in said["ar"]  # English
