"""Revoking a credential reaches the sockets already open with it: a revoked API token, a
deactivated user, a changed role, a logged-out session. Each is cut at once (here, one
process; tests/system/test_revocation.py covers several), and a socket checks its
credential again at every join, whoever revoked it and however."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from accounts import token_service
from accounts.models import ApiToken, AuditEntry, User
from common.times import utcnow
from tests.factories import db_session, make_event, make_fixture_zones, make_token, write
from tests.support.live import NS, joined, received
from web.extensions import socketio


@pytest.fixture
def world(app):
    with db_session(app) as session:
        event = make_event(session)
        zone = make_fixture_zones(session, event)["north-avenue-beach"]
        session.commit()
        ids = {"event": event.id, "zone": zone.id}
        ids["admin_token"] = make_token(session, "admin", "root")
    return ids


def touch_zone(app, world, note: str) -> None:
    """A write every viewer of the event is told of (a zone_changed delta)."""
    response = app.test_client().patch(
        f"/api/v1/events/{world['event']}/zones/{world['zone']}",
        json={"notes": note},
        headers={"Authorization": f"Bearer {world['admin_token']}"},
    )
    assert response.status_code == 200, response.json


def by_token(app, token: str, event_id: int):
    sio = socketio.test_client(app, namespace=NS, auth={"token": token})
    assert sio.is_connected(NS)
    ack = sio.emit("join", {"event_id": event_id, "since": None}, namespace=NS, callback=True)
    assert ack["ok"], ack
    sio.get_received(NS)
    return sio


def token_of(app, username: str, name: str = "integration") -> tuple[str, int]:
    with db_session(app) as session:
        user = session.scalar(select(User).where(User.username == username))
        change = token_service.create_token(write(session), user, name)
        session.commit()
    return change.result, change.after["id"]


def test_a_revoked_tokens_socket_is_cut_at_once_and_others_go_on(app, world):
    with db_session(app) as session:
        make_token(session, "commander", "cad-bridge")
    token, token_id = token_of(app, "cad-bridge")
    revoked, other = (
        by_token(app, token, world["event"]),
        by_token(app, world["admin_token"], world["event"]),
    )
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["tokens", "list"]).output
    assert f"{token_id}\tcad-bridge\tintegration\t" in listed and token not in listed
    assert runner.invoke(args=["tokens", "revoke", str(token_id)]).exit_code == 0
    assert not revoked.is_connected(NS)
    touch_zone(app, world, "gate 3 closed")
    assert [d["kind"] for d in received(other, "delta")] == ["zone_changed"]
    assert not socketio.test_client(app, namespace=NS, auth={"token": token}).is_connected(NS)
    assert f"revoked {utcnow().year}" in runner.invoke(args=["tokens", "list"]).output


def test_a_socket_checks_its_token_again_at_every_join(app, world):
    with db_session(app) as session:
        make_token(session, "commander", "cad-bridge")
    token, token_id = token_of(app, "cad-bridge")
    sio = by_token(app, token, world["event"])
    with db_session(app) as session:  # revoked behind the app's back: no socket is cut
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=utcnow()))
        session.commit()
    assert sio.is_connected(NS)
    ack = sio.emit("join", {"event_id": world["event"], "since": None}, namespace=NS, callback=True)
    assert ack == {"ok": False, "error": "unauthorized"}


def test_deactivating_a_user_cuts_their_sockets_sessions_and_tokens_and_no_one_elses(
    app, world, login
):
    cmdr, boss = login("commander", "cmdr"), login("admin", "boss")
    token, _ = token_of(app, "cmdr")
    browser, by_api = joined(cmdr, world["event"]), by_token(app, token, world["event"])
    watching = joined(boss, world["event"])
    watching.get_received(NS)
    answer = boss.client.post(
        f"/admin/users/{cmdr.user_id}/deactivate", data={"csrf_token": boss.csrf}
    )
    assert answer.status_code == 302
    assert not browser.is_connected(NS) and not by_api.is_connected(NS)
    touch_zone(app, world, "gate 3 closed")
    assert [d["kind"] for d in received(watching, "delta")] == ["zone_changed"]
    assert cmdr.client.get("/").headers["Location"].startswith("/login")
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/events", headers=headers).status_code == 401
    with db_session(app) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "user.deactivate")
        ).one()
        assert (entry.actor, entry.target, entry.after) == (
            "boss",
            "user:cmdr",
            {"role": "commander", "active": False},
        )


def test_a_role_change_cuts_sockets_so_they_come_back_under_the_new_role(app, world, login):
    plan, boss = login("commander", "cmdr"), login("admin", "boss")
    sio = joined(plan, world["event"])
    form = {"role": "partner", "csrf_token": boss.csrf}
    assert boss.client.post(f"/admin/users/{plan.user_id}/role", data=form).status_code == 302
    assert not sio.is_connected(NS)
    again = joined(login("partner", "cmdr"), world["event"])
    assert received(again, "snapshot")[0]["threats"]["words"] == {}  # the partner copy


def test_logging_out_cuts_that_browsers_socket_and_no_other(app, world, login):
    console, laptop = login("commander", "cmdr"), login("commander", "cmdr")
    on_console, on_laptop = joined(console, world["event"]), joined(laptop, world["event"])
    console.client.post("/logout", data={"csrf_token": console.csrf})
    assert not on_console.is_connected(NS) and on_laptop.is_connected(NS)


def test_the_admin_pages_list_tokens_without_their_secret_and_revoke_them(app, login):
    boss = login("admin", "boss")
    with db_session(app) as session:
        make_token(session, "commander", "cad-bridge")
    token, token_id = token_of(app, "cad-bridge", "CAD bridge")
    page = boss.client.get("/admin/tokens").get_data(as_text=True)
    assert "cad-bridge" in page and "CAD bridge" in page and token not in page
    revoke = boss.client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": boss.csrf})
    assert revoke.status_code == 302
    assert "revoked" in boss.client.get("/admin/tokens").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/events", headers=headers).status_code == 401
    users = boss.client.get("/admin/users").get_data(as_text=True)
    assert "cad-bridge" in users and "Deactivate" in users


def test_the_last_active_admin_can_be_neither_deactivated_nor_demoted(app, login):
    boss = login("admin", "boss")
    answer = boss.client.post(
        f"/admin/users/{boss.user_id}/deactivate", data={"csrf_token": boss.csrf}
    )
    assert answer.status_code == 302
    assert "the last active admin" in boss.client.get("/admin/users").get_data(as_text=True)
    refused = app.test_cli_runner().invoke(args=["users", "set-role", "boss", "planner"])
    assert refused.exit_code != 0 and "last active admin" in refused.output
    assert boss.client.get("/admin/users").status_code == 200
