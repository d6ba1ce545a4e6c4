"""The push door: a partner's alerting system POSTs CAP to one of our feeds
(/api/v1/feeds/<id>/push), with that feed's own push token and no login.

It reads no session and no API token: a logged-in browser, or a user's token, pushes
nothing (accounts.auth lets this endpoint through without a login or a CSRF token for
that reason; the feed's token is the whole of its authority).
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from sqlalchemy.exc import IntegrityError

from common.times import utcnow
from threats.polling import push_service
from threats.polling.push_service import PushRefused
from web.doors import answer, before_any_transaction, commit, write
from web.errors import api_error
from web.extensions import db

bp = Blueprint("feeds_push", __name__, url_prefix="/api/v1")


@bp.post("/feeds/<int:feed_id>/push")
def push(feed_id: int):
    """200 with {"alerts", "threats", "already", "refused"} once stored and published."""
    actor = f"push to feed {feed_id}"
    try:
        feed = push_service.pushing_feed(db.session, feed_id, _token())
        per_minute = current_app.config["PUSH_PER_MINUTE"]
        push_service.count(db.session, feed, utcnow(), per_minute)
        db.session.commit()  # counted even when the document is refused
        # However slowly the partner sends, no transaction (on SQLite, the write lock every
        # other writer waits for) is open while its document arrives.
        return _take(feed, before_any_transaction(_body), actor)
    except PushRefused as refused:
        db.session.rollback()  # nothing of a refused document is kept
        commit(push_service.refusal(write(actor), feed_id, refused))
        response, status = api_error(refused.status, refused.code, refused.message)
        if refused.retry_after is not None:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response, status


def _take(feed, body: bytes, actor: str):
    """The push, stored once: the same alert pushed twice at the same moment (a partner's
    retry) collides on its identity (threat_sources' unique key) on PostgreSQL; the loser
    goes again and finds it already carried."""
    most = current_app.config["PUSH_MAX_ALERTS"]
    try:
        return answer(push_service.push(write(actor), feed, body, most))
    except IntegrityError:
        db.session.rollback()
        return answer(push_service.push(write(actor), feed, body, most))


def _token() -> str | None:
    auth = request.authorization
    return auth.token if auth is not None and auth.type == "bearer" else None


def _body() -> bytes:
    """The document, refused before it is read when it is no XML or too large."""
    if request.mimetype not in push_service.PUSH_TYPES:
        types = ", ".join(sorted(push_service.PUSH_TYPES))
        raise PushRefused(415, "unsupported_media_type", f"Send CAP as one of: {types}.")
    limit = current_app.config["PUSH_MAX_BYTES"]
    too_large = PushRefused(413, "too_large", f"A push is at most {limit} bytes.")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise too_large
    return body
