"""Unit tests for the INTERPOL notices parser against the synthetic Lakefront fixtures."""

import json
from dataclasses import replace
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
from threats.feeds.interpol import (
    LIVE_RESULT_CAP,
    detail_url,
    merge,
    parse_notice_detail,
    parse_notice_page,
    should_stop,
)
from threats.feeds.records import Page, WatchlistEntry

FIXTURES = Path(__file__).parents[3] / "fixtures" / "feeds"
INTERPOL = FIXTURES / "interpol"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())["interpol"]
BASE = "https://ws-public.interpol.int"


def load(name: str) -> bytes:
    return (INTERPOL / name).read_bytes()


def doc(name: str) -> dict:
    return json.loads(load(name))


def red_pages() -> list[Page[WatchlistEntry]]:
    return [parse_notice_page(load(f"red-page{n}.json"), "red") for n in (1, 2)]


def red_by_id() -> dict[str, WatchlistEntry]:
    return {r.source_id: r for page in red_pages() for r in page.records}


def test_red_pages_follow_next_until_it_is_absent():
    served = {
        f"{BASE}/notices/v1/red?page={n}&resultPerPage=20": f"red-page{n}.json" for n in (1, 2)
    }
    url, pages = f"{BASE}/notices/v1/red?page=1&resultPerPage=20", []
    for page_number in range(1, 10):
        page = parse_notice_page(load(served[url]), "red")
        pages.append(page)
        if should_stop(page_number, 20, page.total, page.next_url):
            break
        url = page.next_url
    assert len(pages) == EXPECTED["red_pages"]
    assert [len(p.records) for p in pages] == EXPECTED["red_page_sizes"]
    assert {p.total for p in pages} == {EXPECTED["red_total"]}
    assert pages[0].next_url == f"{BASE}/notices/v1/red?page=2&resultPerPage=20"
    assert pages[1].next_url is None


def test_red_entity_ids_are_unique_and_complete():
    ids = list(red_by_id())
    assert len(ids) == EXPECTED["red_total"]
    assert sorted(ids) == [f"2026/{90000 + n}" for n in range(1, 26)]


@pytest.mark.parametrize(
    ("page", "per_page", "total", "next_url", "stop"),
    [
        (1, 20, 25, "next", False),
        (2, 20, 25, "next", True),  # 40 >= 25, even if a stray next link is sent
        (1, 20, 25, None, True),
        (7, 20, 1000, "next", False),
        (8, 20, 1000, "next", True),  # the live API silently caps at 160 results
        (1, 160, 1000, "next", True),
        (3, 20, None, "next", False),
        (8, 20, None, "next", True),
        (0, 20, 25, "next", True),
        (1, 0, 25, "next", True),
        (1, 20, 0, "next", True),
    ],
)
def test_should_stop(page, per_page, total, next_url, stop):
    assert should_stop(page, per_page, total, next_url) is stop


def test_live_cap_is_160():
    assert LIVE_RESULT_CAP == 160


def test_list_entry_fields():
    entry = red_by_id()["2026/90011"]
    assert entry.list_kind == "interpol-red"
    assert entry.name == "KAZIMIR FIKTIVNOV"
    assert (entry.given_names, entry.family_name) == ("KAZIMIR", "FIKTIVNOV")
    assert entry.birth_dates == ("1971-03-14",)
    assert entry.nationalities == ("RU",)
    assert entry.url == f"{BASE}/notices/v1/red/2026-90011"
    assert entry.extra["thumbnail_url"] == f"{BASE}/notices/v1/red/2026-90011/images/70001370"


@pytest.mark.parametrize("entity_id", EXPECTED["red_forename_null"] + EXPECTED["red_forename_dash"])
def test_null_and_placeholder_forenames_give_no_given_name(entity_id):
    entry = red_by_id()[entity_id]
    assert entry.given_names == ""
    assert entry.name == entry.family_name
    assert entry.name in {"SAMPLOVIC", "STUBBLEFORD"}


def test_year_only_birth_date_stays_a_year():
    (entity_id,) = EXPECTED["red_year_only_dob"]
    assert red_by_id()[entity_id].birth_dates == ("1972",)


def test_full_birth_dates_become_iso():
    for entity_id, entry in red_by_id().items():
        if entity_id not in EXPECTED["red_year_only_dob"]:
            (birth,) = entry.birth_dates
            assert len(birth) == 10
            assert birth[4] == birth[7] == "-"


def test_multi_nationality():
    (entity_id,) = EXPECTED["red_multi_nationality"]
    assert red_by_id()[entity_id].nationalities == ("FR", "LB")


def test_missing_thumbnail_is_absent_from_extra():
    missing = {i for i, e in red_by_id().items() if "thumbnail_url" not in e.extra}
    assert missing == set(EXPECTED["red_without_thumbnail"])


def test_yellow_page():
    page = parse_notice_page(load("yellow-page1.json"), "yellow")
    assert page.total == len(page.records) == EXPECTED["yellow_total"]
    assert page.next_url is None
    assert {r.list_kind for r in page.records} == {"interpol-yellow"}
    assert page.records[1].nationalities == ("US", "CA")
    assert should_stop(1, 20, page.total, page.next_url)


@pytest.mark.parametrize(
    ("kind", "entity_id", "url"),
    [
        ("red", "2026/90011", f"{BASE}/notices/v1/red/2026-90011"),
        ("yellow", "2026/91001", f"{BASE}/notices/v1/yellow/2026-91001"),
    ],
)
def test_detail_url(kind, entity_id, url):
    assert detail_url(BASE, kind, entity_id) == url
    assert detail_url(BASE + "/", kind, entity_id) == url


@pytest.mark.parametrize("entity_id", ["../../admin", "2026-90011", "2026/90011?x=1", ""])
def test_detail_url_refuses_ids_that_are_not_entity_ids(entity_id):
    with pytest.raises(FeedFormatError, match="not 'YYYY/NNNNN'"):
        detail_url(BASE, "red", entity_id)


def test_red_detail_with_warrants():
    entry = parse_notice_detail(load("red-detail-2026-90011.json"), "red")
    assert entry.source_id == "2026/90011"
    assert entry.name == "KAZIMIR FIKTIVNOV"
    assert entry.gender == "M"
    assert entry.reason == (
        "Fraud on a particularly large scale (fictional charge for test fixture); "
        "Money laundering; Participation in a criminal organisation (fictional)"
    )
    assert "\r" not in entry.reason and "\n" not in entry.reason
    assert [w["issuing_country"] for w in entry.extra["arrest_warrants"]] == ["RU", "KZ"]
    assert entry.extra["height_m"] == 1.81
    assert entry.extra["weight_kg"] == 82
    assert entry.extra["eyes"] == ("BRO",)
    assert entry.extra["hair"] == ("GRY",)
    assert entry.extra["languages"] == ("RUS", "ENG")
    assert entry.extra["place_of_birth"] == "Volgograd"
    assert entry.extra["country_of_birth"] == "RU"
    assert entry.extra["distinguishing_marks"] == "Scar on left forearm (fictional)"


def test_sparse_detail_treats_zero_height_and_weight_as_unknown():
    entry = parse_notice_detail(load("red-detail-2026-90005.json"), "red")
    assert (entry.name, entry.given_names) == ("SAMPLOVIC", "")
    for key in ("height_m", "weight_kg", "eyes", "hair", "languages", "place_of_birth"):
        assert key not in entry.extra
    assert entry.reason == "Armed robbery (fictional charge for test fixture)"


def test_yellow_detail_fields():
    entry = parse_notice_detail(load("yellow-detail-2026-91001.json"), "yellow")
    assert entry.list_kind == "interpol-yellow"
    assert (entry.name, entry.gender, entry.aliases) == ("LILIANE TESTWOOD", "F", ())
    assert entry.extra["date_of_event"] == "2026-07-18"
    assert entry.extra["event_place"] == "Chicago, Illinois (fictional case)"
    assert entry.extra["event_country"] == "US"
    assert entry.extra["father_forename"] == "ROLAND"
    assert entry.extra["mother_forename"] == "AGATHA"
    assert entry.extra["mother_name"] == "TESTWOOD"


def test_yellow_birth_name_becomes_an_alias():
    data = doc("yellow-detail-2026-91001.json") | {"birth_name": "OLDWOOD"}
    entry = parse_notice_detail(json.dumps(data).encode(), "yellow")
    assert entry.aliases == ("LILIANE OLDWOOD",)


def test_merge_keeps_list_links_and_adds_detail():
    detail = parse_notice_detail(load("red-detail-2026-90011.json"), "red")
    merged = merge(red_by_id()["2026/90011"], detail)
    assert merged.gender == "M"
    assert merged.reason.startswith("Fraud")
    assert merged.birth_dates == ("1971-03-14",)
    assert "thumbnail_url" in merged.extra and "arrest_warrants" in merged.extra


def test_merge_takes_names_together_and_keeps_list_values_the_detail_lacks():
    listed = red_by_id()["2026/90011"]
    detail = replace(listed, name="", given_names="", family_name="", birth_dates=(), gender="M")
    merged = merge(listed, detail)
    assert (merged.name, merged.given_names, merged.family_name) == (
        "KAZIMIR FIKTIVNOV",
        "KAZIMIR",
        "FIKTIVNOV",
    )
    assert (merged.birth_dates, merged.gender) == (("1971-03-14",), "M")


def test_merge_refuses_a_detail_of_another_notice():
    detail = parse_notice_detail(load("red-detail-2026-90005.json"), "red")
    with pytest.raises(FeedFormatError, match="does not belong"):
        merge(red_by_id()["2026/90011"], detail)


def notice(data: dict, i: int) -> dict:
    return data["_embedded"]["notices"][i]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: notice(d, 2).pop("entity_id"), "record 3: INTERPOL: notice 3 has no entity_id"),
        (lambda d: notice(d, 0).update(entity_id="90001"), "record 1 (id 90001): INTERPOL:"),
        (lambda d: notice(d, 0).update(nationalities="FR"), "record 1 (id 2026/"),
        (lambda d: notice(d, 0).update(name=7), "record 1 (id 2026/"),
    ],
)
def test_a_malformed_notice_is_refused_and_the_others_kept(mutate, reason):
    data = doc("red-page1.json")
    mutate(data)
    page = parse_notice_page(json.dumps(data).encode(), "red")
    assert len(page.records) == 19 and page.next_url
    [refused] = page.refused
    assert refused.startswith(reason)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["_embedded"].pop("notices"), "no _embedded.notices"),
        (lambda d: d.pop("_embedded"), "_embedded is not a JSON object"),
        (lambda d: d.update(total="25"), "not a count"),
    ],
)
def test_malformed_pages_are_refused_with_a_message(mutate, message):
    data = doc("red-page1.json")
    mutate(data)
    with pytest.raises(FeedFormatError, match=message):
        parse_notice_page(json.dumps(data).encode(), "red")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("height", "1.81", "height is not a finite number"), ("arrest_warrants", {}, "not a list")],
)
def test_malformed_detail_fields_are_refused(field, value, message):
    data = doc("red-detail-2026-90011.json") | {field: value}
    with pytest.raises(FeedFormatError, match=message):
        parse_notice_detail(json.dumps(data).encode(), "red")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1980/00/00", ("1980",)), ("1980/02/00", ("1980-02",)), ("1980/02/30", ())],
)
def test_partial_and_impossible_birth_dates(text, expected):
    data = doc("red-detail-2026-90005.json") | {"date_of_birth": text}
    entry = parse_notice_detail(json.dumps(data).encode(), "red")
    assert entry.birth_dates == expected
    assert ("date_of_birth_raw" in entry.extra) is (expected == ())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<HTML>Access Denied</HTML>", "not a JSON document"),  # Akamai's 403 page
        (b"", "not a JSON document"),
        (b"\xff\xfe\x00", "not a JSON document"),
        (b'{"total": NaN, "_embedded": {"notices": []}}', "not a JSON document"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"[]", "document is not a JSON object"),
    ],
)
def test_non_documents_are_refused(data, message):
    with pytest.raises(FeedFormatError, match=message):
        parse_notice_page(data, "red")


def test_size_cap_is_checked_before_parsing():
    with pytest.raises(FeedFormatError, match="over the 100-byte cap"):
        parse_notice_page(load("red-page1.json"), "red", max_bytes=100)


def test_unknown_kind_is_a_caller_error():
    with pytest.raises(ValueError, match="notice kind"):
        parse_notice_page(load("red-page1.json"), "blue")


# Property tests: whatever the bytes, a parser returns records or raises FeedFormatError.

FIXTURE_NAMES = sorted(p.name for p in INTERPOL.glob("*.json"))
SMALL_JSON_VALUES = json_values(max_text=12, max_key=8, max_items=3, max_entries=3, max_leaves=8)


def parse_any(name: str, data: bytes) -> None:
    kind = "yellow" if name.startswith("yellow") else "red"
    if "detail" in name:
        result = only_documented_error(parse_notice_detail, data, kind)
        assert result is REFUSED or (isinstance(result, WatchlistEntry) and result.source_id)
    else:
        page = only_documented_error(parse_notice_page, data, kind)
        assert page is REFUSED or all(
            isinstance(r, WatchlistEntry) and r.source_id for r in page.records
        )


@FUZZ_STRICT
@given(st.sampled_from(FIXTURE_NAMES), st.binary(max_size=300))
def test_random_bytes_never_escape(name, data):
    parse_any(name, data)


@FUZZ_STRICT
@given(st.sampled_from(FIXTURE_NAMES), st.data())
def test_byte_mutations_never_escape(name, data):
    parse_any(name, data.draw(mutated_bytes(load(name), max_rounds=4)))


@FUZZ_STRICT
@given(st.sampled_from(FIXTURE_NAMES), st.data())
def test_json_substitutions_never_escape(name, data):
    document = data.draw(substitutions(doc(name), values=SMALL_JSON_VALUES, max_rounds=1))
    parse_any(name, json.dumps(document).encode())
