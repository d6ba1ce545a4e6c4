"""A source that drips bytes fails at the fetch's deadline (issue 17, finding 13).

A real server on 127.0.0.1 sends one byte every half second: every read returns well
inside the socket timeout, so only an overall deadline ends the fetch. Times are checked
loosely: the deadline plus a generous margin, never an exact figure."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

from tests.factories import make_event, make_fixture_zones
from tests.support.feedserver import FEEDS
from tests.support.polling import AT_1625, PACKAGE, Recorder, add_feed, threats
from threats.polling.fetch import FetchError
from threats.polling.health import feed_status
from threats.polling.poll_service import poll_feed
from web.extensions import fetcher_for

DEADLINE_S = 1.5
MARGIN_S = 4.0  # a loaded CI machine, two cores shared: generous on purpose
DRIP = b"<alert>" + b"." * 30  # 37 bytes, ~18 s at 0.5 s a byte: far past the deadline


@pytest.fixture
def world(app, session, feed_server):
    """The app's own fetcher, made from its settings: a short deadline, a socket timeout
    (per read) far longer than the drip's half second."""
    app.config.update(FEED_DEADLINE_S=DEADLINE_S, FEED_TIMEOUT_S=10.0)
    event = make_event(session, reach_rules=[])
    make_fixture_zones(session, event)
    session.commit()
    return event, fetcher_for(app), feed_server.base_url


@pytest.mark.parametrize("head", [False, True], ids=["body", "headers"])
def test_a_dripping_source_fails_at_the_deadline_and_the_next_feed_polls(
    session, world, feed_server, head
):
    event, fetch, base = world
    feed_server.drip("127.0.0.1", "/slow.cap", DRIP, 0.5, head=head)
    slow = add_feed(session, event, url=f"{base}/slow.cap", kind="cap")
    started = time.monotonic()
    result = poll_feed(session, slow, fetch=fetch, publish=Recorder(), now=AT_1625)
    took = time.monotonic() - started
    assert took < DEADLINE_S + MARGIN_S, f"the poll took {took:.1f} s"
    assert not result.ok and "deadline" in result.errors[0]
    status = feed_status(slow, AT_1625)
    assert status["healthy"] is False and "deadline" in status["last_error"]
    assert slow.consecutive_failures == 1
    # The same fetcher (its pool, its thread) serves the next feed at once.
    package = (FEEDS / "cap" / "alert-04-circle-suspicious-package.xml").read_bytes()
    feed_server.put("127.0.0.1", "/package.cap", package)
    other = add_feed(session, event, url=f"{base}/package.cap", kind="cap")
    assert poll_feed(session, other, fetch=fetch, publish=Recorder(), now=AT_1625).ok
    assert PACKAGE in threats(session, event)


def test_a_slow_source_that_finishes_inside_the_deadline_is_read_whole(world, feed_server):
    _, fetch, base = world
    feed_server.drip("127.0.0.1", "/slowish.cap", b"abcd", 0.1)
    assert fetch(f"{base}/slowish.cap").body == b"abcd"


@pytest.fixture
def tls_dripper():
    """A server on 127.0.0.1 that answers a TLS client hello by dripping a handshake record
    one byte every half second: the stall comes before any HTTP is spoken."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        try:
            conn, _ = listener.accept()
        except OSError:  # closed at teardown, nobody came
            return
        with conn, contextlib.suppress(OSError):
            conn.recv(4096)  # the client hello
            for byte in b"\x16\x03\x03\x40\x00" + bytes(60):  # a 16 kB handshake record
                conn.sendall(bytes([byte]))
                if stop.wait(0.5):
                    break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()
    thread.join(timeout=5)


def test_a_tls_handshake_that_drips_fails_at_the_deadline(world, tls_dripper):
    _, fetch, _ = world
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        fetch(f"https://127.0.0.1:{tls_dripper}/alerts.cap")
    assert time.monotonic() - started < DEADLINE_S + MARGIN_S
