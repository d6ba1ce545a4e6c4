"""The numbers a request may carry: URL ids within the id columns, finite JSON numbers."""

from __future__ import annotations

import random
import re

import pytest
from flask import Flask
from flask_babel import Babel
from werkzeug.exceptions import BadRequest

from common.validation import DB_INT_MAX
from web import numbers


@pytest.mark.parametrize("limit", ["2147483647", "100", "9", "20", "1000000"])
def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_limit(limit):
    pattern = re.compile(numbers._up_to(limit))
    top = int(limit)
    tried = [*range(min(top * 2 + 20, 3000)), top - 1, top, top + 1, 10 * top, 2**63]
    tried += [random.randrange(top * 3) for _ in range(20_000)]
    assert [n for n in tried if bool(pattern.fullmatch(str(n))) != (n <= top)] == []
    assert pattern.fullmatch(f"000{top}") and not pattern.fullmatch(f"-{top}")


def test_a_route_id_past_the_id_columns_matches_no_route():
    app = Flask(__name__)
    numbers.init_app(app)
    app.add_url_rule("/events/<int:event_id>", "event", lambda event_id: "", methods=["GET"])
    app.add_url_rule("/events/<int:event_id>", "gone", lambda event_id: "", methods=["DELETE"])
    urls = app.url_map.bind("localhost")
    assert urls.match(f"/events/{DB_INT_MAX}") == ("event", {"event_id": DB_INT_MAX})
    for method in ("GET", "DELETE", "PATCH"):  # a 404, not werkzeug's 405 for other methods
        with pytest.raises(BadRequest.__base__) as info:
            urls.match(f"/events/{DB_INT_MAX + 1}", method=method)
        assert info.value.code == 404


@pytest.mark.parametrize(
    "text", ["NaN", "[Infinity]", '{"a": -Infinity}', "1e999", "-1e400", "9007199254740992"]
)
def test_json_with_numbers_no_peer_reads_alike_is_refused_while_parsing(text):
    app = Flask(__name__)
    numbers.init_app(app)
    Babel(app)  # the refusal is said in the reader's language
    with app.test_request_context(), pytest.raises(numbers.UnusableNumber):
        app.json.loads(text)


def test_json_with_finite_numbers_reads_as_before():
    app = Flask(__name__)
    numbers.init_app(app)
    text = '{"a": 9007199254740991, "b": -1.5e300, "c": [0, 1e-400]}'
    assert app.json.loads(text) == {"a": 2**53 - 1, "b": -1.5e300, "c": [0, 0.0]}
