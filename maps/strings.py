"""The command view script's words, translated on the server and handed to the page.

Placeholders keep the catalogues' python-format (`%(name)s`); static/js/words.js fills
them in. Phrases with a count are written as label and number, so no plural is needed.
"""

from __future__ import annotations

from flask_babel import gettext as _

from web.labels import labels


def command_strings() -> dict:
    return {
        "threat": _("Threat"),
        "new_threat": _("new threat"),
        "zones_list": _("Zones: %(zones)s"),
        "more_zones": _("%(zones)s and %(count)s more"),
        "whole_event": _("whole event: %(places)s"),
        "acknowledge": _("Acknowledge"),
        "assign": _("Assign"),
        "resolve": _("Resolve"),
        "dismiss": _("Dismiss"),
        "assign_to": _("Assign to (person or unit):"),
        "note_optional": _("Note (optional):"),
        "why_dismiss": _("Why dismiss? (optional)"),
        "not_changed": _("Not changed: %(message)s"),
        "cancel": _("Cancel"),
        "reopen": _("Reopen"),
        "why_reopen": _("Why reopen it?"),
        "seen": _("Seen"),
        "show": _("Show"),
        "alarms_waiting": _("%(count)s more waiting"),
        "threats_button": _("Threats (%(count)s)"),
        "count_of": _("%(shown)s of %(total)s"),
        "received_at": _("Received %(time)s"),
        "age_now": _("under 1 min"),
        "age_minutes": _("%(minutes)s min"),
        "age_hours": _("%(hours)s h %(minutes)s min"),
        "age_days": _("%(days)s d %(hours)s h"),
        "first_and_more": _("%(first)s +%(count)s"),
        "list_first": _("The first %(count)s are listed."),
        "no_open": _("No open threats."),
        "no_closed": _("No closed threats."),
        "none_match": _("No threat matches these filters."),
        "loading_closed": _("Loading closed threats…"),
        "closed_failed": _("Closed threats could not be loaded: %(message)s"),
        "source_ends": _("Its source says it ends at %(time)s."),
        "source_ended": _(
            "Its source ended it at %(time)s; it stays open until someone closes it."
        ),
        "zone_staffing": _("%(zone)s: posted %(assigned)s of %(required)s, short %(short)s"),
        "sound_on": _("Sound on"),
        "sound_off": _("Sound off"),
        "no_later_period": _("No later operational period."),
        "next_period": _(
            "Next: %(name)s (%(start)s): posted %(assigned)s of %(required)s, short %(short)s."
        ),
        "never": _("never"),
        "feed_ok": _("ok %(when)s"),
        "feed_unplaced": _("alerts not placed (no area, no matching place code): %(count)s"),
        "pick_person": _("Pick a person from the list."),
        "layer_zones": _("Zones"),
        "layer_threats": _("Threats"),
        "reach_label": _("zones within %(metres)s m (rule: %(rule)s)"),
        "reach_all_label": _("every zone once within %(metres)s m (rule: %(rule)s)"),
        "reach_detail": _("Zones within %(metres)s m of it: rule “%(rule)s” (%(source)s)."),
        "reach_all_detail": _(
            "Every zone, since it came within %(metres)s m: rule “%(rule)s” (%(source)s)."
        ),
        "reach_kinds_detail": _("Zones of kind %(kinds)s it is in: rule “%(rule)s” (%(source)s)."),
        "reach_area_detail": _("Zones its own area covers: no reach rule for its kind."),
        "diverted_here": _("Diverted here: %(name)s (%(agency)s), %(time)s"),
        "diverted_from": _("from %(zone)s"),
        "assign_search": _("Name, unit, agency or zone"),
        "assign_nobody": _("Nobody on duty matches: the text is assigned as written."),
        "assign_people": _("On duty and posted now"),
        "assign_more": _("%(count)s more: type to narrow the list"),
        "status": labels("threat_status"),
        "severity": labels("severity"),
        "feed_state": labels("feed_state"),
        "duty": labels("duty"),
        "reach_rule": labels("reach_rule"),
        "reach_origin": labels("reach_origin"),
        "zone_kind": labels("zone_kind"),
    }
