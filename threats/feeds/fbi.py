"""Pure parser for the FBI Wanted API list (`api.fbi.gov/wanted/v1/list`): JSON bytes in, records.

One malformed item (no `uid`, a field of the wrong JSON type) is refused and counted in the
page (`Page.refused`) while the other items are kept; the poller then treats the read as
partial, so nothing is marked removed. A page that is not the list's shape is refused whole.
Missing or null optional fields read as empty. The API sends HTML in free-text fields;
records hold plain text.

A poster whose `person_classification` is "Victim" (a ViCAP missing person, a kidnapping
victim) is kept, because staff should look out for them, but is marked `extra["victim"] = True`:
a missing person is not a suspect and must never be presented as one.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from threats.feeds import jsondoc
from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Page, WatchlistEntry, refusal

MAX_DOCUMENT_BYTES = 5_000_000
MAX_REASON_CHARS = 300
LIST_KIND = "fbi-wanted"
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES.split(), start=1)}
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})")
_MONTH_YEAR = re.compile(r"([A-Za-z]+),? (\d{4})")
_ISO = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_TAG = re.compile(r"<[^>]*>")
_DISPLAY_WORD_BREAK = re.compile(r"([\s\-'’]+)")
_POSTER_LABELS = {"default": "", "missing": "Missing person"}
_GENDERS = {"male": "M", "female": "F"}
_TEXT_EXTRAS = (
    "description",
    "caution",
    "remarks",
    "warning_message",
    "reward_text",
    "place_of_birth",
    "nationality",  # a demonym ("American"), not an ISO code, so not in `nationalities`
    "publication",  # naive local time, kept as sent
    "modified",
)
_IMAGE_KEYS = ("caption", "original", "large", "thumb")


def parse_wanted_page(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> Page[WatchlistEntry]:
    """Read one list page into entries; `next_url` stays None (see `next_page_number`).

    `name` is the poster title exactly as sent (upper case); `extra["display_name"]` is a
    title-cased form for people to read, which can be wrong for names like "McX". Victims and
    missing persons are kept with `extra["victim"] = True`: they are not suspects.
    """
    doc = _object(_load(data, max_bytes), "document")
    if doc.get("items") is None:
        raise FeedFormatError("FBI: page has no items")
    total = _count(doc.get("total"), "total")
    records, refused = [], []
    for i, item in enumerate(_array(doc["items"], "items"), start=1):
        try:
            records.append(_entry(_object(item, f"item {i}"), f"item {i}"))
        except FeedFormatError as exc:
            uid = item.get("uid") if isinstance(item, dict) else None
            refused.append(refusal(i, uid.strip() if isinstance(uid, str) else None, exc))
    return Page(records, next_url=None, total=total, refused=tuple(refused))


def next_page_number(page: int, page_size: int, total: int) -> int | None:
    """The page to ask for after `page` (1-based), or None when `total` results are covered."""
    if page < 1 or page_size < 1 or page * page_size >= total:
        return None
    return page + 1


def display_name(title: str) -> str:
    """A readable form of an all-capitals title: "AL-MITHALI" -> "Al-Mithali".

    Mixed-case titles are returned unchanged; capitals inside a name ("McX") cannot be recovered.
    """
    if not title.isupper():
        return title
    parts = _DISPLAY_WORD_BREAK.split(title)
    return "".join(p if _DISPLAY_WORD_BREAK.fullmatch(p) else p.capitalize() for p in parts)


def parse_date_of_birth(text: str) -> str | None:
    """ "March 3, 1985" -> "1985-03-03", "March 1985" -> "1985-03", "1985" -> "1985"; else None."""
    text = " ".join(text.split())
    if _ISO.fullmatch(text):
        return text if _valid(*(int(p) for p in text.split("-"))) else None
    if match := _MONTH_DAY_YEAR.fullmatch(text):
        month, day, year = _MONTHS.get(match[1].lower()), int(match[2]), int(match[3])
        return f"{year:04d}-{month:02d}-{day:02d}" if month and _valid(year, month, day) else None
    if match := _MONTH_YEAR.fullmatch(text):
        month, year = _MONTHS.get(match[1].lower()), int(match[2])
        return f"{year:04d}-{month:02d}" if month and _valid(year, month) else None
    return None


def _entry(item: dict[str, Any], where: str) -> WatchlistEntry:
    uid = _text(item.get("uid"), f"{where} uid")
    if not uid:
        raise FeedFormatError(f"FBI: {where} has no uid")
    where = f"item {uid}"
    title = _text(item.get("title"), f"{where} title")
    birth_dates, unparsed = _birth_dates(item.get("dates_of_birth_used"), where)
    extra = _extra(item, where)
    extra["display_name"] = display_name(title)
    if unparsed:
        extra["dates_of_birth_raw"] = unparsed
    return WatchlistEntry(
        source_id=uid,
        list_kind=LIST_KIND,
        name=title,
        aliases=_unique(_texts(item.get("aliases"), f"{where} aliases")),
        birth_dates=birth_dates,
        gender=_GENDERS.get(_text(item.get("sex"), f"{where} sex").lower(), ""),
        reason=_reason(item, where),
        url=_text(item.get("url"), f"{where} url") or _text(item.get("@id"), f"{where} @id"),
        extra=extra,
    )


def _extra(item: dict[str, Any], where: str) -> dict[str, object]:
    extra: dict[str, object] = {
        key: value for key in _TEXT_EXTRAS if (value := _text(item.get(key), f"{where} {key}"))
    }
    for key in ("subjects", "field_offices"):
        if values := _texts(item.get(key), f"{where} {key}"):
            extra[key] = values
    for key in ("poster_classification", "person_classification"):
        if value := _text(item.get(key), f"{where} {key}"):
            extra[key] = value
    if images := _images(item.get("images"), where):
        extra["images"] = images
    person = _text(item.get("person_classification"), f"{where} person_classification")
    if person.lower() == "victim":
        extra["victim"] = True
    return extra


def _reason(item: dict[str, Any], where: str) -> str:
    """Why the poster exists: a non-default classification, the subjects and the charge line.

    The caution paragraph is the fallback only, since it is long; it is kept whole in `extra`.
    """
    poster = _text(item.get("poster_classification"), f"{where} poster_classification")
    label = _POSTER_LABELS.get(poster.lower(), poster.replace("_", " ").capitalize())
    parts = [label] if label else []
    parts += _texts(item.get("subjects"), f"{where} subjects")
    parts.append(_text(item.get("description"), f"{where} description"))
    if not any(parts):
        parts.append(_text(item.get("caution"), f"{where} caution"))
    text = "; ".join(_unique(tuple(p for p in parts if p)))
    if len(text) <= MAX_REASON_CHARS:
        return text
    return text[: MAX_REASON_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _birth_dates(value: object, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    texts = _texts(value, f"{where} dates_of_birth_used")
    parsed = [(text, parse_date_of_birth(text)) for text in texts]
    return (
        _unique(tuple(iso for _text, iso in parsed if iso)),
        tuple(text for text, iso in parsed if iso is None),
    )


def _images(value: object, where: str) -> tuple[dict[str, str], ...]:
    images = []
    for i, raw in enumerate(_array(value, f"{where} images"), start=1):
        image = _object(raw, f"{where} image {i}")
        images.append({k: _text(image.get(k), f"{where} image {i} {k}") for k in _IMAGE_KEYS})
    return tuple(images)


def _valid(year: int, month: int = 1, day: int = 1) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _texts(value: object, where: str) -> tuple[str, ...]:
    return tuple(t for i, v in enumerate(_array(value, where)) if (t := _text(v, f"{where}[{i}]")))


def _text(value: object, where: str) -> str:
    """Plain text from an API string: tags stripped, entities unescaped, whitespace collapsed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FeedFormatError(f"FBI: {where} is not a string")
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())


def _count(value: object, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FeedFormatError(f"FBI: {where} is {value!r}, not a count")
    return value


def _array(value: object, where: str) -> list[Any]:
    return jsondoc.array(value, where, "FBI")


def _object(value: object, where: str) -> dict[str, Any]:
    return jsondoc.obj(value, where, "FBI")


def _load(data: bytes, max_bytes: int) -> object:
    return jsondoc.load(data, max_bytes, "FBI")
