"""Unit tests for the FBI Wanted API list parser against the synthetic Lakefront fixture."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzzing import (
    FUZZ_STRICT,
    REFUSED,
    json_values,
    mutated_bytes,
    only_documented_error,
    substitutions,
)
from threats.feeds.errors import FeedFormatError
from threats.feeds.fbi import (
    display_name,
    next_page_number,
    parse_date_of_birth,
    parse_wanted_page,
)
from threats.feeds.records import WatchlistEntry

FIXTURES = Path(__file__).parents[3] / "fixtures" / "feeds"
PAGE_FILE = FIXTURES / "fbi" / "wanted-list-page1.json"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())["fbi"]

FAKEWORTH = "074c511b896056f56bdfd415e52f9285"
TESTAROVA = "e2144ea8ec6a610730038c6376d45679"
MITHALI = "497bc80a0026df8ba27789965479e422"
STUBBLEFORD = "d598197ab9e97431e05af9879e462b98"


def doc() -> dict:
    return json.loads(PAGE_FILE.read_bytes())


def encode(data: dict) -> bytes:
    return json.dumps(data).encode()


def by_uid(data: bytes | None = None) -> dict[str, WatchlistEntry]:
    page = parse_wanted_page(PAGE_FILE.read_bytes() if data is None else data)
    return {r.source_id: r for r in page.records}


def with_item(**fields: object) -> dict[str, WatchlistEntry]:
    data = doc()
    data["items"][0].update(fields)
    return by_uid(encode(data))


def test_page_envelope():
    page = parse_wanted_page(PAGE_FILE.read_bytes())
    assert page.total == len(page.records) == EXPECTED["total"]
    assert page.next_url is None
    assert next_page_number(1, 20, page.total) is None


def test_uids_and_urls():
    for uid, entry in by_uid().items():
        assert re.fullmatch(r"[0-9a-f]{32}", uid)
        assert entry.list_kind == "fbi-wanted"
        assert entry.url.startswith("https://www.fbi.gov/wanted/fixtures/")
        assert entry.extra["field_offices"] == ("chicago",)


def test_url_falls_back_to_the_api_id():
    entry = with_item(url=None)[FAKEWORTH]
    assert entry.url == f"https://api.fbi.gov/@wanted-person/{FAKEWORTH}"


def test_title_is_kept_and_a_display_form_is_added():
    entry = by_uid()[MITHALI]
    assert entry.name == "ABDULRAHMAN AL-MITHALI"
    assert entry.extra["display_name"] == "Abdulrahman Al-Mithali"
    assert (entry.given_names, entry.family_name) == ("", "")


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("JUNIPER STUBBLEFORD", "Juniper Stubbleford"),
        ("SEAN O'FAKEY", "Sean O'Fakey"),
        ("MARY-JANE  DOE", "Mary-Jane  Doe"),
        ("Already Mixed McCase", "Already Mixed McCase"),
        ("МИРАБЕЛЬ ТЕСТАРОВА", "Мирабель Тестарова"),
        ("", ""),
    ],
)
def test_display_name(title, shown):
    assert display_name(title) == shown


def test_null_aliases_give_none():
    assert EXPECTED["aliases_null_uids"] == [STUBBLEFORD]
    assert by_uid()[STUBBLEFORD].aliases == ()


def test_aliases_in_other_scripts_are_kept_as_sent():
    entries = by_uid()
    assert "Мирабель Тестарова" in entries[TESTAROVA].aliases
    assert "عبد الرحمن المثالي" in entries[MITHALI].aliases
    assert entries[MITHALI].aliases[0] == "Abd al-Rahman al-Mithali"


@pytest.mark.parametrize(
    ("uid", "dates"),
    [
        (FAKEWORTH, ("1985-03-03", "1985-03-30")),
        (TESTAROVA, ("1979-11-12",)),
        (MITHALI, ("1980-06-09",)),
        (STUBBLEFORD, ("2011-08-14",)),
    ],
)
def test_dates_of_birth_become_iso(uid, dates):
    assert by_uid()[uid].birth_dates == dates


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("March 3, 1985", "1985-03-03"),
        ("  march 3 1985 ", "1985-03-03"),
        ("Sept. 9, 1970", None),
        ("September 1970", "1970-09"),
        ("1966", "1966"),
        ("1966-02-28", "1966-02-28"),
        ("February 30, 1985", None),
        ("Approximately 1970", None),
        ("1966 to 1970", None),
        ("", None),
    ],
)
def test_parse_date_of_birth(text, iso):
    assert parse_date_of_birth(text) == iso


def test_unreadable_birth_dates_are_kept_raw():
    entry = with_item(dates_of_birth_used=["March 3, 1985", "Approximately 1970"])[FAKEWORTH]
    assert entry.birth_dates == ("1985-03-03",)
    assert entry.extra["dates_of_birth_raw"] == ("Approximately 1970",)


def test_missing_person_is_kept_but_marked_as_a_victim():
    entries = by_uid()
    victims = [uid for uid, e in entries.items() if e.extra.get("victim")]
    assert victims == EXPECTED["missing_person_uids"]
    missing = entries[STUBBLEFORD]
    assert missing.reason.startswith("Missing person; ViCAP Missing Persons")
    assert missing.extra["caution"] == (
        "Juniper Stubbleford was last seen near the North Avenue Beach house. (SYNTHETIC FIXTURE)"
    )


def test_reason_is_short_plain_text():
    entries = by_uid()
    assert entries[FAKEWORTH].reason == (
        "Violent Crime - Murders; "
        "Unlawful Flight to Avoid Prosecution - Aggravated Assault (fictional)"
    )
    long = with_item(subjects=None, description=None, caution="<p>word " * 200 + "</p>")
    assert long[FAKEWORTH].reason.endswith("…")
    assert len(long[FAKEWORTH].reason) <= 300
    assert "<" not in long[FAKEWORTH].reason


def test_html_is_stripped_and_unescaped():
    entry = with_item(remarks="<p>Ties to <b>Chicago</b> &amp; Gary</p>", aliases=["A&#39;B"])
    assert entry[FAKEWORTH].extra["remarks"] == "Ties to Chicago & Gary"
    assert entry[FAKEWORTH].aliases == ("A'B",)


def test_other_fields():
    entry = by_uid()[TESTAROVA]
    assert entry.gender == "F"
    assert entry.nationalities == ()  # the API sends a demonym, kept in extra
    assert entry.extra["nationality"] == "Ukrainian"
    (image,) = entry.extra["images"]
    assert image["caption"] == ""
    assert image["thumb"].endswith("/mirabel-testarova/@@images/image/thumb")


@pytest.mark.parametrize(
    ("page", "size", "total", "following"),
    [
        (1, 20, 5, None),
        (1, 2, 5, 2),
        (2, 2, 5, 3),
        (3, 2, 5, None),
        (1, 20, 0, None),
        (0, 20, 50, None),
    ],
)
def test_next_page_number(page, size, total, following):
    assert next_page_number(page, size, total) == following


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d["items"][3].update(uid="  "), "record 4: FBI: item 4 has no uid"),
        (lambda d: d["items"].append("x"), "record 6: FBI: item 6 is not a JSON object"),
        (lambda d: d["items"][0].update(aliases="Quint"), "record 1 (id 074c"),
        (lambda d: d["items"][0].update(title=["X"]), "record 1 (id 074c"),
    ],
)
def test_a_malformed_item_is_refused_and_the_others_kept(mutate, reason):
    data = doc()
    mutate(data)
    page = parse_wanted_page(encode(data))
    assert len(page.records) == len(data["items"]) - 1 and page.total == 5
    [refused] = page.refused
    assert refused.startswith(reason)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("items"), "page has no items"),
        (lambda d: d.update(items={}), "items is not a list"),
        (lambda d: d.update(total=-1), "not a count"),
    ],
)
def test_malformed_pages_are_refused_with_a_message(mutate, message):
    data = doc()
    mutate(data)
    with pytest.raises(FeedFormatError, match=message):
        parse_wanted_page(encode(data))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html>Service Unavailable</html>", "not a JSON document"),
        (b"", "not a JSON document"),
        (b'{"items": [], "total": Infinity}', "not a JSON document"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'"items"', "document is not a JSON object"),
    ],
)
def test_non_documents_are_refused(data, message):
    with pytest.raises(FeedFormatError, match=message):
        parse_wanted_page(data)


def test_size_cap_is_checked_before_parsing():
    with pytest.raises(FeedFormatError, match="over the 100-byte cap"):
        parse_wanted_page(PAGE_FILE.read_bytes(), max_bytes=100)


# Property tests: whatever the bytes, the parser returns records or raises FeedFormatError.

SMALL_JSON_VALUES = json_values(max_text=12, max_key=8, max_items=3, max_entries=3, max_leaves=8)


def parse_any(data: bytes) -> None:
    page = only_documented_error(parse_wanted_page, data)
    assert page is REFUSED or all(
        isinstance(r, WatchlistEntry) and r.source_id for r in page.records
    )


@FUZZ_STRICT
@given(st.binary(max_size=300))
def test_random_bytes_never_escape(data):
    parse_any(data)


@FUZZ_STRICT
@given(mutated_bytes(PAGE_FILE.read_bytes(), max_rounds=4))
def test_byte_mutations_never_escape(data):
    parse_any(data)


@FUZZ_STRICT
@given(substitutions(doc(), values=SMALL_JSON_VALUES, max_rounds=1))
def test_json_substitutions_never_escape(document):
    parse_any(encode(document))
