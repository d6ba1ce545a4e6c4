"""One file never stops the app (issue 17, finding 3).

Every transaction used to take SQLite's write lock, and a zone file was read by GDAL inside
one: a GeoPackage layer that is a VIEW over an endless query held the lock forever, and a
large legal roster held it for many seconds. Each test sends the file while a page and an
API write are asked for at the same time; they must answer, each within a loose bound (a
2-core shared machine: seconds, never tight timings).
"""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from shapely.geometry import mapping
from sqlalchemy import func, select

from planner.models import Person, Zone
from tests.factories import db_session, make_event, make_token
from tests.support import uploads as files

ANSWER_S = 8.0  # what a page or a write may take beside an import, with a margin
REFUSAL_S = 30.0  # what refusing the hostile file may take


@dataclass
class Answer:
    status: int
    seconds: float
    body: str


@dataclass
class Desk:
    """A planner's token on one event, and a fresh test client per request (one per thread)."""

    app: object
    token: str
    event_id: int

    def ask(self, method: str, path: str, **kwargs) -> Answer:
        client = self.app.test_client()
        started = time.monotonic()
        response = client.open(
            path, method=method, headers={"Authorization": f"Bearer {self.token}"}, **kwargs
        )
        seconds = time.monotonic() - started
        body = response.get_data(as_text=True)
        response.request.environ["wsgi.input"].close()
        return Answer(response.status_code, seconds, body)

    def upload(self, path: str, data: bytes, filename: str) -> Answer:
        files_ = {"file": (io.BytesIO(data), filename)}
        return self.ask("POST", path, data=files_, content_type="multipart/form-data")

    def page(self) -> Answer:
        return self.ask("GET", f"/events/{self.event_id}")

    def new_zone(self, name: str) -> Answer:
        feature = {"type": "Feature", "geometry": mapping(files.DECK)}
        feature["properties"] = {"name": name, "kind": "crowd"}
        return self.ask("POST", f"/api/v1/events/{self.event_id}/zones", json=feature)


@pytest.fixture
def desk(app) -> Desk:
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
        token = make_token(session, "planner")
    return Desk(app, token, event_id)


def meanwhile(desk: Desk, upload) -> tuple[Answer, Answer, Answer]:
    """The upload, and once it is under way a page and an API write, all at once."""
    with ThreadPoolExecutor(3) as pool:
        sent = pool.submit(upload)
        time.sleep(0.5)  # the upload is being read (or holds whatever it holds)
        page, write = pool.submit(desk.page), pool.submit(desk.new_zone, "Promenade")
        return sent.result(timeout=120), page.result(timeout=120), write.result(timeout=120)


def assert_answered(page: Answer, write: Answer) -> None:
    assert page.status == 200 and page.seconds < ANSWER_S, (page.status, page.seconds)
    assert write.status == 201 and write.seconds < ANSWER_S, (write.status, write.body[:300])


def count(app, model) -> int:
    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_geopackage_layer_that_is_an_endless_view_is_refused_while_others_answer(app, desk):
    path = f"/api/v1/events/{desk.event_id}/zones/import"
    data = files.endless_view_geopackage()
    sent, page, write = meanwhile(desk, lambda: desk.upload(path, data, "zones.gpkg"))
    assert sent.status == 400 and sent.seconds < REFUSAL_S, (sent.status, sent.seconds)
    assert "'endless' is a view" in sent.body, sent.body[:500]
    assert_answered(page, write)
    assert count(app, Zone) == 1  # the write's zone, none from the file


def test_a_50000_row_roster_imports_while_others_answer(app, desk):
    roster = files.large_roster(50_000)
    upload = lambda: desk.upload("/api/v1/personnel/import", roster, "roster.csv")  # noqa: E731
    sent, page, write = meanwhile(desk, upload)
    assert sent.status == 200, sent.body[:500]
    assert '"created":50000' in sent.body.replace(" ", "")
    assert_answered(page, write)
    assert count(app, Person) == 50_000
