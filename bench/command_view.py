"""Benchmark: the command view page against a plain folium map of the same zones and threats.

    python bench/command_view.py [--zones 100] [--threats 5000 10000] [--repeats 3] [--seed 1]

Per size: a fresh instance folder seeded with SQLAlchemy (an event, random star-shaped zones
along the Chicago lakefront, open threats in or near them, a commander), `python app.py` on it
(DEMO=false, SCHEDULER=false), a login through the page, then /events/<id>/command loaded by
headless Chromium with a cold cache. The baseline is folium as usually used (folium.GeoJson
zones, a CircleMarker with a popup per threat) saved to a file served by `python -m
http.server` on 127.0.0.1, its CDN tags rewritten: Leaflet to the app's static/vendor/leaflet;
jQuery, Bootstrap, Font Awesome and awesome-markers dropped (no offline copies; only the
popups' `$(html)[0]` needs one, and gets a one-line stand-in). Any request that leaves
127.0.0.1 stops the run.

Page: document, scripts, style sheets, images. Initial data: the Socket.IO snapshot and the
page's fetch() calls (the baseline embeds its data). On the wire: all of it as sent, the
snapshot deflated if the socket negotiated permessage-deflate. First render: performance.now()
(from navigation start) at the first animation frame after every zone polygon and threat
marker is on the Leaflet map and painted (up to a frame, ~17 ms, late): what the browser
shows, end to end, from the request for the page. Median of --repeats cold loads, with that
load's phases; first load: the first of them, for the command view the server's first viewer
of the event (its snapshot not yet kept, maps.snapshot_service). Each load is a new browser
context: no cache, no cookies but the login's. The app answers compressed as Chromium asks
(gzip on http://); folium's page is served by http.server as it is. kB = 1000 bytes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import folium
import numpy as np
import shapely
from playwright.sync_api import sync_playwright
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from accounts.services import create_user
from common.times import utcnow
from common.writes import Write
from maps.live_service import publish
from maps.render import ZONE_COLOURS
from planner.event_service import create_event
from planner.zone_service import create_zone
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, free_port
from threats.matching import ZoneIndex
from threats.models import Threat
from web.database import upgrade_database

ROOT = Path(__file__).resolve().parents[1]
SHORE = ((41.86, -87.611), (41.912, -87.624), (41.95, -87.632))  # lat, lon along the lake
M_PER_DEG_LAT = 111_320.0
ZONE_KINDS = {"crowd": 40, "gate": 15, "medical": 10, "staging": 10, "vip": 5, "water": 7}
ZONE_KINDS |= {"perimeter": 5, "command_post": 3}
INCIDENTS = ("Medical call", "Lost child", "Suspicious package", "Fight", "Crowd pressure")
INCIDENTS += ("Drone sighting", "Heat exhaustion", "Unattended bag", "Person in water")
CATEGORIES = {"incident": 70, "security": 15, "watchlist": 10, "met": 5}
SEVERITIES = {"minor": 50, "moderate": 30, "severe": 15, "extreme": 5}
STATUSES = {"new": 60, "acknowledged": 30, "assigned": 10}
STAY_OFF = "Keep spectators off the beach and the revetment until it passes."
FILLS = {"extreme": "#7b0000", "severe": "#d62728", "moderate": "#ff7f0e", "minor": "#e6c300"}
RINGS = {"met": "#1f6fd1", "security": "#111", "watchlist": "#8e44ad", "incident": "#555"}
USER, PASSWORD = "bench-commander", "lakefront-bench-2027"
SNAPSHOT = '42/live,["snapshot"'
CDN_TAG = re.compile(
    r'\s*<(?:script|link)\b[^>]*?(?:src|href)="(https?://[^"]+)"[^>]*>' r"(</script>)?"
)
JQUERY_STAND_IN = (  # folium's popups call $(html)[0]; nothing else on the map uses jQuery
    "<script>window.$ = (html) => { const t = document.createElement('template'); "
    "t.innerHTML = html; return t.content.children; };</script>"
)
PROBE = """((want) => {
  const bench = { open: null, snapshot: null, decoded: null, applied: null, drawn: null };
  window.__bench = bench;
  window.WebSocket = class extends window.WebSocket {
    constructor(...args) {
      super(...args);
      let handler = null; // socket.io sets onmessage: wrapped here to time the snapshot
      Object.defineProperty(this, "onmessage", { get: () => handler, set: (f) => (handler = f) });
      this.addEventListener("open", () => (bench.open = bench.open || performance.now()));
      this.addEventListener("message", (event) => {
        const first = !bench.snapshot && String(event.data).startsWith(SNAPSHOT);
        if (first) bench.snapshot = performance.now();
        if (handler) handler.call(this, event);
        if (!first) return;
        bench.decoded = performance.now(); // socket.io decodes at once, emits on a microtask
        queueMicrotask(() => (bench.applied = performance.now()));
      });
    }
  };
  const count = (map, type) => {
    let n = 0;
    map.eachLayer((layer) => (n += layer instanceof type));
    return n;
  };
  // Either page's map, as Leaflet makes it: folium's is a global, ours a module's (map.js).
  let leaflet, map = null;
  Object.defineProperty(window, "L", { configurable: true, get: () => leaflet, set: (value) => {
    leaflet = value;
    value.Map.addInitHook(function () { map = this; });
  } });
  function watch() {
    const all = map && count(map, L.CircleMarker) >= want.markers; // map: set once L.map runs
    if (!all || count(map, L.Polygon) < want.zones) return requestAnimationFrame(watch);
    requestAnimationFrame(() => (bench.drawn = performance.now())); // after the painting frame
  }
  requestAnimationFrame(watch);
})(WANT);""".replace("SNAPSHOT", json.dumps(SNAPSHOT))
PHASES = """() => { const nav = performance.getEntriesByType("navigation")[0];
  return { ...window.__bench, html: nav.responseEnd, dom: nav.domContentLoadedEventEnd }; }"""
PHASE_HEADS = {"html": "HTML in", "dom": "DOM ready", "open": "socket open"}
PHASE_HEADS |= {"snapshot": "snapshot in", "decoded": "decoded", "applied": "applied"}
PHASE_HEADS |= {"drawn": "drawn"}
SIZE_HEADS = ["page kB", "initial data kB", "total kB", "on the wire kB", "first render ms"]
SIZE_HEADS += ["first load ms", "total ours/folium", "wire ours/folium", "render ours/folium"]
TARGET_MS = 500  # first render, median


def choose(table: dict, n: int, rng: np.random.Generator) -> list[str]:
    weights = np.array(list(table.values()), dtype=float)
    return rng.choice(list(table), n, p=weights / weights.sum()).tolist()


def random_zones(n: int, rng: np.random.Generator) -> list[dict]:
    """Star-shaped polygons, median radius 120 m (30 to 600 m), on and beside the lakefront."""
    lat = rng.uniform(SHORE[0][0], SHORE[-1][0], n)
    lon = np.interp(lat, *zip(*SHORE, strict=True)) + rng.uniform(-0.012, 0.003, n)
    radius_m = np.clip(rng.lognormal(np.log(120.0), 0.6, n), 30.0, 600.0)
    zones = []
    for i, kind in enumerate(choose(ZONE_KINDS, n, rng)):
        angle = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(6, 13))))
        r = radius_m[i] * rng.uniform(0.6, 1.0, angle.size) / M_PER_DEG_LAT
        xs = lon[i] + r * np.cos(angle) / np.cos(np.radians(lat[i]))
        ring = np.column_stack([xs, lat[i] + r * np.sin(angle)]).round(6).tolist()
        props = {"name": f"{kind.replace('_', ' ').title()} {i + 1}", "kind": kind}
        geometry = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        zones.append({"type": "Feature", "properties": props, "geometry": geometry})
    return zones


def random_threats(n: int, zones: list[dict], rng: np.random.Generator) -> list[dict]:
    """Threat fields, at a point in a random zone's bounding box or up to a third past it."""
    bounds = np.array([shapely.geometry.shape(z["geometry"]).bounds for z in zones])
    minx, miny, maxx, maxy = bounds[rng.integers(0, len(zones), n)].T
    xs = minx + rng.uniform(-0.3, 1.3, n) * (maxx - minx)
    ys = miny + rng.uniform(-0.3, 1.3, n) * (maxy - miny)
    columns = {"kind": choose(dict.fromkeys(INCIDENTS, 1), n, rng)}
    columns |= {"category": choose(CATEGORIES, n, rng), "severity": choose(SEVERITIES, n, rng)}
    columns |= {"status": choose(STATUSES, n, rng)}
    now, minutes = utcnow(), rng.integers(0, 600, n).tolist()
    threats = []
    for i, row in enumerate(zip(*columns.values(), strict=True)):
        t = dict(zip(columns, row, strict=True), source="Lakefront incidents")
        t["description"] = (
            f"{t['kind']} at {ys[i]:.5f}, {xs[i]:.5f}, called in by a {t['category']} "
            "post; nearest unit advised, caller still on scene"
        )
        t |= {"title": t["description"][:48], "source_id": f"LFS-{i:06d}"}
        t |= {"instruction": STAY_OFF if t["category"] == "met" else ""}
        seen = now - timedelta(minutes=minutes[i])
        t |= {"sent_at": seen, "first_seen": seen, "updated_at": seen}
        threats.append(t | {"geometry": shapely.Point(xs[i], ys[i])})
    return threats


def seed(folder: Path, zones: list[dict], threats: list[dict]) -> int:
    """The schema, the event, its zones and threats, and the commander; the event's id."""
    engine = create_engine(f"sqlite:///{folder / 'eventwatch.db'}")
    upgrade_database(engine)
    now = utcnow()
    event = {"name": "Lakefront bench", "timezone": "America/Chicago"}
    event |= {"starts_at": str(now - timedelta(hours=2)), "ends_at": str(now + timedelta(hours=9))}
    with Session(engine) as session:
        w = Write(session, "bench", utcnow(), publish)
        event = create_event(w, event).result
        stored = [create_zone(w, event, z).result for z in zones]
        index = ZoneIndex.of([(z.id, z.geometry) for z in stored])
        points = [t["geometry"] for t in threats]
        at, zone_ids = index.match_points([p.x for p in points], [p.y for p in points])
        inside = [[] for _ in threats]
        for i, zone_id in zip(at.tolist(), zone_ids.tolist(), strict=True):
            inside[i].append(zone_id)
        rows = zip(threats, inside, strict=True)
        session.add_all(Threat(event_id=event.id, zone_ids=z, **t) for t, z in rows)
        create_user(w, USER, "commander", agency="CPD", password=PASSWORD)
        session.commit()
        event_id = event.id
    engine.dispose()
    return event_id


@contextlib.contextmanager
def running(name: str, argv: list[str], folder: Path, env: dict, ready: str):
    """A child process, logged to folder/<name>.log, from when `ready` answers to the end."""
    log_path = folder / f"{name}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while not answers(ready):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{argv} did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
            yield
        finally:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
            proc.kill()
            proc.wait()


def answers(url: str) -> bool:
    with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200
    return False


def app_env(folder: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"INSTANCE_PATH": str(folder), "PORT": str(port), "HOST": "127.0.0.1"}
    return env | {"DEMO": "false", "SCHEDULER": "false", "MAP_TILES_URL": ""}


def folium_page(zones: list[dict], threats: list[dict]) -> str:
    """The baseline as folium users write it: GeoJson zones, a CircleMarker per threat."""
    m = folium.Map(tiles=None)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": zones},
        style_function=lambda f: {"color": ZONE_COLOURS[f["properties"]["kind"]], "weight": 2},
        tooltip=folium.GeoJsonTooltip(fields=["name", "kind"]),
    ).add_to(m)
    for t in threats:
        ring, fill = RINGS[t["category"]], FILLS[t["severity"]]
        where = (t["geometry"].y, t["geometry"].x)
        folium.CircleMarker(
            where, 9, t["title"], color=ring, weight=3, fill_color=fill, fill_opacity=0.95
        ).add_to(m)
    xs, ys = zip(*(p for z in zones for p in z["geometry"]["coordinates"][0]), strict=True)
    m.fit_bounds([[min(ys), min(xs)], [max(ys), max(xs)]])
    return local_only(m.get_root().render())


def local_only(page: str) -> str:
    """Leaflet from the app's vendored copy; every other CDN tag dropped."""

    def swap(tag: re.Match) -> str:
        name = tag[1].rsplit("/", 1)[-1]
        keep = "/leaflet@" in tag[1] and name in ("leaflet.js", "leaflet.css")
        return tag[0].replace(tag[1], f"vendor/leaflet/{name}") if keep else ""

    return CDN_TAG.sub(swap, page).replace("<head>", "<head>\n" + JQUERY_STAND_IN, 1)


def login(browser, url: str) -> dict:
    """Log the commander in through the login page; the cookies, for cold-cache contexts."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    state = context.storage_state()
    context.close()
    return state


def load(browser, url: str, want: dict, state: dict | None = None) -> dict:
    """One cold load: phase times in ms from navigation start, and bytes."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, storage_state=state)
    page = context.new_page()
    page.add_init_script(PROBE.replace("WANT", json.dumps(want)))
    responses, frames, strays, deflate = [], [], [], watch_deflate(context, page)
    local = ("127.0.0.1", None)  # None: data: URLs
    page.on("request", lambda r: urlsplit(r.url).hostname in local or strays.append(r.url))
    page.on("response", lambda response: responses.append(response))
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
    page.goto(url, wait_until="commit")
    deadline = time.monotonic() + 180
    while (phases := page.evaluate(PHASES))["drawn"] is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"not drawn after 180 s: {url} {phases}")
        page.wait_for_timeout(50)
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=10_000)  # the page's own fetch() calls
    if strays:
        raise RuntimeError(f"requests that left 127.0.0.1: {strays[:5]}")
    phases |= byte_counts(responses, frames, any(deflate))
    context.close()
    return phases


def watch_deflate(context, page) -> list[bool]:
    """Whether each WebSocket of the page negotiated permessage-deflate (CDP sees headers)."""
    found, cdp = [], context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on(
        "Network.webSocketHandshakeResponseReceived",
        lambda e: found.append("permessage-deflate" in json.dumps(e["response"]).lower()),
    )
    return found


def byte_counts(responses: list, frames: list, deflate: bool) -> dict:
    """Decoded bytes of the page and of its initial data; all of it as sent on the wire, the
    snapshot as wsproto deflates it (zlib level 6) when the socket negotiated that."""
    page = data = sent = 0
    for response in responses:
        if response.ok and not urlsplit(response.url).path.startswith("/socket.io/"):
            size, sent = len(response.body()), sent + response.request.sizes()["responseBodySize"]
            if response.request.resource_type in ("fetch", "xhr"):
                data += size
            else:
                page += size
    snapshot = next((f for f in frames if isinstance(f, str) and f.startswith(SNAPSHOT)), "")
    wire = len(snapshot.encode())
    if deflate and snapshot:
        compressor = zlib.compressobj(wbits=-15)
        wire = len(compressor.compress(snapshot.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)) - 4
    return {"page": page, "data": data + len(snapshot.encode()), "wire": sent + wire}


def measure(browser, zones: list[dict], count: int, args, rng) -> tuple[dict, dict]:
    """The command view and the folium baseline for one number of threats."""
    threats, want = random_threats(count, zones, rng), {"zones": len(zones), "markers": count}

    def median_load(url: str, state: dict | None = None) -> dict:
        runs = [load(browser, url, want, state) for _ in range(args.repeats)]
        median = sorted(runs, key=lambda run: run["drawn"])[len(runs) // 2]
        return median | {"first": runs[0]["drawn"]}  # the server's first viewer

    with tempfile.TemporaryDirectory(prefix="command-view-") as tmp:
        folder, port = Path(tmp), free_port()
        event_id, url = seed(folder, zones, threats), f"http://127.0.0.1:{port}"
        app = [sys.executable, "app.py"]
        with running("app", app, folder, app_env(folder, port), url + "/healthz"):
            ours = median_load(f"{url}/events/{event_id}/command", login(browser, url))
        (folder / "map.html").write_text(folium_page(zones, threats), encoding="utf-8")
        (folder / "vendor").symlink_to(ROOT / "static" / "vendor")
        server = [sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", tmp, str(port)]
        with running("baseline", server, folder, dict(os.environ), url + "/map.html"):
            return ours, median_load(url + "/map.html")


def table(heads: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(line[i]) for line in [heads, *rows]) for i in range(len(heads))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + " |")


def report(args, results: dict[int, tuple[dict, dict]], seconds: float) -> None:
    """Sizes and times of both maps per size, ratios on the baseline's row; then phases."""
    print(
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {platform.platform()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, folium "
        f"{folium.__version__}, Chromium {args.chromium}; {args.zones} zones, seed "
        f"{args.seed}, median of {args.repeats} cold loads; the run took {seconds:.0f} s\n"
    )
    sizes, phases, total = [], [], lambda run: run["page"] + run["data"]
    for count, (ours, base) in results.items():
        ratios = [total(ours) / total(base), ours["wire"] / base["wire"]]
        ratios = [f"{r:.2f}x" for r in [*ratios, ours["drawn"] / base["drawn"]]]
        for name, run, extra in (("command view", ours, [""] * 3), ("folium", base, ratios)):
            kb = [f"{n / 1e3:,.0f}" for n in (run["page"], run["data"], total(run), run["wire"])]
            drawn = [f"{run['drawn']:,.0f}", f"{run['first']:,.0f}"]
            sizes.append([f"{count:,}", name, *kb, *drawn, *extra])
            times = [run[k] for k in PHASE_HEADS]
            phases.append([f"{count:,}", name, *("-" if t is None else f"{t:,.0f}" for t in times)])
    table(["threats", "map", *SIZE_HEADS], sizes)
    print("\nPhases in ms from navigation start (socket open to snapshot in: the join)\n")
    table(["threats", "map", *PHASE_HEADS.values()], phases)
    count, (ours, _) = max(results.items())
    print(f"\nTarget 'a {count:,}-threat map page < 1 MB':")
    for what, size in (("decoded", total(ours)), ("on the wire", ours["wire"])):
        print(f"  {what}: {size / 1e6:.2f} MB, {'holds' if size < 1e6 else 'does NOT hold'}")
    met = "holds" if ours["drawn"] < TARGET_MS else "does NOT hold"
    drawn = f"{ours['drawn']:,.0f} ms"
    print(f"Target 'first render < {TARGET_MS} ms' at {count:,} threats: {drawn}, {met}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=100)
    parser.add_argument("--threats", type=int, nargs="+", default=[5000, 10000])
    parser.add_argument("--repeats", type=int, default=3, help="cold loads per map; the median")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started, rng = time.monotonic(), np.random.default_rng(args.seed)
    zones, results = random_zones(args.zones, rng), {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        args.chromium = browser.version
        for count in args.threats:
            print(f"measuring {count:,} threats ...", file=sys.stderr, flush=True)
            results[count] = measure(browser, zones, count, args, rng)
        browser.close()
    report(args, results, time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
