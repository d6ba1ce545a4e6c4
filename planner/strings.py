"""Words of the planner's exports that depend on the reader's language."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from planner import ics
from planner.models import Shift
from web.i18n import local_datetime

PDF_LANGUAGES = ("en", "es", "fr")  # what the PDFs' Latin fonts draw (ics_pdf.latin)


def pdf_language() -> str:
    """The reader's language if the PDF fonts can draw it, else English: Arabic would need
    an Arabic font and shaping, and spelled in Latin letters it would help no one."""
    locale = str(get_locale() or "en")
    return locale if locale in PDF_LANGUAGES else "en"


def say_in_pdf(text: str, **values: object) -> str:
    return _(text, **values)


def period_label(shift: Shift, tz: str) -> str:
    """The period's name and times in the event's zone, in the reader's language."""
    locale = get_locale() or "en"
    start = local_datetime(shift.starts_at, tz, locale)
    end = local_datetime(shift.ends_at, tz, locale)
    return _("%(shift)s: %(start)s to %(end)s", shift=shift.name, start=start, end=end)


def _titles() -> dict[str, str]:
    return {
        "division": _("Division"),
        "operational_period": _("Operational period"),
        "leader": _("Leader"),
        "role": _("Role"),
        "name": _("Name"),
        "agency": _("Agency"),
        "unit": _("Unit"),
        "contact": _("Contact"),
        "work_assignment": _("Work assignment"),
        "special_instructions": _("Special instructions"),
        "communications": _("Communications"),
        "resource": _("Resource"),
        "required": _("Required"),
        "have": _("Have"),
        "need": _("Need"),
    }


def csv_text(form: str, data: dict) -> str:
    """The export's CSV: English keeps its column keys (the API's contract), other
    languages get their own column titles in the header row."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return data["csv"]
    titles = _titles()
    if form == "ics215":
        return ics.ics215_csv(data["rows"], [titles[c] for c in ics.ICS215_COLUMNS])
    return ics.ics204_csv(data["forms"], [titles[c] for c in ics.ICS204_COLUMNS])
