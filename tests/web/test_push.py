"""Alerts pushed to us (issue 18): POST /api/v1/feeds/<id>/push with the feed's own token,
over real HTTP routing and a real database, through the same ingest path as a poll."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from accounts.models import AuditEntry
from common.times import utcnow
from demo import replay
from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.live import HOST, joined, received
from threats.models import FeedSource, Threat
from threats.polling.fetch import Fetcher
from threats.polling.jobs import sync_feed_jobs
from threats.polling.push_service import new_push_token

SENDER = "unified-command@airwatershow-demo.example"  # the demo templates' sender
CAP = "application/cap+xml"


def cap_message(identifier, msg_type="Alert", *, after_s=0, refs=(), sender=SENDER) -> bytes:
    """A suspicious-package alert over North Avenue Beach, sent `after_s` from now; an
    Update or Cancel names `refs` ((identifier, sent) of earlier messages)."""
    sent = utcnow().replace(microsecond=0) + timedelta(seconds=after_s)
    item = replay.Replayed(identifier, sent, sent + timedelta(hours=1), replay.templates()[0])
    text = replay.render(item).decode()
    text = text.replace("<msgType>Alert</msgType>", f"<msgType>{msg_type}</msgType>")
    text = text.replace(f"<sender>{SENDER}</sender>", f"<sender>{sender}</sender>")
    if refs:
        named = " ".join(f"{sender},{ident},{replay.cap_time(at)}" for ident, at in refs)
        text = text.replace("<incidents>", f"<references>{named}</references><incidents>")
    return text.encode()


def sent_of(body: bytes) -> datetime:
    return datetime.fromisoformat(re.search(rb"<sent>([^<]+)</sent>", body).group(1).decode())


@pytest.fixture
def world(app, feed_server):
    """An event with its zones, a cap-push feed and a polled cap feed, each with a token."""
    tokens = {}
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        feeds = {
            "push": FeedSource(name="Partner push", kind="cap-push", url="", event_id=event.id),
            "polled": FeedSource(
                name="Festival desk",
                kind="cap",
                url=f"https://{HOST}/cap/now.xml",
                event_id=event.id,
                interval_s=60,
            ),
        }
        for name, feed in feeds.items():
            tokens[name], feed.push_token_hash = new_push_token()
            feed.push_senders = [SENDER]
            session.add(feed)
        session.commit()
        ids = {"event": event.id} | {name: f.id for name, f in feeds.items()}
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    return ids, tokens


def push(client, feed_id, body, token=None, content_type=CAP, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(
        f"/api/v1/feeds/{feed_id}/push", data=body, content_type=content_type, headers=headers
    )


def threats(app) -> list[Threat]:
    with db_session(app) as session:
        rows = session.scalars(select(Threat).order_by(Threat.id)).all()
        session.expunge_all()
        return list(rows)


def feed(app, feed_id) -> FeedSource:
    with db_session(app) as session:
        row = session.get(FeedSource, feed_id)
        session.expunge(row)
        return row


def test_a_push_becomes_a_threat_once_and_its_replay_is_answered_as_had(app, client, world):
    ids, tokens = world
    body = cap_message("PUSH-1")
    first = push(client, ids["push"], body, tokens["push"])
    assert first.status_code == 200, first.json
    [threat] = threats(app)
    assert first.json == {"alerts": 1, "threats": [threat.id], "already": [], "refused": []}
    assert threat.source_id == "PUSH-1" and threat.zone_ids
    again = push(client, ids["push"], body, tokens["push"])
    assert again.status_code == 200
    assert again.json == {"alerts": 1, "threats": [], "already": ["PUSH-1"], "refused": []}
    assert len(threats(app)) == 1
    health = feed(app, ids["push"])
    assert health.last_success_at is not None and health.item_count == 1
    assert health.last_error is None


def test_only_the_feeds_own_live_push_token_pushes(app, client, world, login):
    ids, tokens = world
    with db_session(app) as session:
        api_token = make_token(session, "admin", "api-admin")
    body = cap_message("PUSH-AUTH")
    assert push(client, ids["push"], body).status_code == 401
    assert push(client, ids["push"], body, "ewp_not-a-token").status_code == 401
    assert push(client, ids["push"], body, api_token).status_code == 401  # a user's token
    other = push(client, ids["push"], body, tokens["polled"])
    assert (other.status_code, other.json["error"]["code"]) == (403, "wrong_feed")
    # A logged-in admin's browser, CSRF token and all, pushes nothing.
    admin = login("admin", "browser-admin")
    browser = push(admin.client, ids["push"], body, **{"X-CSRFToken": admin.csrf})
    assert browser.status_code == 401
    assert threats(app) == []
    assert feed(app, ids["push"]).last_error is None  # strangers do not fill its health


def test_a_push_token_is_shown_once_rotated_and_revoked_by_an_admin(app, client, world):
    ids, tokens = world
    with db_session(app) as session:
        admin = make_token(session, "admin", "api-admin")
        commander = make_token(session, "commander", "api-commander")
    url = f"/api/v1/feeds/{ids['push']}/push-token"
    bearer = {"Authorization": f"Bearer {admin}"}
    assert client.post(url, headers={"Authorization": f"Bearer {commander}"}).status_code == 403
    rotated = client.post(url, headers=bearer)
    assert rotated.status_code == 201 and rotated.json["token"].startswith("ewp_")
    assert rotated.headers["Cache-Control"] == "no-store"
    shown = client.get(f"/api/v1/feeds/{ids['push']}", headers=bearer).json
    assert shown["push"]["token"] is True and shown["push"]["senders"] == [SENDER]
    assert rotated.json["token"] not in str(shown)
    assert push(client, ids["push"], cap_message("ROT-1"), tokens["push"]).status_code == 401
    assert push(client, ids["push"], cap_message("ROT-1"), rotated.json["token"]).status_code == 200
    assert client.delete(url, headers=bearer).status_code == 200
    assert push(client, ids["push"], cap_message("ROT-2"), rotated.json["token"]).status_code == 401


def test_a_sender_off_the_allow_list_is_refused_recorded_and_nothing_kept(app, client, world):
    ids, tokens = world
    body = cap_message("PUSH-STRANGER", sender="someone-else@example.org")
    answer = push(client, ids["push"], body, tokens["push"])
    assert (answer.status_code, answer.json["error"]["code"]) == (403, "sender_not_allowed")
    assert "someone-else@example.org" in answer.json["error"]["message"]
    assert threats(app) == []
    assert "someone-else@example.org" in feed(app, ids["push"]).last_error
    with db_session(app) as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.target, entry.status) == (
            "feed.push",
            f"feed:{ids['push']}",
            403,
        )
        assert entry.after["code"] == "sender_not_allowed"


def test_with_no_senders_listed_a_feed_takes_no_push(app, client, world):
    ids, tokens = world
    with db_session(app) as session:
        session.get(FeedSource, ids["push"]).push_senders = []
        session.commit()
    answer = push(client, ids["push"], cap_message("PUSH-NONE"), tokens["push"])
    assert answer.status_code == 403 and threats(app) == []


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"""


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (BOMB, CAP, 400, "xml_forbidden"),
        (EXTERNAL, "application/xml", 400, "xml_forbidden"),
        (b"<alert><identifier>cut short", "text/xml", 400, "malformed_xml"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'/>", CAP, 422, "invalid_cap"),
        (b'{"identifier": "x"}', "application/json", 415, "unsupported_media_type"),
        (b"x" * 5000, CAP, 413, "too_large"),
    ],
)
def test_what_is_no_cap_within_limits_is_refused_by_name_and_nothing_kept(
    app, client, world, body, content_type, status, code
):
    ids, tokens = world
    app.config["PUSH_MAX_BYTES"] = 4096  # the real alert is under 4 kB
    answer = push(client, ids["push"], body, tokens["push"], content_type=content_type)
    assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
    assert threats(app) == []
    assert feed(app, ids["push"]).last_error.startswith("push refused")
    assert push(client, ids["push"], cap_message("PUSH-OK"), tokens["push"]).status_code == 200


def test_an_update_and_a_cancel_pushed_chain_as_polled_ones_do(app, client, world):
    ids, tokens = world
    original = cap_message("CHAIN-1")
    first = push(client, ids["push"], original, tokens["push"]).json["threats"]
    update = cap_message("CHAIN-2", "Update", after_s=60, refs=[("CHAIN-1", sent_of(original))])
    second = push(client, ids["push"], update, tokens["push"])
    assert second.status_code == 200 and second.json["threats"] == first
    cancel = cap_message("CHAIN-3", "Cancel", after_s=120, refs=[("CHAIN-2", sent_of(update))])
    assert push(client, ids["push"], cancel, tokens["push"]).json["threats"] == first
    [threat] = threats(app)
    assert (threat.status, threat.closed_reason) == ("resolved", "cancelled by source")


def test_an_update_pushed_before_its_original_makes_one_threat(app, client, world):
    ids, tokens = world
    original = cap_message("EARLY-1")
    update = cap_message("EARLY-2", "Update", after_s=60, refs=[("EARLY-1", sent_of(original))])
    assert len(push(client, ids["push"], update, tokens["push"]).json["threats"]) == 1
    late = push(client, ids["push"], original, tokens["push"]).json
    assert late["threats"] == [] and late["already"] == ["EARLY-1"]
    assert len(threats(app)) == 1


def test_an_update_pushed_then_a_cancel_polled_from_the_same_feed_close_one_threat(
    app, client, world, feed_server
):
    ids, tokens = world
    original = cap_message("MIX-1")
    made = push(client, ids["polled"], original, tokens["polled"]).json["threats"]
    update = cap_message("MIX-2", "Update", after_s=60, refs=[("MIX-1", sent_of(original))])
    assert push(client, ids["polled"], update, tokens["polled"]).json["threats"] == made
    cancel = cap_message("MIX-3", "Cancel", after_s=120, refs=[("MIX-2", sent_of(update))])
    feed_server.put(HOST, "/cap/now.xml", cancel)
    with db_session(app) as session:
        commander = make_token(session, "commander", "poller")
    polled = client.post(
        f"/api/v1/feeds/{ids['polled']}/poll", headers={"Authorization": f"Bearer {commander}"}
    )
    assert polled.status_code == 200 and polled.json["threats"] == made
    [threat] = threats(app)
    assert threat.status == "resolved"


def test_a_commander_watching_the_live_map_gets_the_pushed_threat(app, client, world, login):
    ids, tokens = world
    sio = joined(login("commander", "cmdr"), ids["event"])
    [snapshot] = received(sio, "snapshot")
    answer = push(client, ids["push"], cap_message("LIVE-PUSH"), tokens["push"])
    assert answer.status_code == 200
    deltas = received(sio, "delta")
    assert [d["kind"] for d in deltas] == ["threat_created", "feed_status"]
    assert deltas[0]["seq"] == snapshot["seq"] + 1
    assert deltas[0]["data"]["properties"]["source_id"] == "LIVE-PUSH"
    assert deltas[0]["data"]["properties"]["zones"][0]["name"] == "north-avenue-beach"
    # Within the minute, the next push tells its threat; the feed's health is unchanged.
    push(client, ids["push"], cap_message("LIVE-PUSH-2", after_s=1), tokens["push"])
    assert [d["kind"] for d in received(sio, "delta")] == ["threat_created"]


def test_a_cap_push_feed_has_no_url_and_is_never_polled(app, client, world):
    ids, _ = world
    with db_session(app) as session:
        admin = make_token(session, "admin", "api-admin")
    bearer = {"Authorization": f"Bearer {admin}"}
    made = client.post(
        "/api/v1/feeds",
        json={"kind": "cap-push", "event_id": ids["event"], "push_senders": [SENDER]},
        headers=bearer,
    )
    assert made.status_code == 201 and made.json["url"] == ""
    with_url = {"kind": "cap-push", "url": f"https://{HOST}/x.xml"}
    assert client.post("/api/v1/feeds", json=with_url, headers=bearer).status_code == 400
    assert client.post(f"/api/v1/feeds/{ids['push']}/poll", headers=bearer).status_code == 400
    scheduler = BackgroundScheduler()  # not started: its jobs are only listed
    sync_feed_jobs(app, scheduler)
    assert [job.id for job in scheduler.get_jobs()] == [f"feed:{ids['polled']}"]


EDXL = """<?xml version="1.0"?>
<EDXLDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:1.0">
  <distributionID>EDXL-PUSH-1</distributionID><senderID>{sender}</senderID>
  <dateTimeSent>2026-08-15T10:00:00-05:00</dateTimeSent>
  <distributionStatus>Actual</distributionStatus><distributionType>Report</distributionType>
  <combinedConfidentiality>UNCLASSIFIED</combinedConfidentiality>
  <contentObject><xmlContent><embeddedXMLContent>{alert}</embeddedXMLContent></xmlContent>
  </contentObject>
</EDXLDistribution>"""


def test_an_edxl_distribution_pushed_is_taken_like_a_bare_alert(app, client, world):
    ids, tokens = world
    alert = cap_message("EDXL-ALERT-1").decode().split("?>", 1)[1]
    body = EDXL.format(sender=SENDER, alert=alert).encode()
    answer = push(client, ids["push"], body, tokens["push"], content_type="application/xml")
    assert answer.status_code == 200 and len(answer.json["threats"]) == 1
    with db_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Threat)) == 1


def test_an_admin_makes_sets_and_revokes_push_on_the_feed_page(app, client, world, login):
    ids, _ = world
    admin = login("admin", "page-admin")
    form = {"csrf_token": admin.csrf}
    senders = {**form, "push_senders": f"{SENDER}, other@example.org"}
    assert admin.client.post(f"/admin/feeds/{ids['push']}/senders", data=senders).status_code == 302
    page = admin.client.post(f"/admin/feeds/{ids['push']}/push-token", data=form)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = re.search(r'class="push-token">(ewp_[^<]+)<', page.text).group(1)
    assert f"senders: {SENDER}, other@example.org" in page.text
    assert token not in admin.client.get("/admin/feeds/").text  # shown that once
    assert push(client, ids["push"], cap_message("PAGE-1"), token).status_code == 200
    stranger = cap_message("PAGE-2", sender="other@example.org")
    assert push(client, ids["push"], stranger, token).status_code == 200
    revoked = admin.client.post(f"/admin/feeds/{ids['push']}/push-token/revoke", data=form)
    assert revoked.status_code == 302
    assert push(client, ids["push"], cap_message("PAGE-3"), token).status_code == 401
    commander = login("commander", "page-commander")
    refused = commander.client.post(
        f"/admin/feeds/{ids['push']}/push-token", data={"csrf_token": commander.csrf}
    )
    assert refused.status_code == 403


def test_the_feed_page_offers_no_poll_and_no_credential_for_a_push_feed(world, login):
    ids, _ = world
    page = login("admin", "page-admin").client.get("/admin/feeds/").text
    assert f"/admin/feeds/{ids['polled']}/poll" in page  # a polled feed is polled on demand
    assert f"/admin/feeds/{ids['push']}/poll" not in page  # a push feed has nothing to poll
    assert f"/admin/feeds/{ids['push']}/credential" not in page  # nor a site to log in to
    assert f"/admin/feeds/{ids['polled']}/credential" in page


def test_a_feed_takes_so_many_pushes_a_minute_then_429_with_retry_after(app, client, world):
    ids, tokens = world
    app.config["PUSH_PER_MINUTE"] = 2
    for n in range(2):
        taken = push(client, ids["push"], cap_message(f"RATE-{n}"), tokens["push"])
        assert taken.status_code == 200
    over = push(client, ids["push"], cap_message("RATE-2"), tokens["push"])
    assert (over.status_code, over.json["error"]["code"]) == (429, "rate_limited")
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert [t.source_id for t in threats(app)] == ["RATE-0", "RATE-1"]
    assert push(client, ids["polled"], cap_message("RATE-3"), tokens["polled"]).status_code == 200


def alerts_list(identifiers) -> bytes:
    """An <alerts> list of one pushed alert per identifier (as IPAWS lists them)."""
    alerts = [cap_message(i).decode().split("?>", 1)[1] for i in identifiers]
    return ("<alerts>" + "".join(alerts) + "</alerts>").encode()


def test_one_push_of_many_alerts_is_refused_whole_not_fanned_out(app, client, world):
    """Amplification: one request within PUSH_MAX_BYTES carrying hundreds of alerts would be
    hundreds of threats (in every event of a feed with none). Beyond PUSH_MAX_ALERTS: 413."""
    ids, tokens = world
    app.config["PUSH_MAX_ALERTS"] = 2
    many = push(client, ids["push"], alerts_list(["MANY-1", "MANY-2", "MANY-3"]), tokens["push"])
    assert (many.status_code, many.json["error"]["code"]) == (413, "too_many_alerts")
    assert threats(app) == []
    assert "at most 2 alerts" in feed(app, ids["push"]).last_error
    two = push(client, ids["push"], alerts_list(["FEW-1", "FEW-2"]), tokens["push"])
    assert two.status_code == 200 and len(two.json["threats"]) == 2


def test_ten_thousand_alerts_in_one_distribution_make_no_threat_by_default(app, client, world):
    ids, tokens = world
    tiny = (
        "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>T{n}</identifier>"
        f"<sender>{SENDER}</sender><sent>2027-08-14T10:00:00-05:00</sent><status>Actual"
        "</status><msgType>Alert</msgType><scope>Public</scope></alert>"
    )
    body = EDXL.format(sender=SENDER, alert="".join(tiny.format(n=n) for n in range(10_000)))
    app.config["PUSH_MAX_BYTES"] = len(body) + 1  # not refused for its size: for its count
    answer = push(client, ids["push"], body.encode(), tokens["push"])
    assert (answer.status_code, answer.json["error"]["code"]) == (413, "too_many_alerts")
    assert threats(app) == []


MARKUP = "</script><img src=x onerror=alert(1)>"


def test_markup_pushed_in_a_headline_is_text_in_json_cap_out_and_page(app, client, world, login):
    ids, tokens = world
    escaped = MARKUP.replace("<", "&lt;").replace(">", "&gt;")
    body = re.sub(
        rb"<headline>[^<]*</headline>",
        f"<headline>{escaped}</headline>".encode(),
        cap_message("MARKUP-1"),
    )
    assert push(client, ids["push"], body, tokens["push"]).status_code == 200
    viewer = login("commander", "cmdr").client
    listed = viewer.get(f"/api/v1/events/{ids['event']}/threats").json
    assert [f["properties"]["title"] for f in listed["features"]] == [MARKUP]
    page = viewer.get(f"/events/{ids['event']}/command")  # its threats come by Socket.IO
    assert page.status_code == 200 and "onerror" not in page.text
    index = viewer.get(f"/api/v1/events/{ids['event']}/cap.atom").text
    [link] = re.findall(r'type="application/cap\+xml" href="http://localhost([^"]+)"', index)
    out = viewer.get(link).text  # the feed out writes its own headline, not the partner's
    assert out.startswith("<?xml") and "onerror" not in out


def test_a_chunked_push_with_no_length_is_read_no_further_than_the_limit(app, client, world):
    ids, tokens = world
    app.config["PUSH_MAX_BYTES"] = 4096
    endless = io.BytesIO(b"<alert>" + b"x" * 100_000)
    answer = client.post(
        f"/api/v1/feeds/{ids['push']}/push",
        input_stream=endless,
        content_type=CAP,
        headers={"Authorization": f"Bearer {tokens['push']}", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert (answer.status_code, answer.json["error"]["code"]) == (413, "too_large")
    assert endless.tell() <= 4097  # read no further than the limit and one byte


def test_a_lying_content_length_is_refused_before_a_byte_is_read(app, client, world):
    ids, tokens = world
    app.config["PUSH_MAX_BYTES"] = 4096
    small = io.BytesIO(cap_message("LIAR-1"))
    answer = client.post(
        f"/api/v1/feeds/{ids['push']}/push",
        input_stream=small,
        content_type=CAP,
        headers={"Authorization": f"Bearer {tokens['push']}"},
        environ_overrides={"CONTENT_LENGTH": "10000000000"},  # the client would correct it
    )
    assert (answer.status_code, answer.json["error"]["code"]) == (413, "too_large")
    assert small.tell() == 0 and threats(app) == []


def test_a_pushed_cancel_naming_another_feeds_alert_closes_nothing_of_it(app, client, world):
    """One partner's token cannot end the threats another feed carries, even with the
    same sender and the right identifier and time."""
    ids, tokens = world
    original = cap_message("OTHER-1")
    [made] = push(client, ids["polled"], original, tokens["polled"]).json["threats"]
    cancel = cap_message("OTHER-2", "Cancel", after_s=60, refs=[("OTHER-1", sent_of(original))])
    answer = push(client, ids["push"], cancel, tokens["push"])
    assert answer.status_code == 200 and made not in answer.json["threats"]
    kept = next(t for t in threats(app) if t.id == made)
    assert kept.status == "new" and not kept.closed_reason


def test_a_push_to_a_paused_feed_or_with_a_revoked_token_takes_nothing(app, client, world, login):
    """Feeds are never deleted (paused instead); a revoked token is a deleted door."""
    ids, tokens = world
    admin = login("admin")
    headers = {"X-CSRFToken": admin.csrf}
    admin.client.patch(f"/api/v1/feeds/{ids['push']}", json={"enabled": False}, headers=headers)
    paused = push(client, ids["push"], cap_message("PAUSED-1"), tokens["push"])
    assert (paused.status_code, paused.json["error"]["code"]) == (409, "feed_paused")
    admin.client.patch(f"/api/v1/feeds/{ids['push']}", json={"enabled": True}, headers=headers)
    revoked = admin.client.delete(f"/api/v1/feeds/{ids['push']}/push-token", headers=headers)
    assert revoked.status_code == 200
    gone = push(client, ids["push"], cap_message("GONE-1"), tokens["push"])
    assert gone.status_code == 401 and threats(app) == []


@pytest.mark.parametrize(
    "sender",
    [SENDER.upper(), SENDER + "\u200b", SENDER.replace("a", "\u0430", 1), f"x{SENDER}"],
)
def test_a_sender_like_an_allowed_one_is_not_it(app, client, world, sender):
    """Case, a zero-width space, a Cyrillic a, a prefix: the allow-list compares exactly."""
    ids, tokens = world
    answer = push(client, ids["push"], cap_message("LOOKALIKE-1", sender=sender), tokens["push"])
    assert (answer.status_code, answer.json["error"]["code"]) == (403, "sender_not_allowed")
    assert threats(app) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/feeds"),
        ("GET", "/api/v1/events/{event}/threats"),
        ("POST", "/api/v1/feeds/{push}/poll"),
        ("POST", "/api/v1/feeds/{push}/push-token"),
        ("PATCH", "/api/v1/feeds/{push}"),
    ],
)
def test_a_push_token_opens_no_other_door(app, client, world, method, path):
    ids, tokens = world
    url = path.format(**ids)
    answer = client.open(
        url, method=method, json={}, headers={"Authorization": f"Bearer {tokens['push']}"}
    )
    assert answer.status_code == 401, (url, answer.status_code)


def test_overlong_cap_fields_are_clipped_or_refused_never_a_failed_write(app, client, world):
    """Free text where the columns are short (event 200, category 64, urgency 16): on
    PostgreSQL such an alert failed the whole push (or poll) with a 500. Long words are
    clipped, an unknown urgency is 'unknown', an identifier past 250 refuses that alert."""
    ids, tokens = world
    long = cap_message("LONG-1").decode()
    long = long.replace("<urgency>Immediate</urgency>", f"<urgency>{'Immediate' * 20}</urgency>")
    long = long.replace("<certainty>", f"<certainty>{'x' * 40}")
    long = long.replace("<event>Suspicious Package", f"<event>{'E' * 300}")
    long = long.replace("<category>Security</category>", "<category>Security</category>" * 20)
    huge_id = cap_message("I" * 600).decode()
    body = alerts_list([]).replace(
        b"</alerts>",
        (long.split("?>", 1)[1] + huge_id.split("?>", 1)[1] + "</alerts>").encode(),
    )
    answer = push(client, ids["push"], body, tokens["push"])
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.json["alerts"] == 1
    [refused] = answer.json["refused"]  # the partner is told which alert was not taken
    assert refused.startswith("record 2") and "longer than 250 characters" in refused
    [threat] = threats(app)
    assert (threat.urgency, threat.certainty) == ("unknown", "unknown")
    assert len(threat.kind) <= 200 and len(threat.category) <= 64


def test_an_update_naming_an_overlong_reference_is_refused_not_a_failed_write(app, client, world):
    """Identifiers named in <references> are kept as keys (an update before its original)."""
    ids, tokens = world
    original = cap_message("REF-1")
    update = cap_message("REF-2", "Update", after_s=60, refs=[("R" * 990, sent_of(original))])
    answer = push(client, ids["push"], update, tokens["push"])
    assert (answer.status_code, answer.json["error"]["code"]) == (422, "invalid_cap")
    assert threats(app) == []
