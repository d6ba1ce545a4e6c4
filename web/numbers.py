"""Numbers from outside as the database and JSON can hold them: ids in URLs within the id
columns' range (a longer one is a 404, not an overflow in the database), and JSON bodies
without NaN, Infinity or integers no JSON peer reads exactly (RFC 8259, section 6).

Python's json module reads `NaN`, `Infinity` and `1e999` as floats that no check compares
sensibly (every comparison with NaN is false) and no column stores, and integers of any
length, which overflow SQLite at 2**63 and PostgreSQL at 2**31.
"""

from __future__ import annotations

import math

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from common.validation import DB_INT_MAX
from web.errors import api_error

JSON_INT_MAX = 2**53 - 1  # the largest integer every JSON reader (JavaScript's too) keeps exact


def _up_to(limit: str) -> str:
    """A regex for the decimal numbers from 0 to `limit` (no sign, leading zeros allowed):
    shorter ones, then per leading digit of `limit` the numbers below it there."""
    shorter = [f"[0-9]{{1,{len(limit) - 1}}}"] if len(limit) > 1 else []
    below = [
        f"{limit[:i]}[0-{int(d) - 1}][0-9]{{{len(limit) - i - 1}}}"
        for i, d in enumerate(limit)
        if d != "0"
    ]
    return f"0*(?:{'|'.join([*shorter, *below, limit])})"


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in every route: 0 to DB_INT_MAX. A longer number matches no route, so it
    is a 404 (a check after matching would make werkzeug answer 405 for the other methods
    of the same path)."""

    regex = _up_to(str(DB_INT_MAX))


class UnusableNumber(BadRequest):
    """Raised while parsing, so `get_json(silent=True)` cannot turn it into "no body"."""


def _refused(written: str):
    raise UnusableNumber(
        _("%(number)s is not a number this API takes: send finite numbers", number=written[:40])
    )


def _float(written: str) -> float:
    value = float(written)
    return value if math.isfinite(value) else _refused(written)


def _int(written: str) -> int:
    if len(written) > 17 or abs(value := int(written)) > JSON_INT_MAX:
        return _refused(written)
    return value


class FiniteJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading only finite numbers and integers within JSON_INT_MAX."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_constant", _refused)
        kwargs.setdefault("parse_float", _float)
        kwargs.setdefault("parse_int", _int)
        return super().loads(s, **kwargs)


def refused(exc: UnusableNumber):
    """The API's invalid-input answer, as for any other field it cannot take."""
    return api_error(400, "invalid", exc.description)


def init_app(app: Flask) -> None:
    """Before any route is added: rules pick their converters when they are made."""
    app.url_map.converters["int"] = RecordIdConverter
    app.json = FiniteJSONProvider(app)
    app.register_error_handler(UnusableNumber, refused)
