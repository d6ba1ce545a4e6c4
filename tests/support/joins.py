"""Many real Socket.IO clients joining one event at the same moment, and large legal zones
for them to be sent: what a shift change at a command post looks like to the server."""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass

import socketio
from shapely.geometry import Polygon

from planner.zones import MAX_ZONE_VERTICES


@dataclass(frozen=True)
class Joined:
    ok: bool
    snapshot_bytes: int  # the snapshot as the server sent it (its JSON), 0 when none came
    error: str = ""


def jagged_ring(lon: float, lat: float, radius_m: float, vertices: int) -> Polygon:
    """A round zone of `vertices` vertices whose edge zigzags by a metre: a surveyed fence
    line, which no simplification of a smooth circle would stand for."""
    points = []
    for n in range(vertices):
        angle = 2 * math.pi * n / vertices
        r = radius_m + (1.0 if n % 2 else -1.0)
        dx, dy = r * math.cos(angle), r * math.sin(angle)
        points.append((lon + dx / (111_320 * math.cos(math.radians(lat))), lat + dy / 110_540))
    return Polygon(points)


def largest_legal_zone(lon: float, lat: float) -> Polygon:
    return jagged_ring(lon, lat, 400, MAX_ZONE_VERTICES - 1)  # the ring closes on itself


def join_all(url: str, token: str, event_id: int, count: int, timeout: float) -> list[Joined]:
    """`count` clients connect and join at once; each waits for its snapshot."""
    return asyncio.run(_join_all(url, token, event_id, count, timeout))


async def _join_all(url, token, event_id, count, timeout) -> list[Joined]:
    return await asyncio.gather(*(_join_one(url, token, event_id, timeout) for _ in range(count)))


async def _join_one(url: str, token: str, event_id: int, timeout: float) -> Joined:
    client = socketio.AsyncClient(reconnection=False)
    got: asyncio.Future = asyncio.get_running_loop().create_future()

    def on_snapshot(raw) -> None:
        if not got.done():
            got.set_result(raw)

    client.on("snapshot", on_snapshot, namespace="/live")
    try:
        await client.connect(
            url,
            namespaces=["/live"],
            transports=["websocket"],
            auth={"token": token},
            wait_timeout=timeout,
        )
        ack = await client.call("join", {"event_id": event_id}, namespace="/live", timeout=timeout)
        if not (ack and ack.get("ok")):
            return Joined(False, 0, f"join answered {ack!r}")
        snapshot = await asyncio.wait_for(got, timeout)
        return Joined(True, _size(snapshot))
    except Exception as exc:  # any failure to join is what is counted
        return Joined(False, 0, f"{type(exc).__name__}: {exc}")
    finally:
        await client.disconnect()


def _size(snapshot: dict) -> int:
    return len(json.dumps(snapshot, separators=(",", ":")))
