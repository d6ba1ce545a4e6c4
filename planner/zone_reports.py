"""What a zone file held, and the same as JSON: the file is read in a process of its own
(planner.reading), which answers in this form. JSON rather than pickle, so that a reading
process a hostile file got the better of can hand back nothing but data."""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry

from common.messages import Joined, Np_, Text


@dataclass(frozen=True)
class ImportedZone:
    """One zone read from a file: a valid (Multi)Polygon in EPSG:4326, 2D, with its area."""

    name: str
    kind: str
    density: float | None
    notes: str
    geometry: BaseGeometry
    area_m2: float
    repaired: bool


@dataclass(frozen=True)
class ImportReport:
    """What a file held: its zones, what was repaired or guessed, the CRS it came in, the
    column that named the zones ("" for none; `name_guessed` unless the planner chose it)
    and every column with a few sample values, for the planner to choose another."""

    zones: list[ImportedZone]
    warnings: list[str]
    source_crs: str
    name_field: str = ""
    name_guessed: bool = True
    columns: dict[str, list[str]] = field(default_factory=dict)


def report_json(report: ImportReport) -> dict:
    zones = [
        asdict(zone) | {"geometry": base64.b64encode(shapely.to_wkb(zone.geometry)).decode()}
        for zone in report.zones
    ]
    warnings = [message_json(w) for w in report.warnings]
    naming = {"name_field": report.name_field, "name_guessed": report.name_guessed}
    return {
        "zones": zones,
        "warnings": warnings,
        "source_crs": report.source_crs,
        **naming,
        "columns": [[column, samples] for column, samples in report.columns.items()],
    }


def report_from(data: dict) -> ImportReport:
    zones = [
        ImportedZone(**(z | {"geometry": shapely.from_wkb(base64.b64decode(z["geometry"]))}))
        for z in data["zones"]
    ]
    warnings = [message_from(w) for w in data["warnings"]]
    return ImportReport(
        zones=zones,
        warnings=warnings,
        source_crs=str(data["source_crs"]),
        name_field=str(data["name_field"]),
        name_guessed=bool(data["name_guessed"]),
        columns={str(column): [str(s) for s in samples] for column, samples in data["columns"]},
    )


def message_json(message: str) -> object:
    """A core message with what it takes to say it in another language (common.messages)."""
    if isinstance(message, Joined):
        return {"joined": [message_json(p) for p in message.parts], "separator": message.separator}
    if isinstance(message, Text):
        values = {k: message_json(v) if isinstance(v, str) else v for k, v in _items(message)}
        return {"template": message.template, "plural": message.plural, "values": values}
    return str(message)


def message_from(data: object) -> str:
    if isinstance(data, str):
        return data
    if "joined" in data:
        return Joined([message_from(p) for p in data["joined"]], data["separator"])
    values = {k: message_from(v) if isinstance(v, str | dict) else v for k, v in _items(data)}
    if data["plural"] is not None:
        return Np_(data["template"], data["plural"], values.pop("num"), **values)
    return Text(data["template"], **values)


def _items(message: Text | dict) -> list[tuple[str, object]]:
    values = message.values if isinstance(message, Text) else message["values"]
    return list(values.items())
