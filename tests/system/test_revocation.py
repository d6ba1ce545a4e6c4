"""Revocation across processes: two gunicorn/gevent web processes share Redis, and a token
revoked from a third process (the CLI at the server's console) has its sockets cut on
both, while another token's clients keep receiving deltas."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from accounts.token_service import create_token
from tests.factories import write
from tests.support.browser import ROOT
from tests.support.system import LiveClient, base_env, scheduler_process, wait_for, web_process

pytestmark = pytest.mark.system


def _token(world, username: str) -> tuple[str, int]:
    with Session(world["engine"]) as session:
        user = session.scalar(select(User).where(User.username == username))
        change = create_token(write(session), user, "CAD bridge")
        session.commit()
    return change.result, change.after["id"]


def test_a_token_revoked_at_the_console_is_cut_on_every_web_process(
    world, source, redis_url, channel, tmp_path, started
):
    env = base_env(world["url"], tmp_path, REDIS_URL=redis_url, SOCKETIO_CHANNEL=channel)
    webs = [web_process(f"web-{n}", env, tmp_path) for n in (1, 2)]
    started.extend(webs)
    for web in webs:
        web.wait_listening()
    doomed_token, doomed_id = _token(world, "incident-commander")
    doomed = [LiveClient(w.url, doomed_token, world["event_id"]) for w in webs]
    kept = [LiveClient(w.url, world["token"], world["event_id"]) for w in webs]

    revoke = [sys.executable, "-m", "flask", "--app", "app", "tokens", "revoke", str(doomed_id)]
    done = subprocess.run(revoke, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    wait_for(lambda: not any(c.sio.connected for c in doomed), 15, "the revoked token's sockets")
    assert all(c.sio.connected for c in kept)
    started.append(scheduler_process("scheduler", env, tmp_path))
    source.add(0)
    wait_for(lambda: all(c.of_kind("threat_created") for c in kept), 60, "a delta after it")
    assert not any(c.of_kind("threat_created") for c in doomed)
    for client in kept:
        client.close()
