"""Dates and numbers per locale, and the catalogues compiled when missing or stale."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime

from babel.support import Translations

from web.i18n import CATALOGUES, compile_catalogues, local_datetime, local_number

SHOW = datetime(2026, 7, 18, 13, 0, tzinfo=UTC)  # 08:00 on the lakefront


def test_a_time_is_written_in_the_events_zone_the_locales_way():
    tz = "America/Chicago"
    assert local_datetime(SHOW, tz, "en") == "Sat 18 Jul 2026 08:00 CDT"
    assert local_datetime(SHOW, tz, "es") == "sáb, 18 jul 2026, 08:00 -0500"
    assert local_datetime(SHOW, tz, "fr") == "sam. 18 juil. 2026, 08:00 -0500"
    assert local_datetime(SHOW, tz, "ar") == "السبت، 18 يوليو 2026، \u206608:00 -0500\u2069"
    assert local_datetime(SHOW, "Europe/Paris", "fr") == "sam. 18 juil. 2026, 15:00 +0200"
    assert local_datetime(None, tz, "fr") == ""
    later = SHOW.replace(second=7)
    assert local_datetime(later, tz, "en", seconds=True) == "Sat 18 Jul 2026 08:00:07 CDT"
    assert local_datetime(later, tz, "fr", seconds=True) == "sam. 18 juil. 2026, 08:00:07 -0500"
    assert local_datetime(later, tz, "ar", seconds=True).endswith("\u206608:00:07 -0500\u2069")


def test_numbers_are_grouped_the_locales_way():
    assert local_number(250_000, locale="en") == "250,000"
    assert local_number(250_000, locale="es") == "250.000"
    assert local_number(250_000, locale="fr") == "250\u202f000"
    assert local_number(1234.5, digits=2, locale="fr") == "1\u202f234,5"
    assert local_number(2, digits=2, min_digits=1, locale="en") == "2.0"
    assert local_number(2.25, digits=2, min_digits=1, locale="es") == "2,25"
    assert local_number(None, locale="en") == ""


def test_catalogues_are_compiled_when_missing_or_older_than_their_po(tmp_path):
    source = tmp_path / "translations"
    shutil.copytree(CATALOGUES, source, ignore=shutil.ignore_patterns("*.mo"))
    compile_catalogues(source)
    mo = source / "fr" / "LC_MESSAGES" / "messages.mo"
    with mo.open("rb") as f:
        assert Translations(f).gettext("Log in") == "Se connecter"
    po = mo.with_suffix(".po")
    os.utime(mo, (1, 1))  # older than its .po: compiled again
    compile_catalogues(source)
    assert mo.stat().st_mtime >= po.stat().st_mtime
    before = mo.stat().st_mtime_ns
    compile_catalogues(source)  # up to date: left alone
    assert mo.stat().st_mtime_ns == before
