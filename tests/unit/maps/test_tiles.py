"""MBTiles and PMTiles read back what a file written from the specifications holds."""

from __future__ import annotations

import gzip
import sqlite3
from contextlib import closing

import pytest

from maps import basemaps
from maps.pmtiles import tile_id
from maps.tiles import TileFileError, open_tiles, plain_text
from tests.support.tilefiles import hilbert_id, png_tile, write_mbtiles, write_pmtiles

RED, BLUE, GREEN = png_tile((200, 40, 40), 8), png_tile((40, 40, 200), 8), png_tile((0, 150, 0), 8)
TILES = {(0, 0, 0): RED, (1, 0, 1): BLUE, (14, 4203, 6087): GREEN}


def test_the_hilbert_ids_match_the_specifications_first_tiles_and_an_independent_curve():
    assert [tile_id(1, 0, 0), tile_id(1, 0, 1), tile_id(1, 1, 1), tile_id(1, 1, 0)] == [1, 2, 3, 4]
    for z in range(6):
        ids = {tile_id(z, x, y) for x in range(1 << z) for y in range(1 << z)}
        assert ids == set(range((4**z - 1) // 3, (4 ** (z + 1) - 1) // 3))
        assert all(
            tile_id(z, x, y) == hilbert_id(z, x, y) for x in range(1 << z) for y in range(1 << z)
        )
    assert tile_id(14, 4203, 6087) == hilbert_id(14, 4203, 6087)


def test_mbtiles_flips_rows_and_reads_its_metadata(tmp_path):
    path = write_mbtiles(
        tmp_path / "lake.mbtiles",
        TILES,
        {
            "format": "png",
            "minzoom": "0",
            "maxzoom": "14",
            "bounds": "-87.7,41.85,-87.55,41.95",
            "attribution": '<a href="https://x.example" onclick="x()">© Lake &amp; Co</a>',
            "name": "Lakefront",
        },
    )
    reader = open_tiles(path)
    d = reader.description
    reader.close()
    reader = open_tiles(path)  # closed and opened again: nothing is held between
    assert (d.format, d.minzoom, d.maxzoom, d.vector) == ("png", 0, 14, False)
    assert d.bounds == (-87.7, 41.85, -87.55, 41.95)
    assert d.attribution == "© Lake & Co" and d.title == "Lakefront"
    assert reader.tile(1, 0, 1) == BLUE  # stored at TMS row 0
    assert reader.tile(1, 0, 0) is None
    assert reader.tile(14, 4203, 6087) == GREEN
    assert reader.tile(30, 0, 0) is None and reader.tile(1, 2, 0) is None


def test_mbtiles_without_metadata_takes_format_and_zooms_from_its_tiles(tmp_path):
    reader = open_tiles(write_mbtiles(tmp_path / "bare.mbtiles", {(3, 1, 2): RED, (5, 3, 4): BLUE}))
    d = reader.description
    assert (d.format, d.minzoom, d.maxzoom) == ("png", 3, 5)
    assert d.bounds == (-180.0, -85.0511, 180.0, 85.0511)


@pytest.mark.parametrize("leaves", [False, True])
def test_pmtiles_finds_tiles_in_the_root_and_in_leaf_directories(tmp_path, leaves):
    path = write_pmtiles(
        tmp_path / "lake.pmtiles",
        TILES,
        metadata={"attribution": "<b>© Lake</b>", "name": "Lake"},
        leaves=leaves,
    )
    with closing(open_tiles(path)) as reader:
        d = reader.description
        assert (d.format, d.minzoom, d.maxzoom, d.attribution) == ("png", 0, 14, "© Lake")
        assert d.bounds == pytest.approx((-87.7, 41.85, -87.55, 41.95))
        for (z, x, y), data in TILES.items():
            assert reader.tile(z, x, y) == data
        assert reader.tile(1, 1, 1) is None and reader.tile(14, 4203, 6088) is None


def test_pmtiles_vector_tiles_say_they_are_gzipped(tmp_path):
    mvt = gzip.compress(b"\x1a\x05\x0a\x03abc")
    path = write_pmtiles(tmp_path / "v.pmtiles", {(2, 1, 1): mvt}, tile_type=1, tile_compression=2)
    with closing(open_tiles(path)) as reader:
        assert reader.description.vector and reader.gzipped
        assert reader.tile(2, 1, 1) == mvt


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("junk.mbtiles", b"this is no database at all" * 10, "not an MBTiles file"),
        ("junk.pmtiles", b"GIF89a" + b"\0" * 200, "not a PMTiles file"),
        ("cut.pmtiles", None, "cut short"),
        ("notes.txt", b"hello", ".mbtiles or .pmtiles"),
    ],
)
def test_a_file_that_is_no_basemap_is_refused_by_name(tmp_path, name, content, error):
    path = tmp_path / name
    if content is None:  # a real PMTiles file cut in its directory
        whole = write_pmtiles(tmp_path / "whole.pmtiles", TILES).read_bytes()
        content = whole[:140]
    path.write_bytes(content)
    with pytest.raises(TileFileError, match=error):
        open_tiles(path)


def test_an_empty_mbtiles_is_refused(tmp_path):
    path = tmp_path / "empty.mbtiles"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
    db.commit()
    db.close()
    with pytest.raises(TileFileError, match="holds no tiles"):
        open_tiles(path)


def test_the_folder_lists_readable_and_unreadable_files_and_finds_by_name(tmp_path):
    write_mbtiles(tmp_path / "lake.mbtiles", TILES, {"format": "png"})
    (tmp_path / "broken.pmtiles").write_bytes(b"nope")
    (tmp_path / "../outside.mbtiles").write_bytes(b"x")
    listed = {b.name: b for b in basemaps.list_basemaps(tmp_path)}
    assert set(listed) == {"lake", "broken"}
    assert listed["lake"].ext == "png" and "not a PMTiles file" in listed["broken"].error
    found, reader = basemaps.find(tmp_path, "lake")
    assert found.description.format == "png"
    assert reader.tile(0, 0, 0) == RED
    assert basemaps.find(tmp_path, "broken") is None
    assert basemaps.find(tmp_path, "../outside") is None


def test_attribution_is_plain_text():
    assert plain_text('<script>alert(1)</script>© <a href="x">OSM</a>') == "alert(1)© OSM"
    assert plain_text(None) == ""
