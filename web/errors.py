"""How errors are answered: JSON for the API, a page in the reader's language for the rest.

Werkzeug's own pages are English only; a French liaison who follows a stale link should
read why in French, with a way back.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.exceptions import NotFound as PageNotFound

from common.validation import InputError, NotFound
from common.versions import Conflict
from web import i18n

WORDS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("Your account may not open this page or do this.")),
    404: (
        _l("Not found"),
        _l("There is no such page: it may have been deleted, or the link is wrong."),
    ),
    405: (_l("Not possible here"), _l("This page cannot be used that way.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes, then try again.")),
    500: (_l("Something went wrong"), _l("The server could not finish this. It has been logged.")),
}


def api_error(status: int, code: str, message: str, details=None):
    """The API's one error shape: {"error": {"code", "message", "details"}}."""
    body = {"error": {"code": code, "message": message, "details": details}}
    return jsonify(body), status


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.authorization is not None


def page_for(exc: HTTPException):
    """The page for an HTTP error: its translated title and message; a description our
    own code gave (abort(404, description=...)) is kept under it, as written."""
    code = exc.code or 500
    title, message = WORDS.get(code, (exc.name, ""))
    detail = exc.description if exc.description != type(exc).description else ""
    back = request.referrer or ""
    back = back if back.startswith(request.host_url) else "/"
    page = render_template(
        "error.html", title=title, message=message or detail, detail=detail, back=back
    )
    return page, code, _headers(exc)


def _headers(exc: HTTPException) -> dict:
    """What the error's own response would have said beyond its body: Allow, Retry-After."""
    keep = ("Allow", "Retry-After", "WWW-Authenticate")
    return {k: v for k, v in exc.get_headers() if k in keep}


def invalid(exc: InputError):
    details = {"field": exc.field} if exc.field else None
    return api_error(400, "invalid", i18n.say(exc), details)


def not_found(exc: NotFound):
    if request.path.startswith("/api/"):
        return api_error(404, "not_found", i18n.say(exc))
    return page_for(PageNotFound(description=i18n.say(exc)))


def conflict(exc: Conflict):
    """A write based on an old version: 409, with the thing as it is now and its ETag."""
    response, status = api_error(409, "conflict", i18n.say(exc), {"current": exc.current})
    response.set_etag(exc.version)
    return response, status


def csrf_failed(exc: CSRFError):
    if wants_json():
        return api_error(400, "csrf", exc.description)
    reason = exc.description
    return _("The form expired or was not sent from this site: %(reason)s", reason=reason), 400


def too_large(exc: RequestEntityTooLarge):
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    mib = limit / 2**20
    if request.path.startswith("/api/"):
        message = f"The upload is larger than the {mib:g} MiB allowed (MAX_UPLOAD_BYTES)."
        return api_error(413, "too_large", message, {"limit_bytes": limit})
    message = _(
        "The upload is larger than the %(limit)s MiB allowed (MAX_UPLOAD_BYTES).",
        limit=i18n.local_number(mib, digits=2),
    )
    referrer = request.referrer or ""
    back = referrer if referrer.startswith(request.host_url) else request.path
    title = _("File too large")
    page = render_template(
        "error.html", title=title, message=message, back=back, nothing_saved=True
    )
    return page, 413


def http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return api_error(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description)
    return page_for(exc)


def init_app(app: Flask) -> None:
    app.register_error_handler(InputError, invalid)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(Conflict, conflict)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(HTTPException, http_error)
