"""Error pages in the reader's language, for everything that is not the JSON API.

Werkzeug's own pages are English only; a French liaison who follows a stale link should
read why in French, with a way back.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

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
