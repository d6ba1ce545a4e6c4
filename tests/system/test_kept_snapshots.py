"""Scaled out, each web process keeps its own snapshot of an event (maps.snapshot_service):
a change made through one process is in the next snapshot the other sends, though that
other kept the picture from before the change. PostgreSQL under them, Redis between."""

from __future__ import annotations

import pytest
import requests
import socketio

from maps.compact import expand
from tests.support.system import LiveClient, base_env, scheduler_process, wait_for, web_process

pytestmark = pytest.mark.system


def snapshot_at(url: str, token: str, event_id: int) -> dict[int, dict]:
    """A new viewer's snapshot from the process at `url`: its threats by id."""
    got: list[dict] = []
    sio = socketio.Client(reconnection=False)
    sio.on("snapshot", got.append, namespace="/live")
    sio.connect(url, namespaces=["/live"], transports=["websocket"], auth={"token": token})
    try:
        answer = sio.call("join", {"event_id": event_id}, namespace="/live", timeout=15)
        assert answer and answer.get("ok"), answer
        wait_for(lambda: got, 15, "the snapshot")
    finally:
        sio.disconnect()
    return {threat["id"]: threat for threat in expand(got[0]["threats"])}


def test_a_change_through_one_process_is_in_the_others_next_snapshot(
    world, source, redis_url, channel, started, tmp_path
):
    env = base_env(world["url"], tmp_path, REDIS_URL=redis_url, SOCKETIO_CHANNEL=channel)
    webs = [web_process(f"web-{i}", env, tmp_path) for i in (1, 2)]
    started.extend(webs)
    for web in webs:
        web.wait_listening()
    started.append(scheduler_process("sched", env, tmp_path))
    token, event_id = world["token"], world["event_id"]
    watcher = LiveClient(webs[0].url, token, event_id)
    source.add(0)
    wait_for(lambda: watcher.of_kind("threat_created"), 30, "the first threat")
    threat_id = watcher.of_kind("threat_created")[0]["data"]["id"]
    watcher.close()

    kept = snapshot_at(webs[0].url, token, event_id)  # web-1 keeps the picture now
    assert kept[threat_id]["status"] == "new"
    answer = requests.patch(
        f"{webs[1].url}/api/v1/events/{event_id}/threats/{threat_id}",
        json={"status": "assigned", "assignee": "CPD Bike 18"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    after = snapshot_at(webs[0].url, token, event_id)
    assert after[threat_id]["status"] == "assigned"
    assert after[threat_id]["assignee"] == "CPD Bike 18"
    assert snapshot_at(webs[1].url, token, event_id) == after
