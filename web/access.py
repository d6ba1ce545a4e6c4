"""Who may call a view: the role check every page and API view shares."""

from __future__ import annotations

from functools import wraps

from flask_babel import gettext as _
from flask_login import current_user

from web.errors import api_error, wants_json
from web.labels import label


def roles_required(*roles: str):
    """Refuse the view unless the user holds one of the roles (admins always pass)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles and current_user.role != "admin":
                return forbidden(_needs(roles))
            return view(*args, **kwargs)

        return wrapped

    return decorate


def _needs(roles: tuple[str, ...]) -> str:
    names = [label("role", role) for role in roles]
    if len(names) == 1:
        return _("This needs the role %(role)s.", role=names[0])
    return _(
        "This needs the role %(first)s or %(last)s.", first=", ".join(names[:-1]), last=names[-1]
    )


def forbidden(message: str):
    if wants_json():
        return api_error(403, "forbidden", message)
    return message, 403
