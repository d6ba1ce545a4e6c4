"""A GeoPackage looked over before GDAL opens it: its layers must be plain tables.

A GeoPackage is an SQLite database, and GDAL runs the SQL of whatever it lists as a layer
each time it counts or reads one: a VIEW over an endless recursive query never returns, and
generated columns and virtual tables compute what they hold. Python's sqlite3 opens the file
read-only and immutable, with a deadline checked every few thousand steps of SQLite's
machine, and refuses views, virtual tables (but the R-tree spatial index), generated
columns and layers that are anything but plain tables.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

from common.messages import N_
from planner.zones import ZoneError

INSPECT_S = 5.0  # the schema of a 25 MB file is read in milliseconds
STEPS = 10_000  # SQLite virtual machine steps between two looks at the clock
LAYER_TYPES = ("features", "attributes")
RTREE = "USING RTREE"  # the spatial index GeoPackage itself defines
GENERATED = (2, 3)  # PRAGMA table_xinfo's `hidden` for virtual and stored generated columns


def inspect_geopackage(path: Path) -> None:
    """Refuse a GeoPackage whose layers are not plain tables, within INSPECT_S."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    deadline = time.monotonic() + INSPECT_S
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            db.set_progress_handler(lambda: time.monotonic() > deadline, STEPS)
            _check(db)
    except sqlite3.OperationalError as exc:
        if time.monotonic() > deadline:
            raise ZoneError(_too_slow()) from exc
        raise _unreadable(exc) from exc
    except sqlite3.DatabaseError as exc:  # not a database, or a damaged one
        raise _unreadable(exc) from exc


def _check(db: sqlite3.Connection) -> None:
    schema = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    tables = {name for kind, name, sql in schema if kind == "table" and not _virtual(sql)}
    for kind, name, sql in schema:
        if kind == "view":
            raise ZoneError(
                N_(
                    "GeoPackage: '%(name)s' is a view; only plain feature tables are read",
                    name=name,
                )
            )
        if kind == "table" and _virtual(sql) and RTREE not in sql.upper():
            raise ZoneError(_not_plain(name))
    if "gpkg_contents" not in tables:
        return  # not a GeoPackage after all: GDAL says so when it opens it
    for name, data_type in db.execute("SELECT table_name, data_type FROM gpkg_contents"):
        if data_type not in LAYER_TYPES or name not in tables or _computes(db, name):
            raise ZoneError(_not_plain(str(name)))


def _virtual(sql: str | None) -> bool:
    return (sql or "").lstrip().upper().startswith("CREATE VIRTUAL TABLE")


def _computes(db: sqlite3.Connection, table: str) -> bool:
    """Whether the table has generated columns, computed by SQL when read."""
    columns = db.execute("SELECT hidden FROM pragma_table_xinfo(?)", (table,)).fetchall()
    return any(hidden in GENERATED for (hidden,) in columns)


def _not_plain(name: str) -> ZoneError:
    return ZoneError(
        N_(
            "GeoPackage: '%(name)s' is not a plain table; only plain feature tables are read",
            name=name,
        )
    )


def _too_slow() -> str:
    return N_(
        "%(format)s: reading the file took more than %(seconds)s seconds",
        format="GeoPackage",
        seconds=f"{INSPECT_S:g}",
    )


def _unreadable(exc: Exception) -> ZoneError:
    return ZoneError(
        N_(
            "%(format)s: the file could not be read (%(error)s)",
            format="GeoPackage",
            error=str(exc),
        )
    )
