"""`eventwatch tiles fetch` against a real tile server on 127.0.0.1, then the file it made
served by the app."""

from __future__ import annotations

import threading
import time
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path

import pytest

from maps.tiles import open_tiles
from tests.factories import db_session, make_event, make_fixture_zones
from tests.support.tilefiles import png_tile

CONTACT = "gis-desk@lakefront-city.example"


class TileServer:
    """Serves /tiles/{z}/{x}/{y}.png, a PNG coloured by its address; answers the first
    request 429 with Retry-After: 1; counts what it was asked and who asked."""

    def __init__(self):
        self.paths, self.agents, self.times = [], set(), []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.paths.append(self.path)
                server.times.append(time.monotonic())
                server.agents.add(self.headers.get("User-Agent"))
                if len(server.paths) == 1:
                    self.send_response(429)
                    self.send_header("Retry-After", "1")
                    self.end_headers()
                    return
                z, x, y = (int(v) for v in self.path.removesuffix(".png").split("/")[-3:])
                body = png_tile((z * 10 % 256, x % 256, y % 256), 8)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/tiles/{{z}}/{{x}}/{{y}}.png"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def tile_server():
    server = TileServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def event_id(app) -> int:
    app.config["TILE_FETCH_CONTACT"] = CONTACT
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        session.commit()
        return event.id


def fetch(app, *args: str):
    return app.test_cli_runner().invoke(args=["tiles", "fetch", *args])


def test_the_fetch_is_polite_resumable_and_its_file_is_served(app, tile_server, event_id, login):
    out = Path(app.config["INSTANCE_PATH"]) / "basemaps" / "fetched.mbtiles"
    args = ["--event", str(event_id), "--zoom", "13-14", "--url", tile_server.url]
    result = fetch(app, *args, "--out", str(out), "--margin", "200")
    assert result.exit_code == 0, result.output
    with closing(open_tiles(out)) as reader:
        d = reader.description
    asked = len(tile_server.paths)
    assert f"{asked - 1} tiles at zooms 13-14" in result.output  # the estimate, said first
    assert f"fetched {asked - 1}, already there 0" in result.output
    assert tile_server.agents == {
        f"eventwatch/0.1 tile fetch ({app.config['CAP_SENDER']}; {CONTACT})"
    }
    assert tile_server.times[1] - tile_server.times[0] >= 1.0  # Retry-After honoured
    gaps = [b - a for a, b in pairwise(tile_server.times[1:])]
    # at most two requests a second, as the server saw them arrive (a loaded machine may
    # bring one in a little late, and the next on time)
    assert (tile_server.times[-1] - tile_server.times[1]) / len(gaps) >= 0.49
    assert min(gaps) >= 0.3
    assert (d.format, d.minzoom, d.maxzoom) == ("png", 13, 14)

    again = fetch(app, *args, "--out", str(out), "--margin", "200")
    assert again.exit_code == 0 and len(tile_server.paths) == asked  # nothing asked twice
    assert f"already there {asked - 1}" in again.output

    z, x, y = tile_server.paths[-1].removesuffix(".png").split("/")[-3:]
    answer = login("commander").client.get(f"/basemaps/fetched/{z}/{x}/{y}.png")
    assert answer.status_code == 200 and answer.content_type == "image/png"
    assert answer.data == png_tile((int(z) * 10 % 256, int(x) % 256, int(y) % 256), 8)


@pytest.mark.parametrize(
    ("extra", "config", "words"),
    [
        ([], {"TILE_FETCH_CONTACT": None}, "set TILE_FETCH_CONTACT"),
        ([], {"TILE_FETCH_MAX_TILES": 3}, "is more than TILE_FETCH_MAX_TILES (3)"),
        (["--rate", "10"], {}, "more than 2 requests a second"),
        (["--zoom", "16-12"], {}, "zooms are written like 12-16"),
    ],
)
def test_the_fetch_refuses_before_asking_anything(app, tile_server, event_id, extra, config, words):
    app.config.update(config)
    out = Path(app.config["INSTANCE_PATH"]) / "refused.mbtiles"
    args = [
        "--event",
        str(event_id),
        "--url",
        tile_server.url,
        "--out",
        str(out),
        "--zoom",
        "13-14",
    ]
    result = fetch(app, *args, *extra)
    assert result.exit_code == 1 and words in result.output
    assert tile_server.paths == [] and not out.exists()


def test_openstreetmaps_own_tile_server_is_refused_with_the_reason(app, event_id, tmp_path):
    url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    result = fetch(
        app, "--event", str(event_id), "--url", url, "--out", str(tmp_path / "o.mbtiles")
    )
    assert result.exit_code == 1
    assert "tile usage policy" in result.output and "forbids bulk downloading" in result.output
