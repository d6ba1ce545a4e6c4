"""Unit tests for the FollowTheMoney (OpenSanctions) reader against the synthetic fixtures."""

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzzing import (
    FUZZ,
    REFUSED,
    json_values,
    mutated_bytes,
    only_documented_error,
    paths,
    substituted,
)
from threats.feeds.errors import FeedFormatError
from threats.feeds.ftm import parse_entities

FIXTURES = Path(__file__).parents[3] / "fixtures" / "feeds"
PERSONS = FIXTURES / "sanctions" / "persons.ftm.jsonl"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def fixture() -> bytes:
    return PERSONS.read_bytes()


def by_caption() -> dict:
    return {e.name: e for e in parse_entities(fixture()).records}


def line(**fields: object) -> str:
    entity = {"id": "NK-test", "schema": "Person", "properties": {"name": ["Test Person"]}}
    entity.update(fields)
    return json.dumps(entity, ensure_ascii=False)


def parse_lines(*lines: str) -> list:
    page = parse_entities("\n".join(lines).encode())
    assert page.refused == ()
    return page.records


def test_fixture_has_ten_persons():
    entries = parse_entities(fixture()).records
    assert len(entries) == EXPECTED["sanctions"]["persons"] == 10
    assert {e.list_kind for e in entries} == {"sanctions"}
    assert all(e.target for e in entries)
    assert len({e.source_id for e in entries}) == 10
    assert entries[0].source_id == "NK-yawYIeIfdPIfxM8yFxLKe7"


def test_four_persons_have_no_nationality():
    entries = parse_entities(fixture()).records
    assert sum(1 for e in entries if not e.nationalities) == 4
    assert by_caption()["Oleksandr Dummenko"].nationalities == ("UA", "RU")
    assert by_caption()["Mirabel Testarova"].nationalities == ("UA",)


def test_birth_dates_keep_their_iso_prefix():
    entries = by_caption()
    assert entries["Yevgeny Placeholdov"].birth_dates == ("1966",)
    assert entries["Layla bint Mukhtabar"].birth_dates == ("1988-02",)
    assert entries["Kazimir Petrovich Fiktivnov"].birth_dates == ("1971-03-14",)
    assert entries["Youssef Al-Namoudhaji"].birth_dates == ("1969-04-22", "1970-04-22")


def test_kazimir_fiktivnov():
    entry = by_caption()["Kazimir Petrovich Fiktivnov"]
    assert (entry.given_names, entry.family_name) == ("Kazimir", "Fiktivnov")
    assert entry.aliases == (
        "Kasimir Fiktivnov",
        "Kazimir Fiktivnoff",
        "Казимир Петрович Фиктивнов",
        "Казимир Фиктивнов",
        "FIKTIVNOV, Kazimir",
    )
    assert entry.gender == "M"
    assert entry.reason == "sanction"
    assert entry.url == "https://sanctionslist.ofac.treas.gov/fixtures/990001"
    assert entry.extra["fatherName"] == ("Petrovich",)
    assert entry.extra["birthPlace"] == ("Volgograd",)
    assert entry.extra["referents"] == ("ofac-990001", "eu-fsf-eu-99001-01")
    assert entry.extra["datasets"] == ("us_ofac_sdn", "eu_fsf")
    assert entry.extra["first_seen"] == "2024-03-02T10:15:00"
    assert entry.extra["last_seen"] == "2026-07-17T06:00:00"
    assert entry.extra["last_change"] == "2025-11-20T08:44:12"
    assert entry.extra["target"] is True


def test_weak_alias_is_never_a_strong_alias():
    entry = by_caption()["Abd al-Rahman al-Mithali"]
    assert entry.weak_aliases == ("Abu Yusuf",)
    assert "Abu Yusuf" not in entry.aliases
    # The second `name` value (Arabic script) is an alias; the first is the name.
    assert entry.aliases == (
        "عبد الرحمن المثالي",
        "Abdulrahman Al-Mithali",
        "Abdul Rahman Almithali",
        "Abdelrahman El Mithaly",
    )
    assert entry.nationalities == ()
    assert entry.url == ""


def test_previous_name_is_an_alias():
    entry = by_caption()["Tariq Ibn Fardi"]
    assert entry.aliases[-1] == "Tariq Fardi"
    assert entry.birth_dates == ("1977",)


def test_gender_and_missing_name_parts():
    entry = by_caption()["Mirabel Testarova"]
    assert entry.gender == "F"
    assert "Мирабель Тестарова" in entry.aliases
    placeholder = by_caption()["Yevgeny Placeholdov"]
    assert (placeholder.given_names, placeholder.family_name) == ("", "")


def test_all_three_scripts_are_kept():
    names = [n for e in parse_entities(fixture()).records for n in (e.name, *e.aliases)]
    scripts = {unicodedata.name(ch).split()[0].title() for n in names for ch in n if ch.isalpha()}
    assert set(EXPECTED["sanctions"]["scripts_present"]) <= scripts


def test_cross_source_captions_are_present():
    names = set(by_caption())
    for match in EXPECTED["cross_source_matches"]:
        assert match["sanctions_caption"] in names


def test_other_schemas_are_skipped():
    company = json.dumps({"id": "NK-co", "schema": "Company", "properties": {"name": ["X Ltd"]}})
    sanction = json.dumps({"id": "NK-s", "schema": "Sanction", "properties": {}})
    assert [e.source_id for e in parse_lines(company, line(), sanction)] == ["NK-test"]


def test_other_schema_without_id_is_skipped():
    assert parse_lines(json.dumps({"schema": "Vessel"}), line())[0].source_id == "NK-test"


def test_blank_lines_bom_and_crlf_are_tolerated():
    data = ("\ufeff" + line() + "\r\n\r\n  \n" + line(id="NK-2") + "\r\n").encode()
    assert [e.source_id for e in parse_entities(data).records] == ["NK-test", "NK-2"]


def test_empty_document_has_no_entries():
    assert parse_entities(b"").records == []


def test_caption_is_the_fallback_name():
    entry = parse_lines(line(caption="  Caption  Only ", properties={}))[0]
    assert entry.name == "Caption Only"


def test_whitespace_is_collapsed_and_duplicates_dropped():
    props = {"name": [" A  B ", "A B"], "alias": ["C", "C ", ""], "weakAlias": ["C", "D"]}
    entry = parse_lines(line(properties=props))[0]
    assert (entry.name, entry.aliases, entry.weak_aliases) == ("A B", ("C",), ("D",))


def test_citizenship_counts_as_nationality_and_odd_codes_go_to_extra():
    props = {"name": ["X"], "nationality": ["ru", "suhh"], "citizenship": ["ru", "de"]}
    entry = parse_lines(line(properties=props))[0]
    assert entry.nationalities == ("RU", "DE")
    assert entry.extra["other_country_codes"] == ("SUHH",)


def test_unreadable_birth_date_goes_to_extra():
    entry = parse_lines(line(properties={"name": ["X"], "birthDate": ["1970", "c. 1970"]}))[0]
    assert entry.birth_dates == ("1970",)
    assert entry.extra["unparsed_birth_dates"] == ("c. 1970",)


def test_null_properties_are_empty():
    entry = parse_lines(line(properties={"name": ["X"], "alias": None}, datasets=None))[0]
    assert entry.aliases == ()
    assert "datasets" not in entry.extra


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json", "record 1: not JSON: "),
        ("[1, 2]", "record 1: not a JSON object"),
        (line(id=None), "record 1: Person has no id"),
        (line(id="  "), "record 1: Person has no id"),
        (line(id=7), "record 1: Person has no id"),
        (line(properties=[]), "record 1 (id NK-test): 'properties' is not an object"),
        (line(properties={"name": "X"}), "record 1 (id NK-test): property 'name' is not a list"),
        (line(properties={"name": ["X"], "alias": [1]}), "record 1 (id NK-test): property 'alias'"),
        (line(properties={}), "record 1 (id NK-test): Person has no name"),
        (line(target="yes"), "record 1 (id NK-test): 'target' is 'yes', not true or false"),
        ("[" * 100_000, "record 1: not JSON: "),
    ],
)
def test_a_bad_line_is_refused_and_the_others_kept(bad, reason):
    page = parse_entities("\n".join([bad, line(id="NK-good")]).encode())
    assert [e.source_id for e in page.records] == ["NK-good"]
    [refused] = page.refused
    assert refused.startswith(reason)


@pytest.mark.parametrize(
    ("topics", "kind"),
    [
        (["sanction"], "sanctions"),
        (["sanction.linked"], "sanctions"),
        (["sanction.counter"], "other"),
        (["role.pep"], "pep"),
        (["role.pep.frmr"], "pep"),
        (["role.rca"], "pep"),
        (["crime.fin"], "crime"),
        (["wanted", "sanction", "crime"], "wanted"),  # the strongest reason names the list
        (["debarment"], "debarment"),
        (["poi"], "poi"),
        ([], "other"),
        (["corp.offshore"], "other"),
    ],
)
def test_the_list_kind_follows_the_topics(topics, kind):
    [entry] = parse_lines(line(properties={"name": ["X"], "topics": topics}))
    assert entry.list_kind == kind


def test_target_is_read_and_without_it_a_listed_topic_decides():
    donor = line(id="NK-d", properties={"name": ["D"], "topics": ["role.pep"]}, target=False)
    listed = line(id="NK-s", properties={"name": ["S"], "topics": ["sanction"]}, target=True)
    unmarked = line(id="NK-u", properties={"name": ["U"], "topics": ["crime"]})
    raw = line(id="NK-r", properties={"name": ["R"]})  # a donations file: no topics, no mark
    targets = {e.source_id: e.target for e in parse_lines(donor, listed, unmarked, raw)}
    assert targets == {"NK-d": False, "NK-s": True, "NK-u": True, "NK-r": False}


def test_not_utf8_is_refused():
    with pytest.raises(FeedFormatError, match="not UTF-8"):
        parse_entities(line().encode() + b"\xff")


def test_size_cap_is_checked_before_parsing():
    with pytest.raises(FeedFormatError, match="over the 10-byte cap"):
        parse_entities(b"not even json", max_bytes=10)


SMALL_JSON_VALUES = json_values(max_text=8, max_key=5, max_items=3, max_entries=None, max_leaves=8)


def parses_or_refuses(data: bytes) -> None:
    page = only_documented_error(parse_entities, data)
    assert page is REFUSED or all(e.source_id and e.name for e in page.records)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_parse_or_refuse(data):
    parses_or_refuses(data)


@FUZZ
@given(mutated_bytes(fixture(), max_rounds=5))
def test_mutated_fixture_parses_or_refuses(data):
    parses_or_refuses(data)


@FUZZ
@given(st.data())
def test_substituted_json_values_parse_or_refuse(data):
    lines = [json.loads(text) for text in fixture().decode().splitlines()]
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(lines) - 1))
        path = data.draw(st.sampled_from(paths(lines[index])))
        lines[index] = substituted(lines[index], path, data.draw(SMALL_JSON_VALUES))
    parses_or_refuses("\n".join(json.dumps(v) for v in lines).encode())
