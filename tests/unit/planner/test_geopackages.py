"""A GeoPackage is looked over with SQLite before GDAL opens it: plain tables are read, and
what would make GDAL run SQL of the file's choosing is refused at once."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

import geopandas as gpd
import pytest

from planner.geopackages import inspect_geopackage
from planner.importing import read_zones
from planner.zones import ZoneError
from tests.support import uploads as files


def geopackage(tmp_path: Path, *sql: str) -> Path:
    """The beach zone in a GeoPackage (with its R-tree index), then `sql` run on it."""
    path = tmp_path / "zones.gpkg"
    frame = gpd.GeoDataFrame({"name": ["Beach"]}, geometry=[files.BEACH], crs="EPSG:4326")
    frame.to_file(path, layer="beach", engine="pyogrio")
    with contextlib.closing(sqlite3.connect(path)) as db:
        for statement in sql:
            db.executescript(statement)
        db.commit()
    return path


def test_a_plain_geopackage_with_its_spatial_index_is_read(tmp_path):
    path = geopackage(tmp_path)
    inspect_geopackage(path)
    [zone] = read_zones(path.read_bytes(), "zones.gpkg").zones
    assert zone.name == "Beach"


def test_a_layer_that_is_an_endless_view_is_refused_at_once():
    started = time.monotonic()
    with pytest.raises(ZoneError, match="'endless' is a view; only plain feature tables"):
        read_zones(files.endless_view_geopackage(), "zones.gpkg")
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        pytest.param(
            "ALTER TABLE gpkg_contents RENAME TO contents; CREATE VIEW gpkg_contents AS "
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            "SELECT 'beach' AS table_name, 'features' AS data_type FROM n;",
            "'gpkg_contents' is a view",
            id="contents-as-endless-view",
        ),
        pytest.param(
            "ALTER TABLE beach ADD COLUMN big BLOB "
            "GENERATED ALWAYS AS (zeroblob(900000000)) VIRTUAL;",
            "'beach' is not a plain table",
            id="generated-column",
        ),
        pytest.param(
            "CREATE VIRTUAL TABLE notes USING fts5(body);",
            "'notes' is not a plain table",
            id="virtual-table",
        ),
        pytest.param(
            "UPDATE gpkg_contents SET data_type = 'tiles';",
            "'beach' is not a plain table",
            id="tiles",
        ),
        pytest.param(
            "DELETE FROM gpkg_contents; INSERT INTO gpkg_contents (table_name, data_type, "
            "identifier) VALUES ('nowhere', 'features', 'nowhere');",
            "'nowhere' is not a plain table",
            id="missing-table",
        ),
    ],
)
def test_anything_but_plain_tables_is_refused(tmp_path, sql, message):
    path = geopackage(tmp_path, sql)
    with pytest.raises(ZoneError, match=message):
        inspect_geopackage(path)


def test_a_damaged_file_is_refused_by_name(tmp_path):
    path = tmp_path / "zones.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + bytes(4096))
    with pytest.raises(ZoneError, match="GeoPackage: the file could not be read"):
        inspect_geopackage(path)
