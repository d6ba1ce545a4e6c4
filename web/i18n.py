"""Languages of the interface: English, Spanish, French and Arabic (right to left).

The catalogues are the .po files under translations/; their compiled .mo files are
built on start when missing or older than their .po, so a fresh checkout needs no step.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale, gettext, ngettext
from flask_login import current_user

from common.messages import Joined, Moment, Named, Text, message_of
from web.labels import label

ROOT = Path(__file__).resolve().parent.parent  # the project folder
CATALOGUES = ROOT / "translations"
DOMAIN = "messages"
# The code a user's choice is stored as, and the language's name in itself (for the picker).
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "ar": "العربية"}
DEFAULT = "en"
# English keeps the day-month-year, 24-hour form of the printed ICS forms.
ENGLISH_PATTERN = "EEE dd MMM y HH:mm zzz"

babel = Babel()


def select_locale() -> str:
    """The user's own choice, else the one made on the login page, else the browser's."""
    if not has_request_context():
        return DEFAULT
    if current_user.is_authenticated and getattr(current_user, "locale", None) in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def is_rtl(locale: Locale) -> bool:
    return locale.character_order == "right-to-left"


def local_datetime(
    value: datetime | None, tz: str, locale: Locale | str = DEFAULT, *, seconds: bool = False
) -> str:
    """A stored UTC time, in the event's time zone, written the way the locale writes it;
    to the second where that matters (feeds polled more often than once a minute)."""
    if value is None:
        return ""
    locale = Locale.parse(locale)
    zone = ZoneInfo(tz)
    clock = "HH:mm:ss" if seconds else "HH:mm"
    if locale.language == "en":
        pattern = ENGLISH_PATTERN.replace("HH:mm", clock)
        return format_datetime(value, pattern, tzinfo=zone, locale=locale)
    date = format_skeleton("yMMMEd", value, tzinfo=zone, locale=locale)
    time = format_datetime(value, f"{clock} zzz", tzinfo=zone, locale=locale)
    if is_rtl(locale):  # kept left to right as one unit, or "-0500" turns into "0500-"
        time = f"\u2066{time}\u2069"
    return str(locale.datetime_formats["medium"]).replace("'", "").format(time, date)


def local_number(
    value: float | int | None, digits: int = 0, min_digits: int = 0, locale=None
) -> str:
    """A number with the locale's grouping and decimal signs, with between `min_digits`
    and `digits` decimals; blank for None."""
    if value is None:
        return ""
    decimals = "0" * min_digits + "#" * max(digits - min_digits, 0)
    pattern = "#,##0" + ("." + decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale or get_locale() or DEFAULT)


def say(message: object) -> str:
    """A core message (messages.Text, or an exception raised with one) in the reader's
    language; any other value as it is. A template missing from a catalogue stays English."""
    if isinstance(message, BaseException):
        message = message_of(message)
    if isinstance(message, Moment):
        zone, locale = message.value.tzinfo, get_locale()
        parts = (format_skeleton(k, message.value, zone, locale=locale) for k in message.skeletons)
        return " ".join(parts)
    if isinstance(message, Named):
        return message.names.get(str(get_locale() or DEFAULT).split("_")[0]) or str(message)
    if isinstance(message, Joined):
        return message.separator.join(say(part) for part in message.parts)
    if not isinstance(message, Text):
        return str(message)
    values = {k: say(v) if isinstance(v, str) else v for k, v in message.values.items()}
    if message.plural is not None:
        return ngettext(message.template, message.plural, **values)
    return gettext(message.template, **values) if values else gettext(message.template)


def _localtime_filter(value: datetime | None, tz: str, seconds: bool = False) -> str:
    return local_datetime(value, tz, get_locale() or DEFAULT, seconds=seconds)


def _template_globals() -> dict:
    locale = get_locale() or Locale.parse(DEFAULT)
    return {
        "locale": str(locale),
        "text_direction": "rtl" if is_rtl(locale) else "ltr",
        "languages": LANGUAGES,
    }


def compile_catalogues(source: Path = CATALOGUES, target: Path | None = None) -> Path:
    """Write each .po's .mo beside it (or under `target`) when it is missing or stale."""
    target = target or source
    for po in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parts[-3])
        mo.parent.mkdir(parents=True, exist_ok=True)
        # Several processes may start at once: each writes its own file, then swaps it in.
        fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.replace(tmp, mo)
    return target


def _compiled_directory(app: Flask) -> Path:
    try:
        return compile_catalogues()
    except OSError:  # a read-only install: compile into the instance folder instead
        return compile_catalogues(target=Path(app.config["INSTANCE_PATH"]) / "translations")


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(_compiled_directory(app))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.add_template_filter(_localtime_filter, "localtime")
    app.add_template_filter(local_number, "number")
    app.add_template_filter(say, "say")
    app.add_template_global(label)
    app.context_processor(_template_globals)
