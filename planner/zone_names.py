"""Which attribute names the zones of a file: the column a planner chose, or one guessed
from the columns real boundary files carry (Chicago's PRI_NEIGH and ZIP, TIGER's NAME,
OSM's name, KML's Name...). Names are cleaned and made distinct so a planner can tell the
zones apart on the map and in the rosters."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from common.messages import N_, Np_, Text
from planner.zones import ZoneError

MAX_NAME_CHARS = 200  # Zone.name is String(200)
MAX_SAMPLE_CHARS = 40
SAMPLES = 3
# Tried in this order, case-insensitively: what names a place first, then what numbers it.
NAME_COLUMNS = (
    "name", "title", "label", "zone", "zone_name", "zonename", "pri_neigh", "namelsad",
    "name_long", "name_en", "name:en", "park", "community", "zip", "zipcode", "zip_code",
    "postcode", "postal_code", "district", "dist_name", "ward", "beat", "sec_neigh", "admin",
)  # fmt: skip
# A last resort: a number names a zone badly, but tells two apart.
ID_COLUMNS = ("park_no", "geoid", "id", "@id", "osm_id", "fid", "gid", "objectid", "ogc_fid")
# What a file says about a zone other than its name, or how to draw it (simplestyle-spec,
# KML's styleUrl, uMap's options); never a name, unless chosen.
OTHER_COLUMNS = {"kind", "type", "zone_kind", "density", "description", "descriptio", "notes"}
OTHER_COLUMNS |= {"stroke", "stroke-width", "stroke-opacity", "fill", "fill-opacity", "color"}
OTHER_COLUMNS |= {"marker-color", "marker-size", "marker-symbol", "styleurl", "_umap_options"}
# Measures of the shape (ArcGIS's SHAPE_Area, Shape_Leng; TIGER's ALAND), never a name.
MEASURE = re.compile(
    r"^(shape_?(area|len|leng|length)|st_(area|length).*|area|perimeter|acres|hectares"
    r"|aland|awater|intptlat|intptlon|lat|lon|latitude|longitude)$",
    re.IGNORECASE,
)
LISTED = 25  # columns named in a message
LONGEST_GUESS = 100  # characters: a longer value is a description, not a name
# As common.validation refuses in typed names: C0 controls, DEL, lone surrogates and the two
# non-characters. A file's names are cleaned rather than refused: the planner cannot edit them.
_CONTROLS = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]+")


class NameFieldError(ZoneError):
    """The chosen name column is not in the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="name_field")


@dataclass(frozen=True)
class Naming:
    """The zones' names in feature order, the column they came from ("" for none), whether
    it was guessed, and every column with a few sample values (for the planner to choose)."""

    names: list[str]
    column: str
    guessed: bool
    columns: dict[str, list[str]]
    warnings: list[str]


def name_zones(rows: Sequence[dict], chosen: str | None = None) -> Naming:
    """Names for features given as attribute dicts, from the `chosen` column or a guessed one."""
    columns = _columns(rows)
    values = {column: [clean(row.get(column)) for row in rows] for column in columns}
    samples = {column: _samples(texts) for column, texts in values.items()}
    column = _chosen(chosen, columns) if chosen else _guess(columns, rows, values)
    texts = values.get(column, [""] * len(rows))
    names = [text or f"Zone {number}" for number, text in enumerate(texts, start=1)]
    names, warnings = distinct(names)
    guessed = not chosen
    if guessed:
        warnings.insert(0, _guess_warning(column, list(columns)))
    return Naming(names, column, guessed, samples, [w for w in warnings if w])


def clean(value: object) -> str:
    """An attribute value as a zone name: trimmed, control characters out, at most 200
    characters; "" for nothing. Whole numbers stored as floats (ZIP 60614.0) lose the .0."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""  # None, NaN, NaT
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = " ".join(_CONTROLS.sub(" ", str(value)).split())
    return text[:MAX_NAME_CHARS].rstrip()


def distinct(names: list[str]) -> tuple[list[str], list[str]]:
    """The names with repeats numbered as a planner would ("Lincoln Park (2)"), and a warning
    for each repeated name."""
    taken = {name.casefold() for name in names}
    seen: dict[str, list[str]] = {}
    result = []
    for name in names:
        copies = seen.setdefault(name.casefold(), [])
        if copies:
            name = _numbered(name, len(copies) + 1, taken)
            taken.add(name.casefold())
        copies.append(name)
        result.append(name)
    warnings = [
        Np_(
            "%(num)d feature is named '%(name)s'; imported as %(names)s",
            "%(num)d features are named '%(name)s'; imported as %(names)s",
            len(copies),
            name=copies[0],
            names=", ".join(f"'{copy}'" for copy in copies),
        )
        for copies in seen.values()
        if len(copies) > 1
    ]
    return result, warnings


def _numbered(name: str, number: int, taken: set[str]) -> str:
    while True:
        suffix = f" ({number})"
        candidate = name[: MAX_NAME_CHARS - len(suffix)] + suffix
        if candidate.casefold() not in taken:
            return candidate
        number += 1


def _columns(rows: Sequence[dict]) -> dict[str, None]:
    """Every attribute column in file order (a KML folder or GeoPackage table may add some)."""
    return dict.fromkeys(str(key) for row in rows for key in row)


def _samples(texts: list[str]) -> list[str]:
    found = dict.fromkeys(text[:MAX_SAMPLE_CHARS] for text in texts if text)
    return list(found)[:SAMPLES]


def _chosen(chosen: str, columns: dict[str, None]) -> str:
    """The column the planner named: exactly, else the one that differs only in case."""
    wanted = chosen.strip()
    if wanted in columns:
        return wanted
    same = [column for column in columns if column.casefold() == wanted.casefold()]
    if len(same) == 1:
        return same[0]
    raise NameFieldError(
        N_(
            "there is no column '%(column)s' in the file; its columns: %(columns)s",
            column=clean(wanted)[:MAX_SAMPLE_CHARS],
            columns=listing(list(columns)),
        )
    )


def _guess(columns: dict[str, None], rows: Sequence[dict], values: dict[str, list[str]]) -> str:
    """The best naming column: a usual name column first, then any other short text column,
    then an id; "" when none tells the zones apart."""
    by_key = {}
    for column in columns:
        by_key.setdefault(column.casefold(), column)
    ranked = [by_key[key] for key in NAME_COLUMNS if key in by_key]
    others = [c for c in columns if c.casefold() not in {*NAME_COLUMNS, *ID_COLUMNS}]
    others = [c for c in others if c.casefold() not in OTHER_COLUMNS and not MEASURE.match(c)]
    ids = [by_key[key] for key in ID_COLUMNS if key in by_key]

    def usable(column: str, distinct: bool = True) -> bool:
        raw = [row.get(column) for row in rows]
        textual = column not in others or all(isinstance(value, str | None) for value in raw)
        return textual and _names_well(values[column], raw, distinct)

    # A repeated name (numbered, and the planner told) is better than a number.
    tiers = [(c, True) for c in ranked + others] + [(c, False) for c in ranked]
    tiers += [(c, True) for c in ids]
    return next((column for column, distinct in tiers if usable(column, distinct)), "")


def _names_well(texts: list[str], raw: list[object], distinct: bool = True) -> bool:
    """Values that can name zones: most present, short, not measures, mostly distinct."""
    present = [text for text in texts if text]
    if len(present) * 2 < len(texts) or not present:
        return False
    if any(isinstance(v, float) and not (math.isnan(v) or v.is_integer()) for v in raw):
        return False  # 48492503.1554 is an area, not a name
    if max(len(text) for text in present) > LONGEST_GUESS:
        return False
    return not distinct or len({text.casefold() for text in present}) * 2 > len(present)


def listing(columns: list[str]) -> str:
    """Columns for a message; past LISTED, how many more (Natural Earth's files have 160)."""
    if not columns:
        return N_("none")
    shown = ", ".join(columns[:LISTED])
    more = len(columns) - LISTED
    return f"{shown}, … (+{more})" if more > 0 else shown


def _guess_warning(column: str, columns: list[str]) -> Text | str:
    """What the planner should know of a guess: nothing when the column is called name."""
    listed = listing([c for c in columns if c != column])
    if not column:
        if not columns:
            return ""
        return N_(
            "No column names the zones: they are named Zone 1, Zone 2...; choose one of: "
            "%(columns)s",
            columns=listed,
        )
    if column.casefold() == "name":
        return ""
    return N_(
        "Named zones from column %(column)s (guessed); choose another: %(columns)s",
        column=column,
        columns=listed,
    )
