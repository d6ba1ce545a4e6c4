"""The Changes page's sentences: an audit entry (action, target, before and after) said as
what a person did ("Alice resolved threat “Gas leak”", "Bob imported 40 zones"), not as a
route and a status code. Plain values in, a messages.Text out (the page says it in the
reader's language); the raw entries stay in the CSV export for auditors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from common.messages import N_, Np_, Text


@dataclass(frozen=True)
class Entry:
    """What the audit log kept of one write, with names the page looked up."""

    who: str
    action: str
    target: str = ""
    before: object = None
    after: object = None
    status: int = 200
    people: Mapping[int, str] = field(default_factory=dict)  # person id -> name
    zones: Mapping[int, str] = field(default_factory=dict)  # zone id -> name


THREAT_STATUS = {
    "acknowledged": N_("%(who)s acknowledged threat “%(title)s”"),
    "resolved": N_("%(who)s resolved threat “%(title)s”"),
    "dismissed": N_("%(who)s dismissed threat “%(title)s”"),
    "new": N_("%(who)s reopened threat “%(title)s”"),
}
CHECKIN = {
    "checkin.on_duty": N_("%(who)s checked %(person)s in, in %(zone)s"),
    "checkin.off_duty": N_("%(who)s checked %(person)s out"),
    "checkin.diverted": N_("%(who)s diverted %(person)s to a threat"),
}
SIMPLE = {
    "event.create": N_("%(who)s created the event"),
    "event.update": N_("%(who)s changed the event's settings"),
    "wall_link.create": N_("%(who)s made a wall display link"),
    "wall_link.revoke": N_("%(who)s revoked a wall display link"),
    "gis_link.create": N_("%(who)s made a GIS feed link"),
    "gis_link.revoke": N_("%(who)s revoked a GIS feed link"),
    "screening.run": N_("%(who)s screened the badge holders"),
    "sighting.check": N_("%(who)s reported a sighting"),
    "feed.create": N_("%(who)s added a feed source"),
    "feed.update": N_("%(who)s changed a feed source"),
    "feed.poll": N_("%(who)s polled a feed"),
}


def sentence(entry: Entry) -> Text:
    """What the person did, in a sentence; a refused write says what was tried."""
    if refused(entry):
        return N_(
            "%(who)s tried a change that was refused: %(reason)s",
            who=entry.who,
            reason=_reason(entry),
        )
    said = _said(entry)
    return (
        said if said is not None else N_("%(who)s: %(action)s", who=entry.who, action=entry.action)
    )


def refused(entry: Entry) -> bool:
    return entry.status >= 400 or (isinstance(entry.after, dict) and "refused" in entry.after)


def _reason(entry: Entry) -> str:
    if isinstance(entry.after, dict) and entry.after.get("refused"):
        return str(entry.after["refused"])
    return N_("answer %(status)s", status=entry.status)


def _said(entry: Entry) -> Text | None:
    action, who = entry.action, entry.who
    after = entry.after if isinstance(entry.after, dict) else {}
    before = entry.before if isinstance(entry.before, dict) else {}
    if action == "threat.update":
        return _threat(who, after, before)
    if action.startswith("zone."):
        return _zone(entry, after, before)
    if action in CHECKIN:
        person = entry.people.get(after.get("person_id"), N_("someone"))
        zone = entry.zones.get(after.get("zone_id"), N_("their zone"))
        return N_(CHECKIN[action], who=who, person=person, zone=zone)
    if action == "shift.create":
        return N_("%(who)s added operational period “%(name)s”", who=who, name=after.get("name"))
    if action == "division_note.update":
        zone = entry.zones.get(after.get("zone_id"), "?")
        return N_("%(who)s wrote the ICS 204 notes for %(zone)s", who=who, zone=zone)
    if action.startswith(("requirements.", "assignments.")):
        return _staffing(who, action, after)
    if action in SIMPLE:
        return N_(SIMPLE[action], who=who)
    return None


def _threat(who: str, after: dict, before: dict) -> Text:
    title = after.get("title") or before.get("title") or "?"
    status = after.get("status")
    if status == "assigned":
        assignee = after.get("assignee") or "?"
        return N_(
            "%(who)s assigned threat “%(title)s” to %(assignee)s",
            who=who,
            title=title,
            assignee=assignee,
        )
    if status in THREAT_STATUS and status != before.get("status"):
        return N_(THREAT_STATUS[status], who=who, title=title)
    return N_("%(who)s updated threat “%(title)s”", who=who, title=title)


def _zone(entry: Entry, after: dict, before: dict) -> Text | None:
    who = entry.who
    if entry.action == "zone.import":
        features = (after.get("zones") or {}).get("features") or []
        return Np_(
            "%(who)s imported %(num)d zone",
            "%(who)s imported %(num)d zones",
            len(features),
            who=who,
        )
    name = (after.get("properties") or before.get("properties") or {}).get("name", "?")
    words = {
        "zone.create": N_("%(who)s added zone “%(zone)s”"),
        "zone.update": N_("%(who)s changed zone “%(zone)s”"),
        "zone.delete": N_("%(who)s deleted zone “%(zone)s”"),
    }
    return N_(words[entry.action], who=who, zone=name) if entry.action in words else None


def _staffing(who: str, action: str, after: dict) -> Text | None:
    if action == "requirements.set":
        n = len(after.get("requirements") or [])
        return Np_(
            "%(who)s set %(num)d head count",
            "%(who)s set %(num)d head counts",
            n,
            who=who,
        )
    if action == "assignments.create":
        n = len(after.get("assignments") or [])
        return Np_(
            "%(who)s assigned %(num)d person",
            "%(who)s assigned %(num)d people",
            n,
            who=who,
        )
    if action == "assignments.delete":
        n = int(after.get("removed") or 0)
        return Np_(
            "%(who)s removed %(num)d assignment",
            "%(who)s removed %(num)d assignments",
            n,
            who=who,
        )
    if action == "assignments.auto":
        n = len(after.get("assignments") or [])
        return Np_(
            "%(who)s ran auto-assign: %(num)d new assignment",
            "%(who)s ran auto-assign: %(num)d new assignments",
            n,
            who=who,
        )
    return None
