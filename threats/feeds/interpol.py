"""Pure parser for the INTERPOL public notices API (red and yellow): JSON bytes in, records out.

One malformed notice on a list page (no usable `entity_id`, a field of the wrong JSON type)
is refused and counted in the page (`Page.refused`) while the others are kept; the poller
then treats the read as partial, so nothing is marked removed. A page that is not the list's
shape, or a malformed detail document, is refused whole. Optional fields that are missing or
null are read as empty.
"""

from __future__ import annotations

import math
import re
from dataclasses import fields, replace
from datetime import date
from typing import Any

from threats.feeds import jsondoc
from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Page, WatchlistEntry, refusal

MAX_DOCUMENT_BYTES = 5_000_000
# The live API silently stops returning notices after this many results, whatever `total` says.
LIVE_RESULT_CAP = 160
KINDS = ("red", "yellow")
MAX_REASON_CHARS = 300
_ENTITY_ID = re.compile(r"\d{4}/\d{1,10}")
_DATE = re.compile(r"(\d{4})(?:/(\d{2})(?:/(\d{2}))?)?")
_NO_FORENAME = frozenset({"", "-"})
_NAME_FIELDS = ("name", "given_names", "family_name")
_LIST_EXTRAS = (("thumbnail", "thumbnail_url"), ("images", "images_url"))
_TEXT_EXTRAS = (
    ("place_of_birth", "place_of_birth"),
    ("country_of_birth_id", "country_of_birth"),
    ("distinguishing_marks", "distinguishing_marks"),
    ("place", "event_place"),  # yellow notices: where the person went missing
    ("country", "event_country"),
    ("father_forename", "father_forename"),
    ("mother_forename", "mother_forename"),
    ("mother_name", "mother_name"),
)
_CODE_EXTRAS = (
    ("eyes_colors_id", "eyes"),
    ("hairs_id", "hair"),
    ("languages_spoken_ids", "languages"),
)
_MEASURE_EXTRAS = (("height", "height_m"), ("weight", "weight_kg"))


def parse_notice_page(
    data: bytes, kind: str, max_bytes: int = MAX_DOCUMENT_BYTES
) -> Page[WatchlistEntry]:
    """Read one list page (`/notices/v1/red?page=N`) into entries, its `next` link and `total`."""
    list_kind = _list_kind(kind)
    doc = _object(_load(data, max_bytes), "document")
    embedded = _object(doc.get("_embedded"), "_embedded")
    if embedded.get("notices") is None:
        raise FeedFormatError("INTERPOL: page has no _embedded.notices")
    next_url, total = _href(doc, "next") or None, _total(doc)
    records, refused = [], []
    for i, notice in enumerate(_array(embedded["notices"], "notices"), start=1):
        try:
            records.append(_entry(_object(notice, f"notice {i}"), list_kind, f"notice {i}"))
        except FeedFormatError as exc:
            found = notice.get("entity_id") if isinstance(notice, dict) else None
            refused.append(refusal(i, found if isinstance(found, str) else None, exc))
    return Page(records, next_url=next_url, total=total, refused=tuple(refused))


def should_stop(page_number: int, per_page: int, total: int | None, next_url: str | None) -> bool:
    """True when no further page should be fetched: no `next` link, or the results are used up.

    The live API stops at 160 results, so `page * per_page >= min(total, 160)` ends the loop
    even when `total` is larger; nonsensical page numbers or sizes also stop it.
    """
    if next_url is None or page_number < 1 or per_page < 1:
        return True
    limit = LIVE_RESULT_CAP if total is None else min(total, LIVE_RESULT_CAP)
    return page_number * per_page >= limit


def detail_url(base: str, kind: str, entity_id: str) -> str:
    """The detail address of a notice: base "https://ws-public.interpol.int", "2026/90011"
    -> ".../notices/v1/red/2026-90011" (the slash becomes a dash)."""
    _list_kind(kind)
    if not _ENTITY_ID.fullmatch(entity_id):
        raise FeedFormatError(f"INTERPOL: entity_id {entity_id!r} is not 'YYYY/NNNNN'")
    return f"{base.rstrip('/')}/notices/v1/{kind}/{entity_id.replace('/', '-')}"


def parse_notice_detail(
    data: bytes, kind: str, max_bytes: int = MAX_DOCUMENT_BYTES
) -> WatchlistEntry:
    """Read one notice's detail document: the list fields plus warrants, sex and description.

    Heights and weights of 0 are INTERPOL's "unknown" and are left out of `extra`.
    """
    list_kind = _list_kind(kind)
    doc = _object(_load(data, max_bytes), "document")
    entry = _entry(doc, list_kind, "detail")
    where = f"notice {entry.source_id}"
    warrants = _warrants(doc.get("arrest_warrants"), where)
    extra = {**entry.extra, **_detail_extra(doc, where)}
    if warrants:
        extra["arrest_warrants"] = warrants
    # Yellow notices: the family name at birth, e.g. before a marriage, is another strong name.
    birth_name = _text(doc.get("birth_name"), f"{where} birth_name")
    alias = " ".join(p for p in (entry.given_names, birth_name) if p)
    return replace(
        entry,
        aliases=(alias,) if birth_name and birth_name != entry.family_name else (),
        gender=_gender(doc.get("sex_id"), where),
        reason=_reason(warrants),
        extra=extra,
    )


def merge(list_entry: WatchlistEntry, detail_entry: WatchlistEntry) -> WatchlistEntry:
    """Combine a list entry with its detail; the detail wins wherever it has a value.

    The name, given and family names move together, so they never come from different records.
    """
    key = (detail_entry.source_id, detail_entry.list_kind)
    if key != (list_entry.source_id, list_entry.list_kind):
        raise FeedFormatError(
            f"INTERPOL: detail {detail_entry.list_kind} {detail_entry.source_id} does not belong"
            f" to list entry {list_entry.list_kind} {list_entry.source_id}"
        )
    names_from = detail_entry if detail_entry.name else list_entry
    merged: dict[str, Any] = {
        f.name: getattr(detail_entry, f.name) or getattr(list_entry, f.name)
        for f in fields(WatchlistEntry)
    }
    merged.update({name: getattr(names_from, name) for name in _NAME_FIELDS})
    merged["extra"] = {**list_entry.extra, **detail_entry.extra}
    return WatchlistEntry(**merged)


def _entry(item: dict[str, Any], list_kind: str, where: str) -> WatchlistEntry:
    source_id = _entity_id(item.get("entity_id"), where)
    where = f"notice {source_id}"
    family = _text(item.get("name"), f"{where} name")
    given = _text(item.get("forename"), f"{where} forename")
    given = "" if given in _NO_FORENAME else given
    birth_dates, extra = _birth_dates(item.get("date_of_birth"), where)
    extra.update((key, href) for link, key in _LIST_EXTRAS if (href := _href(item, link, where)))
    return WatchlistEntry(
        source_id=source_id,
        list_kind=list_kind,
        name=" ".join(part for part in (given, family) if part),
        given_names=given,
        family_name=family,
        birth_dates=birth_dates,
        nationalities=tuple(
            c.upper() for c in _codes(item.get("nationalities"), f"{where} nationalities")
        ),
        url=_href(item, "self", where),
        extra=extra,
    )


def _detail_extra(doc: dict[str, Any], where: str) -> dict[str, object]:
    extra: dict[str, object] = {}
    for source, key in _TEXT_EXTRAS:
        if value := _text(doc.get(source), f"{where} {source}"):
            extra[key] = value
    for source, key in _CODE_EXTRAS:
        if codes := _codes(doc.get(source), f"{where} {source}"):
            extra[key] = codes
    for source, key in _MEASURE_EXTRAS:
        if measure := _measure(doc.get(source), f"{where} {source}"):
            extra[key] = measure
    if event := _text(doc.get("date_of_event"), f"{where} date_of_event"):
        extra["date_of_event"] = _iso_date(event) or event
    return extra


def _warrants(value: object, where: str) -> tuple[dict[str, str], ...]:
    warrants = []
    for i, item in enumerate(_array(value, f"{where} arrest_warrants"), start=1):
        at = f"{where} warrant {i}"
        warrant = _object(item, at)
        warrants.append(
            {
                "charge": _charge(warrant.get("charge"), f"{at} charge"),
                "charge_translation": _charge(
                    warrant.get("charge_translation"), f"{at} translation"
                ),
                "issuing_country": _text(
                    warrant.get("issuing_country_id"), f"{at} country"
                ).upper(),
            }
        )
    return tuple(warrants)


def _reason(warrants: tuple[dict[str, str], ...]) -> str:
    # The English translation, when INTERPOL gives one, is what a duty officer can read.
    charges = [w["charge_translation"] or w["charge"] for w in warrants]
    text = "; ".join(c for c in charges if c)
    if len(text) <= MAX_REASON_CHARS:
        return text
    return text[: MAX_REASON_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _charge(value: object, where: str) -> str:
    # Several charges often share one field, one per line ("...\r\nMoney laundering").
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FeedFormatError(f"INTERPOL: {where} is not a string")
    return "; ".join(_clean(line) for line in value.splitlines() if line.strip())


def _birth_dates(value: object, where: str) -> tuple[tuple[str, ...], dict[str, object]]:
    """'1971/03/14' -> '1971-03-14', '1972' -> '1972'; unreadable text is kept raw in extra."""
    text = _text(value, f"{where} date_of_birth")
    if not text:
        return (), {}
    iso = _iso_date(text)
    return ((iso,), {}) if iso else ((), {"date_of_birth_raw": text})


def _iso_date(text: str) -> str | None:
    """'YYYY/MM/DD', 'YYYY/MM' or 'YYYY' as an ISO prefix; a '00' month or day is unknown."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day = match.groups()
    parts = [year]
    if month and month != "00":
        parts.append(month)
        if day and day != "00":
            parts.append(day)
    try:
        date(*(int(p) for p in [*parts, "01", "01"][:3]))
    except ValueError:
        return None
    return "-".join(parts)


def _gender(value: object, where: str) -> str:
    sex = _text(value, f"{where} sex_id").upper()
    return sex if sex in ("M", "F") else ""


def _measure(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FeedFormatError(f"INTERPOL: {where} is not a finite number")
    return value if value > 0 else None


def _total(doc: dict[str, Any]) -> int | None:
    total = doc.get("total")
    if total is None:
        return None
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise FeedFormatError(f"INTERPOL: total is {total!r}, not a count")
    return total


def _href(item: dict[str, Any], link: str, where: str = "page") -> str:
    links = _object(item.get("_links") or {}, f"{where} _links")
    target = _object(links.get(link) or {}, f"{where} _links.{link}")
    return _text(target.get("href"), f"{where} _links.{link}.href")


def _entity_id(value: object, where: str) -> str:
    if value is None or value == "":
        raise FeedFormatError(f"INTERPOL: {where} has no entity_id")
    if not isinstance(value, str) or not _ENTITY_ID.fullmatch(value.strip()):
        raise FeedFormatError(f"INTERPOL: {where} entity_id {value!r} is not 'YYYY/NNNNN'")
    return value.strip()


def _codes(value: object, where: str) -> tuple[str, ...]:
    return tuple(c for i, v in enumerate(_array(value, where)) if (c := _text(v, f"{where}[{i}]")))


def _text(value: object, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FeedFormatError(f"INTERPOL: {where} is not a string")
    return _clean(value)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _array(value: object, where: str) -> list[Any]:
    return jsondoc.array(value, where, "INTERPOL")


def _object(value: object, where: str) -> dict[str, Any]:
    return jsondoc.obj(value, where, "INTERPOL")


def _list_kind(kind: str) -> str:
    # A wrong kind is the caller's mistake, not bad feed input, hence a plain ValueError.
    if kind not in KINDS:
        raise ValueError(f"INTERPOL: notice kind must be one of {KINDS}, got {kind!r}")
    return f"interpol-{kind}"


def _load(data: bytes, max_bytes: int) -> object:
    return jsondoc.load(data, max_bytes, "INTERPOL")
