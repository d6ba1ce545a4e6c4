"""Pure OFAC SDN readers: the legacy sdn.csv (+ alt.csv) flat files and SDN.XML, persons only.

Only individuals become entries; entities, vessels and aircraft are skipped. A row or entry
without its ent_num/uid or name, or of the wrong width, is refused and counted in the page
(`Page.refused`) while the rest are kept: one empty `sdnEntry` must not cost the other
twelve thousand, and the poller treats the read as partial, so nothing is marked removed.
A file that is not CSV or XML at all is still refused whole. Dates of birth, ranges of
years included, are read by `ofac_dates`. Nationalities are country *names* in OFAC's files and no
name -> ISO table is installed, so `nationalities` stays empty and the names are kept in
`extra["nationality_names"]` / `extra["citizenship_names"]`.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from threats.feeds import ofac_dates
from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Page, WatchlistEntry, refusal

MAX_DOCUMENT_BYTES = 100_000_000
LIST_KIND = "sanctions"
SDN_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"
LEGACY_SDN_NS = "http://tempuri.org/sdnList.xsd"
_SDN_COLUMNS = 12  # ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, ... Remarks
_ALT_COLUMNS = 5  # ent_num, alt_num, alt_type, alt_name, alt_remarks
_NULL = "-0-"
_EOF_MARK = "\x1a"  # OFAC's flat files end with a DOS end-of-file character
_GENDERS = {"male": "M", "female": "F"}
_REMARK = re.compile(r"(?:alt\.\s+)?(DOB|POB|nationality|citizenship|Gender)\s+(.+)", re.I)
# The flat files carry weak AKAs only inside Remarks, quoted: "a.k.a. 'ABU AL-FOUTOUH'".
_WEAK_AKA = re.compile(r"\b[afn]\.k\.a\.\s+'([^']+)'", re.I)


@dataclass
class _Person:
    """What both formats say about one individual, before it becomes a WatchlistEntry."""

    uid: str
    family: str
    given: str
    programs: list[str] = field(default_factory=list)
    title: str = ""
    strong: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    dobs: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    gender: str = ""


def parse_sdn_csv(
    sdn: bytes, alt: bytes | None = None, max_bytes: int = MAX_DOCUMENT_BYTES
) -> Page[WatchlistEntry]:
    """Read sdn.csv, joined with alt.csv on ent_num when given, into one entry per individual;
    a malformed row of either file is refused by its line number and the rest kept.

    Every alt.csv name is a strong alias unless its alt_remarks says "weak"; weak AKAs are the
    quoted `a.k.a. '...'` names in sdn.csv's Remarks.
    """
    refused: list[str] = []
    alt_rows = _csv_rows(alt, "alt.csv", _ALT_COLUMNS, max_bytes, refused) if alt else []
    alts = _alt_names(alt_rows)
    entries = []
    for line, row in _csv_rows(sdn, "sdn.csv", _SDN_COLUMNS, max_bytes, refused):
        if row[2].lower() != "individual":
            continue
        try:
            entries.append(_entry(_csv_person(row, alts.get(row[0], []))))
        except FeedFormatError as exc:
            refused.append(refusal(line, row[0], exc))
    return Page(entries, refused=tuple(refused))


def parse_sdn_xml(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> Page[WatchlistEntry]:
    """Read SDN.XML (current or tempuri.org namespace) into one entry per individual; an
    `sdnEntry` without a uid or sdnType, or an individual without a name, is refused by its
    place in the list."""
    root = _load_xml(data, max_bytes)
    ns = next((n for n in (SDN_NS, LEGACY_SDN_NS) if root.tag == f"{{{n}}}sdnList"), None)
    if ns is None:
        raise FeedFormatError(f"OFAC SDN.XML: root element is {root.tag!r}, expected sdnList")
    entries, refused = [], []
    for number, el in enumerate(root.findall(f"{{{ns}}}sdnEntry"), start=1):
        uid = _text(el, ns, "uid")
        try:
            kind = _text(el, ns, "sdnType").lower()
            if not uid or not kind:  # without its type, an entry may be a person: say so
                raise FeedFormatError(f"sdnEntry has no {'uid' if not uid else 'sdnType'}")
            if kind == "individual":
                entries.append(_entry(_xml_person(el, ns, uid)))
        except FeedFormatError as exc:
            refused.append(refusal(number, uid, exc))
    return Page(entries, refused=tuple(refused))


def _csv_rows(
    data: bytes, label: str, width: int, max_bytes: int, refused: list[str]
) -> list[tuple[int, list[str]]]:
    """(line, row) of a header-less OFAC flat file, cells cleaned and "-0-" read as empty;
    a row of the wrong width or without an ent_num is refused into `refused`."""
    if len(data) > max_bytes:
        raise FeedFormatError(f"OFAC {label}: {len(data)} bytes, over the {max_bytes}-byte cap")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_legacy(data, label)
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            cells = ["" if c.strip() == _NULL else _clean(c) for c in row]
            if not any(c.strip(_EOF_MARK) for c in cells):
                continue
            ent_num = cells[0] if cells[0].isdigit() else None
            if len(cells) != width:
                reason = f"{label} has {len(cells)} columns, not {width}"
                refused.append(refusal(reader.line_num, ent_num, reason))
            elif ent_num is None:
                refused.append(refusal(reader.line_num, None, f"{label} has no ent_num"))
            else:
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise FeedFormatError(f"OFAC {label}: bad CSV near line {reader.line_num}: {exc}") from exc
    return rows


def _decode_legacy(data: bytes, label: str) -> str:
    # Older downloads were Windows-1252 rather than UTF-8.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FeedFormatError(f"OFAC {label}: neither UTF-8 nor Windows-1252 text") from exc


def _alt_names(rows: list[tuple[int, list[str]]]) -> dict[str, list[tuple[str, bool]]]:
    """ent_num -> [(alias in natural order, is weak)], in file order."""
    names: dict[str, list[tuple[str, bool]]] = {}
    for _line, (ent_num, _alt_num, _alt_type, alt_name, alt_remarks) in rows:
        if alt_name:
            weak = "weak" in alt_remarks.lower()
            names.setdefault(ent_num, []).append((_natural(*_split_sdn_name(alt_name)), weak))
    return names


def _csv_person(row: list[str], alts: list[tuple[str, bool]]) -> _Person:
    ent_num, sdn_name, _type, program, title, *_vessel, remarks = row
    if not sdn_name:
        raise FeedFormatError("sdn.csv row has no SDN_Name")
    person = _Person(ent_num, *_split_sdn_name(sdn_name), title=title)
    # Several programmes share one cell as "SDGT] [IRGC".
    person.programs = [p.strip("[] ") for p in program.split("] [") if p.strip("[] ")]
    remark_weak = [_natural(*_split_sdn_name(n)) for n in _WEAK_AKA.findall(remarks)]
    person.strong = [n for n, weak in alts if not weak and n not in remark_weak]
    person.weak = [n for n, weak in alts if weak] + remark_weak
    _read_remarks(person, remarks)
    return person


def _read_remarks(person: _Person, remarks: str) -> None:
    """Fill DOBs, places, nationality words and gender from "DOB 14 Mar 1971; POB ...; ..."."""
    lists = {
        "dob": person.dobs,
        "pob": person.places,
        "nationality": person.nationalities,
        "citizenship": person.citizenships,
    }
    for part in remarks.rstrip(".").split(";"):
        if match := _REMARK.fullmatch(part.strip()):
            key, value = match.group(1).lower(), match.group(2).strip()
            if key == "gender":
                person.gender = _GENDERS.get(value.lower(), person.gender)
            else:
                lists[key].append(value)


def _xml_person(el: Element, ns: str, uid: str) -> _Person:
    family, given = _text(el, ns, "lastName"), _text(el, ns, "firstName")
    if not family and not given:
        raise FeedFormatError("individual has no name")
    person = _Person(uid, family, given, title=_text(el, ns, "title"))
    person.programs = _texts(el, ns, "programList/program")
    for aka in el.findall(f"{{{ns}}}akaList/{{{ns}}}aka"):
        name = _natural(_text(aka, ns, "lastName"), _text(aka, ns, "firstName"))
        weak = _text(aka, ns, "category").lower() == "weak"
        if name:
            (person.weak if weak else person.strong).append(name)
    person.dobs = _texts(el, ns, "dateOfBirthList/dateOfBirthItem/dateOfBirth")
    person.nationalities = _texts(el, ns, "nationalityList/nationality/country")
    person.citizenships = _texts(el, ns, "citizenshipList/citizenship/country")
    person.places = _texts(el, ns, "placeOfBirthList/placeOfBirthItem/placeOfBirth")
    for ident in el.findall(f"{{{ns}}}idList/{{{ns}}}id"):
        if _text(ident, ns, "idType").lower() == "gender":
            person.gender = _GENDERS.get(_text(ident, ns, "idNumber").lower(), "")
    return person


def _entry(p: _Person) -> WatchlistEntry:
    name = _natural(p.family, p.given)
    dates = [(raw, ofac_dates.birth_dates(raw)) for raw in p.dobs]
    strong = _unique(p.strong, exclude={name})
    extra: dict[str, object] = {
        "title": p.title,
        "programs": _unique(p.programs),
        "nationality_names": _unique(p.nationalities),
        "citizenship_names": _unique(p.citizenships),
        "places_of_birth": _unique(p.places),
        "unparsed_birth_dates": _unique(raw for raw, isos in dates if not isos),
        "approximate_birth_dates": _unique(r for r in p.dobs if ofac_dates.is_approximate(r)),
    }
    return WatchlistEntry(
        source_id=p.uid,
        list_kind=LIST_KIND,
        name=name,
        aliases=strong,
        weak_aliases=_unique(p.weak, exclude={name, *strong}),
        given_names=p.given,
        family_name=p.family,
        birth_dates=_unique(iso for _raw, isos in dates for iso in isos),
        gender=p.gender,
        reason="; ".join(_unique(p.programs)),
        extra={k: v for k, v in extra.items() if v},
    )


def _split_sdn_name(text: str) -> tuple[str, str]:
    """OFAC's "FAMILY, Given" -> (family, given); a name without a comma is all family."""
    family, _, given = text.partition(",")
    return _clean(family), _clean(given)


def _natural(family: str, given: str) -> str:
    return _clean(f"{given} {family}")


def _load_xml(data: bytes, max_bytes: int) -> Element:
    if len(data) > max_bytes:
        raise FeedFormatError(f"OFAC SDN.XML: {len(data)} bytes, over the {max_bytes}-byte cap")
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FeedFormatError(f"OFAC SDN.XML: DTD/entities are forbidden ({exc!r})") from exc
    except ParseError as exc:
        raise FeedFormatError(f"OFAC SDN.XML: not well-formed XML: {exc}") from exc


def _texts(el: Element, ns: str, path: str) -> list[str]:
    qualified = "/".join(f"{{{ns}}}{step}" for step in path.split("/"))
    return [t for t in (_clean(child.text) for child in el.findall(qualified)) if t]


def _text(el: Element, ns: str, name: str) -> str:
    child = el.find(f"{{{ns}}}{name}")
    return _clean(child.text) if child is not None else ""


def _unique(values: Iterable[str], exclude: Iterable[str] = ()) -> tuple[str, ...]:
    seen = set(exclude)
    out = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return tuple(out)


def _clean(value: str | None) -> str:
    return " ".join(value.split()) if value else ""
