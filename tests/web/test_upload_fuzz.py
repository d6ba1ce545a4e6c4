"""Hostile and broken uploads through the real endpoints: a named error, and nothing lost.

Every import answers with what it stored or with an error that names the problem, never a
500; a refused file leaves every zone, person, agency, badge holder and live-map delta as it
was. Properties run on mutated samples (tests/support/uploads.py), then hostile files one by one.
"""

from __future__ import annotations

import csv
import io
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from shapely.geometry import MultiPolygon, Polygon, box, mapping
from sqlalchemy import func, select

from accounts.models import AuditEntry
from maps.models import LiveDelta
from planner.models import Agency, Person, Zone
from planner.zones import MAX_DENSITY, MAX_ZONE_AREA_M2
from tests.factories import db_session, make_event, make_token
from tests.support import uploads as files
from tests.support.fuzzing import FUZZ
from threats.models import Credential

pytestmark = [
    # GDAL and GEOS warn about what is broken in a file; the import refuses it by name.
    pytest.mark.filterwarnings("ignore::RuntimeWarning:pyogrio"),
    pytest.mark.filterwarnings("ignore::RuntimeWarning:shapely"),
]

# Each example is an HTTP request with database writes: fewer of them, and the fixtures'
# app is shared by the examples on purpose (each compares what is stored before and after).
FUZZ_HTTP = settings(
    FUZZ,
    max_examples=40,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FORMULA = "=cmd|' /C calc'!A0"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Stored:
    """Everything an upload may write, row by row."""

    zones: dict[int, tuple]
    people: dict[int, tuple]
    agencies: frozenset[str]
    credentials: dict[int, tuple]
    deltas: int


class Uploads:
    """A planner sending files to the import endpoints, and what the database holds."""

    def __init__(self, app, client, token: str, event_id: int) -> None:
        self.app, self.client, self.event_id = app, client, event_id
        self.headers = {"Authorization": f"Bearer {token}"}

    def send(self, path: str, data: bytes, filename: str):
        response = self.client.post(
            f"/api/v1{path}",
            headers=self.headers,
            data={"file": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
        )
        # The test client spools a body over 500 kB to a temporary file it never closes.
        response.request.environ["wsgi.input"].close()
        return response

    def zones(self, data: bytes, filename: str = "zones.geojson"):
        return self.send(f"/events/{self.event_id}/zones/import", data, filename)

    def roster(self, data: bytes, filename: str = "roster.csv"):
        return self.send("/personnel/import", data, filename)

    def badges(self, data: bytes, filename: str = "badges.csv"):
        return self.send(f"/events/{self.event_id}/credentials/import", data, filename)

    def api(self, method: str, path: str, **kwargs):
        return self.client.open(f"/api/v1{path}", method=method, headers=self.headers, **kwargs)

    def stored(self) -> Stored:
        with db_session(self.app) as session:
            zones = session.scalars(select(Zone)).all()
            people = session.scalars(select(Person)).all()
            badges = session.scalars(select(Credential)).all()
            return Stored(
                zones={z.id: (z.name, z.kind, z.density, z.notes, z.geometry.wkb) for z in zones},
                people={
                    p.id: (p.name, p.agency_id, p.badge, p.unit, p.phone, tuple(p.roles))
                    for p in people
                },
                agencies=frozenset(session.scalars(select(Agency.name))),
                credentials={
                    c.id: (c.credential_id, c.full_name, c.date_of_birth, c.organization, c.extra)
                    for c in badges
                },
                deltas=session.scalar(select(func.count()).select_from(LiveDelta)),
            )

    def new_zones(self, before: Stored) -> list[Zone]:
        with db_session(self.app) as session:
            return session.scalars(select(Zone).where(Zone.id.not_in(before.zones))).all()


@pytest.fixture
def uploads(app, client) -> Uploads:
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
        token = make_token(session, "planner")
    return Uploads(app, client, token, event_id)


SENDERS = {"zones": Uploads.zones, "roster": Uploads.roster, "badges": Uploads.badges}


def assert_refused_by_name(response, before: Stored, after: Stored, message: str = "") -> None:
    """A 400 or 413 with a JSON error naming the problem, and nothing written."""
    assert response.status_code in (400, 413), response.get_data(as_text=True)[:500]
    error = response.json["error"]
    assert error["code"] and isinstance(error["message"], str) and error["message"].strip()
    assert message in error["message"]
    assert after == before


def assert_plausible(zone: Zone) -> None:
    """A stored zone as every map and count expects it: a valid 2D polygon in lon/lat."""
    geometry = zone.geometry
    assert isinstance(geometry, Polygon | MultiPolygon) and not geometry.is_empty
    assert geometry.is_valid and not geometry.has_z, shapely.is_valid_reason(geometry)
    minx, miny, maxx, maxy = geometry.bounds
    assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    assert 0 < zone.area_m2 <= MAX_ZONE_AREA_M2
    assert zone.density is None or 0 < zone.density <= MAX_DENSITY
    assert len(zone.name) <= 200 and "\x00" not in zone.name + zone.notes


# --- properties ------------------------------------------------------------------------


@FUZZ_HTTP
@given(upload=files.zone_files())
def test_a_zone_file_is_stored_whole_and_valid_or_refused_with_nothing_written(uploads, upload):
    before = uploads.stored()
    response = uploads.zones(*upload)
    after = uploads.stored()
    if response.status_code != 201:
        assert_refused_by_name(response, before, after)
        return
    ids = [feature["id"] for feature in response.json["zones"]["features"]]
    assert ids and sorted(after.zones) == sorted([*before.zones, *ids])
    assert {k: after.zones[k] for k in before.zones} == before.zones
    assert after.deltas == before.deltas + len(ids)
    for zone in uploads.new_zones(before):
        assert_plausible(zone)


@FUZZ_HTTP
@given(upload=files.csv_files(files.ROSTER))
def test_a_roster_keeps_its_good_rows_or_is_refused_with_nothing_written(uploads, upload):
    before = uploads.stored()
    response = uploads.roster(*upload)
    after = uploads.stored()
    if response.status_code != 200:
        assert_refused_by_name(response, before, after)
        return
    report = response.json
    assert len(after.people) - len(before.people) == report["created"]
    assert all(r["reason"] and r["line"] >= 2 for r in report["refused"])


@FUZZ_HTTP
@given(upload=files.csv_files(files.BADGES))
def test_a_badge_list_keeps_its_good_rows_or_is_refused_with_nothing_written(uploads, upload):
    before = uploads.stored()
    response = uploads.badges(*upload)
    after = uploads.stored()
    if response.status_code != 201:
        assert_refused_by_name(response, before, after)
        return
    report = response.json
    assert len(after.credentials) - len(before.credentials) == report["created"]
    assert after.zones == before.zones and after.people == before.people


# --- hostile zone files ----------------------------------------------------------------

UNIQUE = f"eventwatch-fuzz-{uuid.uuid4().hex}"


def shapefile_zip(stem: str = "zones", **changed: bytes) -> bytes:
    """The sample Shapefile zipped under another stem, with members replaced by suffix."""
    members = {**files.shapefile_members(), **{f"zones.{k}": v for k, v in changed.items()}}
    return files.zip_bytes({stem + Path(name).suffix: data for name, data in members.items()})


def dbf_not_utf8() -> bytes:
    dbf = files.shapefile_members()["zones.dbf"].replace(b"Beach", b"B\xff\xfech")
    return shapefile_zip(dbf=dbf)  # the .cpg still says UTF-8


def spike_beside_a_good_zone() -> bytes:
    spike = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}
    return files.geojson_bytes(
        ({"name": "Beach"}, mapping(files.BEACH)), ({"name": "Spike"}, spike)
    )


def crs(epsg: int) -> dict:
    return {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}


def projected(epsg: int, *, swap: bool = False, scale: float = 1.0) -> bytes:
    """The beach zone in a projected CRS that the file states, maybe northing first."""
    ring = gpd.GeoSeries([files.BEACH], crs="EPSG:4326").to_crs(epsg)[0].exterior.coords
    coordinates = [[y * scale, x * scale] if swap else [x * scale, y * scale] for x, y in ring]
    geometry = {"type": "Polygon", "coordinates": [coordinates]}
    return files.geojson_bytes(({"name": "Beach"}, geometry), crs=crs(epsg))


HOSTILE_ZONE_FILES = {
    "billion-laughs": (files.billion_laughs_kml, "zones.kml", "DTDs and entities are not allowed"),
    "zip-bomb": (lambda: files.zip_bomb(250), "zones.zip", "unpacks to more than 25 MB"),
    # Beyond what an upload may be (25 MB) once unpacked: GDAL reads no more than that.
    "zip-beyond-the-upload-cap": (
        lambda: files.zip_bomb(30),
        "zones.zip",
        "unpacks to more than 25 MB",
    ),
    "dot-dot": (lambda: shapefile_zip(f"../../{UNIQUE}"), "zones.zip", "escapes the archive"),
    "file-where-a-folder-goes": (
        lambda: files.zip_bytes({"x": b"1", "x/zones.shp": b"2"}),
        "zones.zip",
        "zip member 'x/zones.shp' cannot be unpacked (Not a directory)",
    ),
    "a-million-coordinates": (
        lambda: files.sawtooth_geojson(10**6 - 2),
        "zones.geojson",
        "feature 1 'Sawtooth': 1,000,001 vertices, more than the 50,000 a zone may have",
    ),
    "nested-arrays": (
        lambda: files.nested_geojson(100_000),
        "zones.geojson",
        "Too many nested objects and/or arrays",
    ),
    "nan-coordinate": (
        lambda: files.sample_geojson().replace(b"-87.626,41.912", b"NaN,41.912"),
        "zones.geojson",
        "GeoJSON: the file could not be read",
    ),
    "dbf-not-utf8": (dbf_not_utf8, "zones.zip", "zipped Shapefile: text in the file is not valid"),
    "utm-a-million-times-too-far": (
        lambda: projected(32616, scale=1e6),
        "zones.geojson",
        "coordinates do not fit the stated EPSG:32616",
    ),
    "feet-without-a-crs": (
        lambda: files.geojson_bytes(({}, mapping(box(1.1e6, 1.9e6, 1.2e6, 2e6)))),
        "zones.geojson",
        "coordinates are not longitude/latitude and the file states no coordinate system",
    ),
    "one-bad-feature": (
        spike_beside_a_good_zone,
        "zones.geojson",
        "1 feature refused: feature 2 'Spike': the polygon has no area",
    ),
}


@pytest.mark.parametrize(
    ("build", "filename", "message"), HOSTILE_ZONE_FILES.values(), ids=HOSTILE_ZONE_FILES
)
def test_a_hostile_zone_file_is_refused_by_name_and_nothing_is_written(
    uploads, build, filename, message
):
    before = uploads.stored()
    response = uploads.zones(build(), filename)
    assert_refused_by_name(response, before, uploads.stored(), message)
    assert "eventwatch-import" not in response.json["error"]["message"]  # no server paths
    tmp = Path(tempfile.gettempdir())
    assert not [p for p in (tmp, tmp.parent, Path.cwd()) if list(p.glob(f"{UNIQUE}*"))]


def test_a_kml_pointing_at_a_local_file_never_shows_or_stores_it(app, uploads):
    secret = Path("/etc/passwd").read_text().splitlines()[0]
    for build in (files.external_entity_kml, files.xinclude_kml):
        response = uploads.zones(build("/etc/passwd"), "zones.kml")
        assert response.status_code in (201, 400), response.get_data(as_text=True)[:500]
        assert secret not in response.get_data(as_text=True)
    with db_session(app) as session:
        stored = [z.name + z.notes for z in session.scalars(select(Zone))]
        stored += [str(e.after) for e in session.scalars(select(AuditEntry))]
        stored += [str(d.data) for d in session.scalars(select(LiveDelta))]
    assert not [text for text in stored if secret in text or "root:" in text]


def latitude_first() -> bytes:
    """Chicago read latitude first: 87.6° S, beyond UTM, which stops at 80° S."""
    swapped = shapely.transform(files.BEACH, lambda xy: xy[:, ::-1])
    return files.geojson_bytes(({"name": "Beach"}, mapping(swapped)), crs=crs(4326))


def test_axes_swapped_into_another_plausible_place_are_stored_valid_there(uploads):
    """Nothing in the file says the place is wrong; the zone must still be a sound zone."""
    for data in (projected(32616, swap=True), latitude_first()):
        before = uploads.stored()
        response = uploads.zones(data)
        assert response.status_code == 201, response.json
        [zone] = uploads.new_zones(before)
        assert_plausible(zone)


def test_self_intersecting_polygons_are_repaired_named_and_stored_valid(uploads):
    figure_eight = {"type": "Polygon", "coordinates": [[[-87.63, 41.91], [-87.62, 41.92],
                    [-87.62, 41.91], [-87.63, 41.92], [-87.63, 41.91]]]}  # fmt: skip
    data = files.geojson_bytes(({"name": "Bow tie"}, files.BOW_TIE), ({}, figure_eight))
    before = uploads.stored()
    response = uploads.zones(data)
    assert response.status_code == 201, response.json
    assert response.json["warnings"] == [
        "feature 1 'Bow tie': self-intersecting polygon repaired (make_valid)",
        "feature 2 'Zone 2': self-intersecting polygon repaired (make_valid)",
    ]
    for zone in uploads.new_zones(before):
        assert_plausible(zone)


def test_an_absurd_density_falls_back_to_the_default_in_a_file_and_is_refused_by_the_api(
    uploads,
):
    data = files.geojson_bytes(({"name": "Beach", "density": 1e308}, mapping(files.BEACH)))
    imported = uploads.zones(data)
    assert imported.status_code == 201, imported.json
    assert "density '1e+308' is not a number of persons per m²" in imported.json["warnings"][0]
    [zone] = imported.json["zones"]["features"]
    assert zone["properties"]["density"] == 2.0
    feature = {"type": "Feature", "geometry": mapping(files.BEACH)}
    feature["properties"] = {"name": "Beach", "kind": "crowd", "density": 1e308}
    created = uploads.api("POST", f"/events/{uploads.event_id}/zones", json=feature)
    assert created.status_code == 400 and created.json["error"]["details"]["field"] == "density"


# --- hostile CSV files -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b"name,agency,roles,credential_id,full_name\nA\x00,B,c,1,A\x00\n",
            "the file holds NUL characters",
            id="nul",
        ),
        pytest.param(
            b'name,agency,credential_id,full_name\n"' + b"x" * 200_000 + b'",B,1,A\n',
            "not readable as CSV: field larger than field limit",
            id="huge-field",
        ),
        pytest.param(b"\xff\xfen\x00a\x00m\x00e\x00", "not UTF-8", id="utf-16"),
    ],
)
def test_a_broken_csv_is_refused_by_name_and_nothing_is_written(uploads, data, message):
    for send in (Uploads.roster, Uploads.badges):
        before = uploads.stored()
        assert_refused_by_name(send(uploads, data), before, uploads.stored(), message)


def test_a_badge_too_long_for_the_database_is_a_refused_row(uploads):
    data = b"name,agency,roles,badge\nAna Ruiz,Chicago PD,patrol_officer," + b"9" * 65 + b"\n"
    response = uploads.roster(data)
    assert response.status_code == 200, response.json
    assert response.json["refused"] == [{"line": 2, "reason": "badge longer than 64 characters"}]


def test_a_roster_imported_twice_updates_agencies_named_beyond_ascii(uploads):
    first, again = uploads.roster(files.ROSTER), uploads.roster(files.ROSTER)
    assert (first.status_code, again.status_code) == (200, 200), again.get_data(as_text=True)
    assert (again.json["created"], again.json["updated"]) == (0, 3)
    assert "École de Police" in uploads.stored().agencies


def export_cells(uploads, form: str, shift_id: int) -> list[str]:
    path = f"/events/{uploads.event_id}/exports/{form}.csv?shift={shift_id}"
    response = uploads.api("GET", path)
    assert response.status_code == 200
    return [
        cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row
    ]


def test_formula_cells_are_stored_as_sent_and_neutralised_in_the_ics_exports(uploads):
    roster = f"name,agency,unit,roles,badge,phone\n{FORMULA},@PD,+unit,patrol_officer,1,-1\n"
    assert uploads.roster(roster.encode()).status_code == 200
    zone = ({"name": "@SUM(1+1)*cmd|' /C calc'!A0", "notes": FORMULA}, mapping(files.BEACH))
    zone_id = uploads.zones(files.geojson_bytes(zone)).json["zones"]["features"][0]["id"]
    [person] = uploads.api("GET", "/personnel").json["personnel"]
    assert (person["name"], person["agency"], person["phone"]) == (FORMULA, "@PD", "-1")
    event = f"/events/{uploads.event_id}"
    shift = {"name": "Day", "starts_at": "2026-07-18T08:00:00", "ends_at": "2026-07-18T16:00:00"}
    shift_id = uploads.api("POST", f"{event}/shifts", json=shift).json["id"]
    post = {"zone_id": zone_id, "shift_id": shift_id, "role": "patrol_officer"}
    uploads.api("POST", f"{event}/people", json={"person_ids": [person["id"]]})
    required = uploads.api("POST", f"{event}/requirements", json=[{**post, "required": 2}])
    assigned = uploads.api("POST", f"{event}/assignments", json={**post, "person_id": person["id"]})
    assert (required.status_code, assigned.status_code) == (200, 201), assigned.json
    cells = export_cells(uploads, "ics204", shift_id) + export_cells(uploads, "ics215", shift_id)
    assert "'" + FORMULA in cells and "'@PD" in cells and "'-1" in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]


# --- size limit and the forms ----------------------------------------------------------

SMALL_LIMIT = 64 * 1024
OVERSIZED = b"{" + b" " * (2 * SMALL_LIMIT) + b"}"


def test_an_upload_over_the_size_limit_is_a_413_json_error_on_every_import(app, uploads):
    app.config["MAX_CONTENT_LENGTH"] = SMALL_LIMIT
    for endpoint, send in SENDERS.items():
        before = uploads.stored()
        response = send(uploads, OVERSIZED)
        assert response.json["error"]["code"] == "too_large", endpoint
        assert response.json["error"]["details"]["limit_bytes"] == SMALL_LIMIT
        assert_refused_by_name(response, before, uploads.stored())


def form_upload(client, token: str, path: str, data: bytes, filename: str):
    return client.post(
        path,
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def form_paths(uploads) -> dict[str, str]:
    return {"zones": f"/events/{uploads.event_id}/plan/zones/import", "roster": "/personnel/import"}


def test_an_upload_over_the_size_limit_is_a_readable_page_on_the_forms(app, uploads, login):
    planner = login("planner")
    client, token = planner.client, planner.csrf
    app.config["MAX_CONTENT_LENGTH"] = SMALL_LIMIT
    for form, path in form_paths(uploads).items():
        before = uploads.stored()
        response = form_upload(client, token, path, OVERSIZED, "upload.csv")
        assert response.status_code == 413 and response.mimetype == "text/html", form
        page = response.get_data(as_text=True)
        assert "larger than the" in page and "MiB allowed" in page and "Back" in page
        assert uploads.stored() == before


def test_a_refused_file_on_the_forms_says_why_and_saves_nothing(uploads, login):
    planner = login("planner")
    client, token = planner.client, planner.csrf
    refusals = {
        "zones": (files.billion_laughs_kml(), "zones.kml", "Nothing was saved: KML: DTDs"),
        "roster": (
            b"name,agency\nA\x00,B\n",
            "roster.csv",
            "Nothing was imported: the file holds NUL",
        ),
    }
    for form, path in form_paths(uploads).items():
        data, filename, flash = refusals[form]
        before = uploads.stored()
        response = form_upload(client, token, path, data, filename)
        assert response.status_code == 200 and flash in response.get_data(as_text=True), form
        assert uploads.stored() == before
