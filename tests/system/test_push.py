"""A partner pushes CAP to one web process over real HTTP; a real Socket.IO client on the
other web process (PostgreSQL, Redis, gunicorn/gevent) gets the marker, once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests
from sqlalchemy.orm import Session

from common.times import utcnow
from demo import replay
from tests.support.system import LiveClient, base_env, wait_for, web_process
from threats.models import FeedSource
from threats.polling.push_service import new_push_token

pytestmark = pytest.mark.system


def _push_feed(world: dict, sender: str) -> tuple[int, str]:
    token, digest = new_push_token()
    with Session(world["engine"]) as session:
        feed = FeedSource(name="Partner push", kind="cap-push", url="")
        feed.event_id, feed.push_token_hash, feed.push_senders = world["event_id"], digest, [sender]
        session.add(feed)
        session.commit()
        return feed.id, token


def _alert(identifier: str, msg_type: str = "Alert", refs: str = "") -> bytes:
    now = utcnow()
    item = replay.Replayed(identifier, now, now + timedelta(hours=1), replay.templates()[0])
    text = replay.render(item).decode().replace(">Alert</msgType>", f">{msg_type}</msgType>")
    if refs:
        text = text.replace("<incidents>", f"<references>{refs}</references><incidents>")
    return text.encode()


def test_a_pushed_alert_reaches_a_client_of_the_other_web_process_once(
    world, redis_url, channel, tmp_path, started
):
    env = base_env(world["url"], tmp_path, REDIS_URL=redis_url, SOCKETIO_CHANNEL=channel)
    webs = [web_process(f"web-{n}", env, tmp_path) for n in (1, 2)]
    started.extend(webs)
    for web in webs:
        web.wait_listening()
    original = _alert("SYS-PUSH-1")
    sender = re.search(rb"<sender>([^<]+)", original).group(1).decode()
    feed_id, token = _push_feed(world, sender)
    client = LiveClient(webs[1].url, world["token"], world["event_id"])
    url = f"{webs[0].url}/api/v1/feeds/{feed_id}/push"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/cap+xml"}

    first = requests.post(url, data=original, headers=headers, timeout=30)
    assert first.status_code == 200, first.text
    wait_for(lambda: client.of_kind("threat_created"), 15, "the pushed threat's marker")
    [created] = client.of_kind("threat_created")
    assert created["data"]["properties"]["source_id"] == "SYS-PUSH-1"
    assert created["data"]["properties"]["id"] == first.json()["threats"][0]

    again = requests.post(url, data=original, headers=headers, timeout=30)
    assert again.json()["already"] == ["SYS-PUSH-1"] and again.json()["threats"] == []
    sent = re.search(rb"<sent>([^<]+)", original).group(1).decode()
    cancel = _alert("SYS-PUSH-2", "Cancel", f"{sender},SYS-PUSH-1,{sent}")
    assert requests.post(url, data=cancel, headers=headers, timeout=30).status_code == 200
    wait_for(lambda: client.of_kind("threat_updated"), 15, "the cancel's delta")
    assert client.of_kind("threat_updated")[-1]["data"]["properties"]["status"] == "resolved"
    assert len(client.of_kind("threat_created")) == 1
    client.close()
