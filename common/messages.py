"""Messages from the core, in English, carrying what it takes to say them in another
language: their template (a msgid of the catalogues) and the values to fill in.

The core stays free of Flask and of the reader's language; the web layer says a message
in the reader's language (i18n.say) where it shows one, on a page or in the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime


class Text(str):
    """An English message that remembers its template and values (and, for one that
    counts, its plural template and the count)."""

    template: str
    values: dict[str, object]
    plural: str | None = None

    def __new__(cls, template: str, **values: object) -> Text:
        text = super().__new__(cls, template % values if values else template)
        text.template, text.values = template, values
        return text


N_ = Text  # pybabel extracts N_("...") by default, so every template reaches the catalogues


def Np_(singular: str, plural: str, num: int, **values: object) -> Text:
    """A message that counts: `%(num)d` in both forms, as flask-babel's ngettext has it;
    the catalogues give each language its own plural forms (extracted with -k Np_:1,2)."""
    values = {"num": num, **values}
    text = Text(singular if num == 1 else plural, **values)
    text.template, text.plural = singular, plural
    return text


class Joined(str):
    """Messages joined by a separator; each is said in the reader's language on its own."""

    parts: list[str]
    separator: str

    def __new__(cls, parts: Iterable[str], separator: str = "; ") -> Joined:
        parts = list(parts)
        joined = super().__new__(cls, separator.join(parts))
        joined.parts, joined.separator = parts, separator
        return joined


class Moment(str):
    """A date or time written the English way ("Sat 15 Aug 19:00"), keeping the value and
    CLDR skeletons ("MMMEd", "Hm") so that another language writes it its own way."""

    value: datetime
    skeletons: tuple[str, ...]

    def __new__(cls, value: date | datetime, skeletons: tuple[str, ...], english: str) -> Moment:
        moment = super().__new__(cls, english)
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        moment.value, moment.skeletons = value, skeletons
        return moment


class Named(str):
    """A name that has one form per language (a role's labels), English as a plain str; the
    web layer says it in the reader's language."""

    names: dict[str, str]

    def __new__(cls, english: str, names: dict[str, str]) -> Named:
        named = super().__new__(cls, english)
        named.names = dict(names)
        return named


def message_of(exc: BaseException) -> str:
    """The message an exception was raised with: the Text itself when it was one (str()
    of an exception would flatten it to plain English)."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, str) else str(exc)
