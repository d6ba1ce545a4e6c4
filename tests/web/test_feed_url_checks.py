"""A feed URL that the allow-list check and the HTTP library would read differently is
refused at the door, with a 400 that names what is wrong (issue 17, finding 4). The app
runs with its default allowed hosts, which include api.weather.gov and 127.0.0.1."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import db_session
from threats.models import FeedSource

TRICK = "http://127.0.0.1:8771\\@api.weather.gov/"  # urlsplit: api.weather.gov; urllib3: 127.0.0.1


def api(who, method: str, url: str, body):
    return who.client.open(url, method=method, json=body, headers={"X-CSRFToken": who.csrf})


def feeds(app) -> int:
    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(FeedSource))


@pytest.mark.parametrize(
    "url, problem",
    [
        (TRICK, "backslash"),
        ("http://api.weather.gov@127.0.0.1:8771/", "user name"),
        ("http://127.0.0.1:8771\t@api.weather.gov/", "control character"),
        ("http:/\\/api.weather.gov/alerts", "backslash"),
        ("http://169.254.169.254#@api.weather.gov/", "not an allowed feed host"),
    ],
)
def test_adding_a_feed_with_a_confusing_url_is_refused(app, login, url, problem):
    admin = login("admin")
    answer = api(admin, "POST", "/api/v1/feeds", {"kind": "cap", "url": url})
    assert answer.status_code == 400, answer.json
    error = answer.json["error"]
    assert problem in error["message"] and error["details"] == {"field": "url"}
    assert feeds(app) == 0


def test_changing_a_feeds_url_to_a_confusing_one_is_refused(app, login):
    admin = login("admin")
    made = api(admin, "POST", "/api/v1/feeds", {"kind": "cap", "url": "https://api.weather.gov/a"})
    assert made.status_code == 201
    answer = api(admin, "PATCH", f"/api/v1/feeds/{made.json['id']}", {"url": TRICK})
    assert answer.status_code == 400 and "backslash" in answer.json["error"]["message"]
    assert api(admin, "GET", f"/api/v1/feeds/{made.json['id']}", None).json["url"].endswith("/a")


def test_the_refusal_is_said_in_the_readers_language(app, login):
    admin = login("admin", **{"Accept-Language": "fr"})
    answer = admin.client.post(
        "/api/v1/feeds",
        json={"kind": "cap", "url": TRICK},
        headers={"X-CSRFToken": admin.csrf, "Accept-Language": "fr"},
    )
    assert answer.status_code == 400
    assert "barre oblique inverse" in answer.json["error"]["message"]
