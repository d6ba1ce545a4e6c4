"""The message catalogues: up to date with the sources, complete, and safe to format."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from web.i18n import CATALOGUES, LANGUAGES, ROOT

TRANSLATED = sorted(set(LANGUAGES) - {"en"})  # English is the msgids themselves
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def catalogue(path: Path, locale: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def msgids(cat) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}


def placeholders(text: str) -> set[str]:
    return {m.group(1) or m.group(0) for m in PLACEHOLDER.finditer(text)}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """The msgids of the sources now, extracted as the README says."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    args = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "Np_:1,2"]
    CommandLineInterface().run([*args, "-o", str(pot), str(ROOT)])
    return msgids(catalogue(pot))


def test_the_template_is_up_to_date_with_the_sources(extracted):
    committed = msgids(catalogue(CATALOGUES / "messages.pot"))
    assert extracted - committed == set(), "extract again: these are not in messages.pot"
    assert committed - extracted == set(), "extract again: these are gone from the sources"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    cat = catalogue(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", lang)
    template = msgids(catalogue(CATALOGUES / "messages.pot"))
    assert template - msgids(cat) == set(), f"update {lang}: missing from its catalogue"
    assert msgids(cat) - template == set(), f"update {lang}: no longer in the template"
    assert not cat.fuzzy
    fuzzy = [m.id for m in cat if m.id and m.fuzzy]
    assert fuzzy == []
    untranslated = [
        m.id for m in cat if m.id and not all(m.string if m.pluralizable else [m.string])
    ]
    assert untranslated == []
    assert all(len(m.string) == cat.num_plurals for m in cat if m.id and m.pluralizable)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders_of_their_msgid(lang):
    cat = catalogue(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", lang)
    wrong = []
    for m in cat:
        if not m.id:
            continue
        if not m.pluralizable:
            if placeholders(m.string) != placeholders(m.id):
                wrong.append((m.id, m.string))
            continue
        wanted = placeholders(m.id[0]) | placeholders(m.id[1])
        for form in m.string:
            # a plural form may spell its number out ("one", "two"), never drop the rest
            if not wanted - {"num"} <= placeholders(form) <= wanted:
                wrong.append((m.id[0], form))
    assert wrong == []
    assert [(m.id, errors) for m, errors in cat.check()] == []


def compiled(lang: str) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalogue(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", lang))
    buffer.seek(0)
    return Translations(buffer)


class Sample(dict):
    """A value for every placeholder a message may have; `num` is the count."""

    def __missing__(self, key: str) -> str:
        return "EPSG:4326"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_catalogue_formats_its_plurals_for_every_count(lang):
    translations = compiled(lang)
    template = catalogue(CATALOGUES / "messages.pot")
    for m in (m for m in template if m.id and m.pluralizable):
        for n in (0, 1, 2, 3, 11, 100, 1_000_000):
            values = Sample(num=n)
            text = translations.ngettext(*m.id, n) % values
            assert text not in (m.id[0] % values, "")


def test_arabic_has_its_six_plural_forms():
    ngettext = compiled("ar").ngettext
    said = [
        ngettext("Assigned %(num)d person.", "Assigned %(num)d people.", n) % {"num": n}
        for n in (0, 1, 2, 3, 11, 100)
    ]
    assert said == [
        "لم يُسنَد أي شخص.",
        "تم إسناد شخص واحد.",
        "تم إسناد شخصين.",
        "تم إسناد 3 أشخاص.",
        "تم إسناد 11 شخصًا.",
        "تم إسناد 100 شخص.",
    ]
