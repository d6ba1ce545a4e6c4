"""`eventwatch tiles fetch`: where the planner's office has internet, the tiles of an event's
area for a zoom range, from a tile server whose terms allow it, into an MBTiles file that the
app then serves with no internet (put it in instance/basemaps/)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import click
import requests
from flask import Flask, current_app
from flask.cli import AppGroup
from shapely.ops import unary_union

from maps import tile_fetch
from maps.mbtiles import MBTilesWriter
from maps.tiles import sniff_format
from planner.models import Event
from web.extensions import db

tiles = AppGroup("tiles", help="Basemap tiles for offline maps.")


def _area(event: Event, margin_m: float) -> tuple[float, ...]:
    if event.zones:
        bounds = unary_union([z.geometry for z in event.zones]).bounds
    elif event.center_lat is not None:
        bounds = (event.center_lon, event.center_lat, event.center_lon, event.center_lat)
    else:
        raise click.ClickException("the event has no zones and no place: draw or import its zones")
    return tile_fetch.widen(bounds, margin_m)


def user_agent(contact: str | None) -> str:
    if not contact:
        raise click.ClickException(
            "set TILE_FETCH_CONTACT (an e-mail or web page where the tile server's operator "
            "can reach you): tile servers ask every client to say who it is"
        )
    name = current_app.config.get("CAP_SENDER") or socket.gethostname()
    return f"eventwatch/0.1 tile fetch ({name}; {contact})"


def _getter(agent: str) -> tile_fetch.Get:
    session = requests.Session()
    session.headers["User-Agent"] = agent

    def get(url: str) -> tuple[int, dict[str, str], bytes]:
        try:
            answer = session.get(url, timeout=(10, 30))
        except requests.RequestException as exc:
            raise OSError(str(exc)) from exc
        return answer.status_code, dict(answer.headers), answer.content

    return get


@tiles.command("fetch")
@click.option(
    "--event", "event_id", type=int, required=True, help="The event whose zones to cover."
)
@click.option(
    "--zoom", "zooms", default="12-16", show_default=True, help="Zoom levels, e.g. 12-16."
)
@click.option("--url", required=True, help="Tile URL with {z}, {x} and {y}.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--margin", "margin_m", default=500.0, show_default=True, help="Metres around the zones."
)
@click.option("--rate", type=float, default=None, help="Requests a second [TILE_FETCH_RATE, 2].")
@click.option("--attribution", default="", help="Whose map it is, as its terms ask to say.")
@click.option("--force", is_flag=True, help="Fetch even above TILE_FETCH_MAX_TILES.")
def fetch(event_id, zooms, url, out, margin_m, rate, attribution, force):
    """Fetch the tiles around an event's zones into an MBTiles file; run again to resume."""
    config = current_app.config
    agent = user_agent(config["TILE_FETCH_CONTACT"])
    try:
        url, levels = tile_fetch.check_url(url), tile_fetch.parse_zooms(zooms)
    except tile_fetch.FetchError as exc:
        raise click.ClickException(str(exc)) from exc
    rate = rate or config["TILE_FETCH_RATE"]
    if not 0 < rate <= 2 and not force:
        raise click.ClickException("the rate is more than 2 requests a second: add --force")
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"there is no event {event_id}")
    area = _area(event, margin_m)
    total, limit = tile_fetch.count(area, levels), config["TILE_FETCH_MAX_TILES"]
    click.echo(f"{total} tiles at zooms {levels.start}-{levels.stop - 1} around {event.name!r}")
    if total > limit and not force:
        raise click.ClickException(
            f"{total} tiles is more than TILE_FETCH_MAX_TILES ({limit}): narrow the zooms, "
            "or add --force if the server's terms allow it"
        )
    writer = MBTilesWriter(out)
    polite = tile_fetch.Polite(_getter(agent), time.sleep, time.time, rate=rate)
    try:
        report = tile_fetch.fetch_tiles(
            tile_fetch.covering(area, levels), url, have=writer.has, put=writer.put, polite=polite
        )
    except tile_fetch.FetchError as exc:
        message = f"{exc} (what was fetched is kept: run again to resume)"
        raise click.ClickException(message) from exc
    finally:
        writer.close()
    _describe(out, area, levels, attribution or f"Tiles: {url.split('/')[2]}", event.name)
    click.echo(
        f"fetched {report.fetched}, already there {report.present}, none on the server "
        f"{report.missing}, {report.requests} requests: {out}"
    )


def _describe(out: Path, area, levels: range, attribution: str, name: str) -> None:
    import sqlite3

    with sqlite3.connect(out) as db_file:
        first = db_file.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
    writer = MBTilesWriter(out)
    writer.set_metadata(
        {
            "name": name,
            "format": sniff_format(bytes(first[0])) if first else "png",
            "minzoom": levels.start,
            "maxzoom": levels.stop - 1,
            "bounds": ",".join(f"{v:.6f}" for v in area),
            "attribution": attribution,
            "type": "baselayer",
        }
    )
    writer.close()


def init_app(app: Flask) -> None:
    app.cli.add_command(tiles)
