"""The threat lifecycle: which status changes are allowed, and what each one needs."""

from __future__ import annotations

from dataclasses import dataclass

from common.fields import field_words
from common.messages import N_
from common.validation import InputError, has_controls

STATUSES = ("new", "acknowledged", "assigned", "resolved", "dismissed")
OPEN = ("new", "acknowledged", "assigned")
CLOSED = ("resolved", "dismissed")
ALLOWED = {
    "new": {"acknowledged", "assigned", "resolved", "dismissed"},
    "acknowledged": {"assigned", "resolved", "dismissed"},
    "assigned": {"assigned", "acknowledged", "resolved", "dismissed"},
    # A closed threat can be reopened, e.g. a dismissed watchlist match that was right after all.
    "resolved": {"new", "acknowledged"},
    "dismissed": {"new", "acknowledged"},
}
SEVERITY_ORDER = ("minor", "moderate", "severe", "extreme")


def parse_statuses(text: str | None) -> list[str] | None:
    """`new,acknowledged` (a query's `?status=`): those statuses, or None for all."""
    wanted = text.split(",") if text else None
    if wanted and not set(wanted) <= set(STATUSES):
        raise InputError(
            N_("status must be among %(statuses)s", statuses=", ".join(STATUSES)), "status"
        )
    return wanted


class LifecycleError(ValueError):
    """A status change that is not allowed, with a sentence saying why."""


@dataclass(frozen=True)
class Change:
    status: str
    assignee: str
    note: str


def change(current: str, current_assignee: str, request: dict) -> Change:
    """The checked outcome of a commander's request {status, assignee, note}."""
    status = request.get("status") or current
    assignee = request.get("assignee")
    note = request.get("note") or ""
    if not isinstance(status, str) or status not in STATUSES:
        raise LifecycleError(N_("status must be one of %(statuses)s", statuses=", ".join(STATUSES)))
    if not isinstance(note, str) or len(note) > 4000:
        raise LifecycleError(N_("note must be text of at most 4,000 characters"))
    if assignee is not None and (not isinstance(assignee, str) or len(assignee) > 200):
        raise LifecycleError(N_("assignee must be a name of at most 200 characters"))
    for field, value, lines in (("note", note, True), ("assignee", assignee or "", False)):
        if has_controls(value, multiline=lines):
            raise InputError(
                N_("%(field)s holds control characters", field=field_words(field)), field
            )
    if status != current and status not in ALLOWED[current]:
        raise LifecycleError(
            N_("a %(current)s threat cannot become %(status)s", current=current, status=status)
        )
    assignee = (assignee if assignee is not None else current_assignee).strip()
    if status == "assigned" and not assignee:
        raise LifecycleError(N_("say to whom (a person or unit) the threat is assigned"))
    if status == current and assignee == current_assignee and not note:
        raise LifecycleError(N_("nothing to change: give a new status, an assignee or a note"))
    return Change(status, assignee, note.strip())


def cap_severity(severity: str, urgency: str, certainty: str) -> str:
    """A threat's severity from CAP's three axes: the stated severity, lowered one step for
    something already past or unlikely, since commanders rank by what needs acting on now."""
    level = (severity or "").lower()
    if level not in SEVERITY_ORDER:
        return "unknown"
    if (urgency or "").lower() == "past" or (certainty or "").lower() == "unlikely":
        index = SEVERITY_ORDER.index(level)
        return SEVERITY_ORDER[max(index - 1, 0)]
    return level
