"""A zone file read in a process of its own: the same report as reading it here, messages
still sayable in any language, and a deadline that really stops the reader."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from shapely.geometry import mapping

from common.messages import Joined, Text
from planner import reading
from planner.importing import read_zones
from planner.zones import ZoneError
from tests.support import uploads as files


def test_the_reading_process_answers_what_reading_here_does():
    here = read_zones(files.sample_geojson(), "zones.geojson")
    there = reading.read_zone_file(files.sample_geojson(), "zones.geojson")
    assert there.source_crs == here.source_crs
    assert [(z.name, z.kind, z.density, z.notes) for z in there.zones] == [
        (z.name, z.kind, z.density, z.notes) for z in here.zones
    ]
    pairs = zip(there.zones, here.zones, strict=True)
    assert all(z.geometry.equals_exact(h.geometry, 0) for z, h in pairs)
    assert [z.area_m2 for z in there.zones] == [z.area_m2 for z in here.zones]
    assert there.warnings == here.warnings
    [warning] = there.warnings  # the bow tie, repaired: a message the web layer translates
    assert (
        isinstance(warning, Text)
        and warning.template == "%(label)s: %(repair)s repaired (make_valid)"
    )
    assert isinstance(warning.values["label"], Text)


def test_a_refusal_keeps_its_message_whole():
    spike = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}
    data = files.geojson_bytes(
        ({"name": "Spike"}, spike), ({"name": "Beach"}, mapping(files.BEACH))
    )
    with pytest.raises(ZoneError) as here:
        read_zones(data, "zones.geojson")
    with pytest.raises(ZoneError) as there:
        reading.read_zone_file(data, "zones.geojson")
    said = there.value.args[0]
    assert said == here.value.args[0]
    assert said.plural == "%(num)d features refused: %(reasons)s" and said.values["num"] == 1
    assert isinstance(said.values["reasons"], Joined)


def test_a_reader_past_its_deadline_is_stopped_and_gone():
    with pytest.raises(ZoneError, match=r"GeoJSON: reading the file took more than 0\.3 seconds"):
        reading.read_zone_file(files.sample_geojson(), "zones.geojson", timeout_s=0.3)
    assert readers_of(os.getpid()) == []


def readers_of(parent: int) -> list[int]:
    """Processes of ours still running `python -m planner.reading`."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            status = (proc / "status").read_text()
            command = (proc / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if f"PPid:\t{parent}\n" in status and b"planner.reading" in command:
            found.append(int(proc.name))
    return found


def test_the_reader_gets_no_secret_or_proxy_of_the_app(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://user:secret@db/eventwatch")
    monkeypatch.setenv("SECRET_KEY", "secret")
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    env = reading._reader_env()
    assert not {"DATABASE_URL", "SECRET_KEY", "no_proxy", "HTTPS_PROXY"} & set(env)
    assert env["PROJ_NETWORK"] == "OFF"
