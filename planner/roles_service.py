"""The managed list of roles: add a role, rename its labels. Its code never changes, so
requirements, assignments and rosters that name it keep meaning the same role."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.messages import N_
from common.validation import InputError, has_controls
from common.writes import Change, Write
from planner.models import Role
from planner.roles import (
    LANGUAGES,
    MAX_LABEL_CHARS,
    RoleBook,
    is_role_code,
    normalise_role,
)
from planner.roles import Role as RoleEntry


def book(session: Session) -> RoleBook:
    """Every known role, read once for a request or an import."""
    return RoleBook(RoleEntry(r.code, dict(r.labels or {})) for r in session.scalars(select(Role)))


def create_role(w: Write, data: dict) -> Change[Role]:
    """A new role from its labels; its code is given, or made from the English label."""
    if not isinstance(data, dict):
        raise InputError(N_("send {code, labels: {en, ar, es, fr}}"))
    labels = _labels(data.get("labels"), required=True)
    code = normalise_role(str(data.get("code") or labels["en"]))
    if not is_role_code(code):
        raise InputError(
            N_(
                "role code %(code)r: letters, digits and underscores, starting with a letter",
                code=code[:64],
            ),
            "code",
        )
    known = book(w.session)
    clash = known.find(code) or next(
        (known.find(v) for v in labels.values() if known.find(v)), None
    )
    if clash:
        raise InputError(
            N_(
                "there is already a role %(label)s (%(code)s)",
                label=known.named(clash),
                code=clash,
            ),
            "code",
        )
    role = Role(code=code, labels=labels)
    w.session.add(role)
    w.session.flush()
    return Change("role.create", f"role:{code}", after=role_json(role), result=role)


def rename_role(w: Write, code: str, data: dict) -> Change[Role]:
    """New labels for a role (a language left out keeps its label; "" removes it)."""
    role = w.session.scalar(select(Role).where(Role.code == code))
    if role is None:
        raise InputError(N_("no role %(code)r", code=str(code)[:64]), "code")
    if not isinstance(data, dict):
        raise InputError(N_("send {labels: {en, ar, es, fr}}"))
    changes = _labels(data.get("labels"), required=False)
    merged = {k: v for k, v in ({**(role.labels or {}), **changes}).items() if v}
    if not merged.get("en"):
        raise InputError(N_("a role needs an English label"), "labels")
    others = book(w.session)
    for label in merged.values():
        found = others.find(label)
        if found and found != code:
            raise InputError(
                N_(
                    "the label %(label)r already names the role %(code)s",
                    label=label,
                    code=found,
                ),
                "labels",
            )
    before = role_json(role)
    role.labels = merged
    w.session.flush()
    return Change("role.rename", f"role:{code}", after=role_json(role), before=before, result=role)


def _labels(given, *, required: bool) -> dict[str, str]:
    """Labels by language, each checked; English is required for a new role."""
    if not isinstance(given, dict):
        raise InputError(N_("labels must be an object: {en, ar, es, fr}"), "labels")
    unknown = sorted(set(given) - set(LANGUAGES))
    if unknown:
        raise InputError(
            N_(
                "labels: unknown language %(language)r (one of %(languages)s)",
                language=str(unknown[0])[:8],
                languages=", ".join(LANGUAGES),
            ),
            "labels",
        )
    labels = {}
    for language, label in given.items():
        if not isinstance(label, str) or len(label) > MAX_LABEL_CHARS or has_controls(label):
            raise InputError(
                N_(
                    "label (%(language)s): text of at most %(max)d characters, on one line",
                    language=language,
                    max=MAX_LABEL_CHARS,
                ),
                "labels",
            )
        labels[language] = label.strip()
    if required and not labels.get("en"):
        raise InputError(N_("a role needs an English label"), "labels")
    return labels


def role_json(role: Role) -> dict:
    return {"code": role.code, "labels": dict(role.labels or {})}
