"""Unit tests for the OFAC SDN readers (legacy CSV + alt.csv, SDN.XML) on the synthetic fixtures."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzzing import FUZZ, REFUSED, mutated_bytes, only_documented_error
from threats.feeds.errors import FeedFormatError
from threats.feeds.ofac import LEGACY_SDN_NS, SDN_NS, parse_sdn_csv, parse_sdn_xml

FIXTURES = Path(__file__).parents[3] / "fixtures" / "feeds"
OFAC = FIXTURES / "sanctions" / "ofac"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
IDS = ["990001", "990002", "990004"]
NULLS = ",".join(["-0- "] * 6)  # Call_Sign .. Vess_owner


def load(name: str) -> bytes:
    return (OFAC / name).read_bytes()


def from_csv() -> dict:
    return {e.source_id: e for e in parse_sdn_csv(load("sdn.csv"), load("alt.csv")).records}


def from_xml() -> dict:
    return {e.source_id: e for e in parse_sdn_xml(load("sdn.xml")).records}


def sdn_row(ent="1", name='"DOE, John"', kind='"individual"', program='"SDGT"', remarks="-0-"):
    return f"{ent},{name},{kind},{program},-0- ,{NULLS},{remarks}\r\n"


def xml_doc(entries: str, ns: str = SDN_NS) -> bytes:
    return f'<sdnList xmlns="{ns}"><publshInformation/>{entries}</sdnList>'.encode()


def test_fixture_files_are_header_less_crlf():
    for name in ("sdn.csv", "alt.csv"):
        data = load(name)
        assert data.count(b"\r\n") == data.count(b"\n")
        assert data.startswith(b"99000")


def test_csv_persons():
    entries = from_csv()
    assert list(entries) == IDS
    kazimir = entries["990001"]
    assert kazimir.name == "Kazimir Petrovich FIKTIVNOV"
    assert (kazimir.given_names, kazimir.family_name) == ("Kazimir Petrovich", "FIKTIVNOV")
    assert kazimir.birth_dates == ("1971-03-14",)
    assert kazimir.aliases == ("Kasimir FIKTIVNOV", "Kazimir FIKTIVNOFF")
    assert kazimir.gender == "M"
    assert kazimir.reason == "RUSSIA-EO14024"
    assert kazimir.list_kind == "sanctions"
    assert kazimir.extra["places_of_birth"] == ("Volgograd, Russia",)
    assert entries["990002"].birth_dates == ("1980-06-09",)
    assert entries["990004"].birth_dates == ("1966",)


def test_nationality_words_are_kept_without_iso_codes():
    for entries in (from_csv(), from_xml()):
        assert entries["990001"].nationalities == ()
        assert entries["990001"].extra["nationality_names"] == ("Russia",)
        assert entries["990004"].extra["nationality_names"] == ("Russia",)
        assert "nationality_names" not in entries["990002"].extra


def test_csv_treats_alt_csv_aliases_as_strong():
    # The flat files mark weak AKAs only in sdn.csv Remarks; the fixture's alt.csv row for
    # ABU YUSUF has no marker, so the CSV reading cannot know it is weak (the XML can).
    entry = from_csv()["990002"]
    assert entry.aliases == ("Abdulrahman AL-MITHALI", "Abdul Rahman ALMITHALI", "ABU YUSUF")
    assert entry.weak_aliases == ()


def test_xml_persons():
    entries = from_xml()
    assert list(entries) == IDS
    assert entries["990002"].aliases == ("Abdulrahman AL-MITHALI", "Abdul Rahman ALMITHALI")
    assert entries["990002"].weak_aliases == ("ABU YUSUF",)
    assert entries["990004"].aliases == ("Evgeniy PLASKHOLDOV",)
    assert entries["990001"].extra["programs"] == ("RUSSIA-EO14024",)


def test_csv_and_xml_agree():
    csv_entries, xml_entries = from_csv(), from_xml()
    assert list(csv_entries) == list(xml_entries) == IDS
    for uid in IDS:
        a, b = csv_entries[uid], xml_entries[uid]
        assert (a.name, a.given_names, a.family_name) == (b.name, b.given_names, b.family_name)
        assert a.birth_dates == b.birth_dates
        assert a.reason == b.reason
        assert a.aliases + a.weak_aliases == b.aliases + b.weak_aliases
    names = [n for e in xml_entries.values() for n in (*e.aliases, *e.weak_aliases)]
    assert len(names) == 6


def test_cross_source_ent_nums_are_present():
    ent_nums = {
        str(m["ofac_ent_num"]) for m in EXPECTED["cross_source_matches"] if "ofac_ent_num" in m
    }
    assert ent_nums == {"990001", "990002"}
    assert ent_nums <= set(from_csv()) & set(from_xml())


def test_csv_without_alt_has_no_aliases():
    entries = parse_sdn_csv(load("sdn.csv")).records
    assert [e.source_id for e in entries] == IDS
    assert all(e.aliases == () for e in entries)


def test_csv_skips_non_individuals_and_tolerates_eof_marker():
    data = (
        sdn_row("5", '"ACME TRADING"', '"-0- "')
        + sdn_row("6", '"SEA WITCH"', '"vessel"')
        + sdn_row("7", '"DOE, Jane"', '"Individual"')
        + "\x1a"
    )
    assert [e.source_id for e in parse_sdn_csv(data.encode()).records] == ["7"]


def test_csv_null_marker_with_or_without_space():
    row = '8,"ROE, Ann","individual",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\r\n'
    entry = parse_sdn_csv(row.encode()).records[0]
    assert (entry.reason, entry.birth_dates, entry.extra) == ("", (), {})


def test_csv_remarks_details():
    remarks = (
        '"DOB 01 Feb 1960; alt. DOB circa 1961; DOB 1969 to 1971; POB Minsk, Belarus; '
        "nationality Belarus; citizenship Russia; Gender Female; a.k.a. 'THE TEACHER'; "
        "a.k.a. 'KRASNAYA'.\""
    )
    alt = '1,10,"aka","KRASNAYA",-0- \r\n1,11,"fka","DOE, Jo","weak alias"\r\n'
    sdn = sdn_row(program='"SDGT] [IRGC"', remarks=remarks)
    [entry] = parse_sdn_csv(sdn.encode(), alt.encode()).records
    assert entry.birth_dates == ("1960-02-01", "1961", "1969", "1970", "1971")
    assert entry.extra["approximate_birth_dates"] == ("circa 1961",)
    assert "unparsed_birth_dates" not in entry.extra
    assert entry.extra["citizenship_names"] == ("Russia",)
    assert entry.extra["nationality_names"] == ("Belarus",)
    assert entry.gender == "F"
    assert entry.reason == "SDGT; IRGC"
    assert entry.aliases == ()
    assert entry.weak_aliases == ("Jo DOE", "THE TEACHER", "KRASNAYA")


def test_alt_rows_for_unknown_persons_are_ignored():
    alt = '999,1,"aka","NOBODY",-0- \r\n1,2,"nka","DOE, Johnny",-0- \r\n'
    entry = parse_sdn_csv(sdn_row().encode(), alt.encode()).records[0]
    assert entry.aliases == ("Johnny DOE",)


def test_name_without_comma_is_all_family_name():
    entry = parse_sdn_csv(sdn_row(name='"MONONYM"').encode()).records[0]
    assert (entry.name, entry.family_name, entry.given_names) == ("MONONYM", "MONONYM", "")


def test_windows_1252_file_is_read():
    entry = parse_sdn_csv(sdn_row(name='"JOS\xc9, Ana"').encode("cp1252")).records[0]
    assert entry.name == "Ana JOSÉ"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("14 Mar 1971", "1971-03-14"),
        ("Mar 1971", "1971-03"),
        ("1971", "1971"),
        ("circa 1971", "1971"),
        ("Feb 1965", "1965-02"),
        ("1984 to 1986", ("1984", "1985", "1986")),
        ("between 1952 and 1954", ("1952", "1953", "1954")),
        ("1990 to 1950", None),  # backwards: not a range
        ("1900 to 1990", None),  # ninety years say nothing about a date of birth
        ("31 Feb 1971", None),
        ("14 Foo 1971", None),
        ("Mar 14 1971", None),
        ("14 Mar 71", None),
    ],
)
def test_dob_forms(text, iso):
    entry = parse_sdn_csv(sdn_row(remarks=f'"DOB {text}"').encode()).records[0]
    assert entry.birth_dates == ((iso,) if isinstance(iso, str) else iso or ())
    assert entry.extra.get("unparsed_birth_dates") == (None if iso else (text,))


@pytest.mark.parametrize(
    ("sdn", "alt", "reason"),
    [
        (sdn_row(ent="X"), None, "record 1: sdn.csv has no ent_num"),
        ('2,"A, B"\r\n', None, "record 1 (id 2): sdn.csv has 2 columns, not 12"),
        (sdn_row(ent="2", name="-0- "), None, "record 1 (id 2): sdn.csv row has no SDN_Name"),
        ("", '1,2,"aka","X"\r\n', "record 1 (id 1): alt.csv has 4 columns, not 5"),
    ],
)
def test_a_bad_row_is_refused_and_the_others_kept(sdn, alt, reason):
    page = parse_sdn_csv((sdn + sdn_row(ent="1")).encode(), alt.encode() if alt else None)
    assert [e.source_id for e in page.records] == ["1"]
    assert page.refused == (reason,)


@pytest.mark.parametrize(
    ("sdn", "alt", "message"),
    [
        (sdn_row(name='"DOE, "J"ohn"'), None, "sdn.csv: bad CSV"),
        (sdn_row().encode() + b"\x81", None, "neither UTF-8 nor Windows-1252"),
    ],
)
def test_a_file_that_is_not_csv_is_refused_whole(sdn, alt, message):
    sdn = sdn.encode() if isinstance(sdn, str) else sdn
    with pytest.raises(FeedFormatError, match=message):
        parse_sdn_csv(sdn, alt.encode() if alt else None)


def test_csv_size_cap():
    with pytest.raises(FeedFormatError, match="over the 10-byte cap"):
        parse_sdn_csv(load("sdn.csv"), max_bytes=10)


def test_xml_older_namespace_is_accepted():
    data = load("sdn.xml").replace(SDN_NS.encode(), LEGACY_SDN_NS.encode())
    assert [e.source_id for e in parse_sdn_xml(data).records] == IDS


def test_xml_gender_from_id_list_and_entities_skipped():
    entries = (
        "<sdnEntry><uid>5</uid><lastName>ACME</lastName><sdnType>Entity</sdnType></sdnEntry>"
        "<sdnEntry><uid>6</uid><firstName>Ann</firstName><lastName>ROE</lastName>"
        "<sdnType>Individual</sdnType><idList><id><idType>Gender</idType>"
        "<idNumber>Female</idNumber></id></idList></sdnEntry>"
    )
    [entry] = parse_sdn_xml(xml_doc(entries)).records
    assert (entry.source_id, entry.name, entry.gender) == ("6", "Ann ROE", "F")


GOOD_ENTRY = (
    "<sdnEntry><uid>6</uid><firstName>Ann</firstName><lastName>ROE</lastName>"
    "<sdnType>Individual</sdnType></sdnEntry>"
)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("<sdnEntry/>", "record 1: sdnEntry has no uid"),
        ("<sdnEntry><lastName>X</lastName></sdnEntry>", "record 1: sdnEntry has no uid"),
        ("<sdnEntry><uid>9</uid></sdnEntry>", "record 1 (id 9): sdnEntry has no sdnType"),
        (
            "<sdnEntry><uid>9</uid><sdnType>Individual</sdnType></sdnEntry>",
            "record 1 (id 9): individual has no name",
        ),
    ],
)
def test_an_empty_or_nameless_sdn_entry_is_refused_and_the_others_kept(entry, reason):
    page = parse_sdn_xml(xml_doc(entry + GOOD_ENTRY))
    assert [e.source_id for e in page.records] == ["6"]
    assert page.refused == (reason,)


def test_xml_dates_of_birth_ranges_circa_and_months():
    dobs = "".join(
        f"<dateOfBirthItem><uid>{i}</uid><dateOfBirth>{text}</dateOfBirth></dateOfBirthItem>"
        for i, text in enumerate(("1984 to 1986", "circa 1970", "Feb 1965", "sometime"))
    )
    entry = GOOD_ENTRY.replace("</sdnType>", f"</sdnType><dateOfBirthList>{dobs}</dateOfBirthList>")
    [person] = parse_sdn_xml(xml_doc(entry)).records
    assert person.birth_dates == ("1984", "1985", "1986", "1970", "1965-02")
    assert person.extra["approximate_birth_dates"] == ("circa 1970",)
    assert person.extra["unparsed_birth_dates"] == ("sometime",)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<sdnList xmlns="urn:other"/>', "root element"),
        (load("sdn.xml")[:-40], "not well-formed"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><sdnList/>', "forbidden"),
    ],
)
def test_bad_xml_is_refused(data, message):
    with pytest.raises(FeedFormatError, match=message):
        parse_sdn_xml(data)


def test_xml_size_cap():
    with pytest.raises(FeedFormatError, match="over the 10-byte cap"):
        parse_sdn_xml(load("sdn.xml"), max_bytes=10)


INSERTS = [b'"', b",", b"\r\n", b"<", b"-0-", b"\x00"]


def parses_or_refuses(parse, *args: bytes) -> None:
    page = only_documented_error(parse, *args)
    assert page is REFUSED or all(e.source_id and e.name for e in page.records)


def mutated(name: str):
    return mutated_bytes(load(name), max_rounds=5, inserts=INSERTS)


@FUZZ
@given(st.binary(max_size=2000), st.binary(max_size=500))
def test_random_bytes_csv(sdn, alt):
    parses_or_refuses(parse_sdn_csv, sdn, alt)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_xml(data):
    parses_or_refuses(parse_sdn_xml, data)


@FUZZ
@given(mutated("sdn.csv"), mutated("alt.csv"))
def test_mutated_csv_fixtures(sdn, alt):
    parses_or_refuses(parse_sdn_csv, sdn, alt)


@FUZZ
@given(mutated("sdn.xml"))
def test_mutated_xml_fixture(data):
    parses_or_refuses(parse_sdn_xml, data)
