"""Pure FollowTheMoney (OpenSanctions `entities.ftm.json`) reader: JSON lines in, persons out.

Only `Person` entities become entries; companies, vessels, sanctions and the like are skipped
without a word. A line that is not a JSON object, or a Person without an id or a name, is
refused and counted by its line number (`Page.refused`) while the other lines are kept; the
poller treats the read as partial, so nothing is marked removed because of it.

An OpenSanctions export is not one sanctions list. Each person's `topics` say what it is
listed for, and `list_kind` follows them: "wanted", "sanctions", "crime", "debarment",
"poi" (person of interest), "pep" (politically exposed, or a close associate), or "other".
`target` says whether the person is a listing of the dataset at all or only context (a
party donor, a company officer, a PEP's relative); only targets are screened by default.
"""

import json
import re
from collections.abc import Callable, Iterable, Mapping

from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Page, WatchlistEntry, refusal

# OpenSanctions' full default export is a few GB; a sanctions-only person export is far smaller.
MAX_DOCUMENT_BYTES = 500_000_000
OTHER = "other"
# FtM topic -> list kind, strongest first: a wanted sanctioned person is "wanted". A topic
# matches itself and its children ("crime" matches "crime.fin"). Counter-sanctions
# ("sanction.counter": listed *by* a sanctioned state) are not sanctions on the person.
LIST_KINDS = (
    ("wanted", "wanted"),
    ("sanction", "sanctions"),
    ("crime", "crime"),
    ("debarment", "debarment"),
    ("poi", "poi"),
    ("role.pep", "pep"),
    ("role.rca", "pep"),
)
_NOT_A_KIND = frozenset({"sanction.counter"})
MAX_REASON_CHARS = 200
_ISO_DATE_PREFIX = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_ISO_COUNTRY = re.compile(r"[A-Z]{2}")
_GENDERS = {"male": "M", "female": "F"}
_NAME_PARTS = ("middleName", "secondName", "fatherName", "motherName", "patronymic")
_ENTITY_FIELDS = ("datasets", "referents", "first_seen", "last_seen", "last_change", "target")

Properties = Callable[[str], tuple[str, ...]]


def parse_entities(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> Page[WatchlistEntry]:
    """Read FtM JSON lines into entries, one per Person, in file order; a malformed line
    is refused by its number and the rest kept."""
    if len(data) > max_bytes:
        raise FeedFormatError(f"FtM: document is {len(data)} bytes, over the {max_bytes}-byte cap")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedFormatError(f"FtM: not UTF-8 text (byte {exc.start})") from exc
    entries, refused = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        entity: dict = {}
        try:
            entity = _load_line(line)
            if entity.get("schema") == "Person":
                entries.append(_person(entity))
        except FeedFormatError as exc:
            named = entity.get("id")
            refused.append(refusal(number, named.strip() if isinstance(named, str) else None, exc))
    return Page(entries, refused=tuple(refused))


def list_kind(topics: Iterable[str]) -> str:
    """The list kind FtM topics name, strongest first; "other" when none does."""
    topics = [t.lower() for t in topics if t.lower() not in _NOT_A_KIND]
    for topic, kind in LIST_KINDS:
        if any(t == topic or t.startswith(topic + ".") for t in topics):
            return kind
    return OTHER


def _load_line(line: str) -> dict:
    try:
        entity = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise FeedFormatError(f"not JSON: {exc}") from exc
    if not isinstance(entity, dict):
        raise FeedFormatError("not a JSON object")
    return entity


def _person(entity: dict) -> WatchlistEntry:
    source_id = entity.get("id")
    if not isinstance(source_id, str) or not source_id.strip():
        raise FeedFormatError("Person has no id")
    props = _properties(entity)
    names = props("name")
    name = next(iter(names), "") or _clean(entity.get("caption"))
    if not name:
        raise FeedFormatError("Person has no name")
    strong = _unique([*names, *props("alias"), *props("previousName")], exclude={name})
    kind = list_kind(props("topics"))
    return WatchlistEntry(
        source_id=source_id.strip(),
        list_kind=kind,
        target=_target(entity.get("target"), kind),
        name=name,
        aliases=strong,
        weak_aliases=_unique(props("weakAlias"), exclude={name, *strong}),
        given_names=next(iter(props("firstName")), ""),
        family_name=next(iter(props("lastName")), ""),
        birth_dates=tuple(d for d in props("birthDate") if _ISO_DATE_PREFIX.fullmatch(d)),
        nationalities=_countries([*props("nationality"), *props("citizenship")]),
        gender=next((_GENDERS[g.lower()] for g in props("gender") if g.lower() in _GENDERS), ""),
        reason=_reason([*props("topics"), *props("program"), *props("programId")]),
        url=next(iter(props("sourceUrl")), ""),
        extra=_extra(entity, props),
    )


def _target(value: object, kind: str) -> bool:
    """OpenSanctions marks every entity target or not. A file without the mark (an older
    or hand-made export) lists a person as a target when its topics name a list kind."""
    if value is None:
        return kind != OTHER
    if not isinstance(value, bool):
        raise FeedFormatError(f"'target' is {value!r}, not true or false")
    return value


def _properties(entity: dict) -> Properties:
    """A reader of `properties`: every value must be a list of strings; absent means empty."""
    properties = entity.get("properties")
    properties = {} if properties is None else properties
    if not isinstance(properties, dict):
        raise FeedFormatError("'properties' is not an object")

    def values(key: str) -> tuple[str, ...]:
        raw = properties.get(key) or []
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise FeedFormatError(f"property {key!r} is not a list of strings")
        return _unique(raw)

    return values


def _extra(entity: Mapping[str, object], props: Properties) -> dict[str, object]:
    extra: dict[str, object] = {"schema": "Person", "caption": _clean(entity.get("caption"))}
    for key in _ENTITY_FIELDS:
        value = entity.get(key)
        if isinstance(value, list):
            extra[key] = tuple(_clean(v) for v in value if isinstance(v, str))
        elif isinstance(value, (str, bool)):
            extra[key] = value
    for key in (*_NAME_PARTS, "birthPlace"):
        if found := props(key):
            extra[key] = found
    dates = props("birthDate")
    if odd := tuple(d for d in dates if not _ISO_DATE_PREFIX.fullmatch(d)):
        extra["unparsed_birth_dates"] = odd
    countries = [c.upper() for c in (*props("nationality"), *props("citizenship"))]
    if odd := tuple(c for c in countries if not _ISO_COUNTRY.fullmatch(c)):
        extra["other_country_codes"] = odd  # OpenSanctions also uses e.g. "SUHH", "GE-AB"
    return extra


def _countries(codes: Iterable[str]) -> tuple[str, ...]:
    return _unique(c.upper() for c in codes if _ISO_COUNTRY.fullmatch(c.upper()))


def _reason(parts: list[str]) -> str:
    text = "; ".join(_unique(parts))
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def _unique(values: Iterable[str], exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """Cleaned, non-empty values in first-seen order, without duplicates or excluded ones."""
    seen = set(exclude)
    out = []
    for value in values:
        cleaned = _clean(value)
        if cleaned and cleaned not in seen:
            seen.add(cleaned)
            out.append(cleaned)
    return tuple(out)


def _clean(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""
