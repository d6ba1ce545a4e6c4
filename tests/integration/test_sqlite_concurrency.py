"""Concurrent writers on the embedded SQLite database wait their turn; none fails."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import select, update

from app import create_app
from planner.models import Event
from tests.factories import make_event, make_token
from web.database import reads_only, upgrade_database
from web.extensions import db, socketio

WRITERS, ROUNDS = 8, 15


def test_concurrent_read_then_write_transactions_never_see_database_is_locked(tmp_path):
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'busy.db'}",
        }
    )
    with app.app_context():
        upgrade_database(db.engine)
        event_id = make_event(db.session).id
        db.session.commit()
        db.session.remove()
    errors: list[BaseException] = []

    def writer():
        for _ in range(ROUNDS):
            with app.app_context():
                try:
                    # Read first, then write: the pattern that upgrades a read lock.
                    event = db.session.scalar(select(Event).where(Event.id == event_id))
                    event.live_seq = event.live_seq + 1
                    db.session.commit()
                except Exception as exc:  # any failure at all is the finding
                    errors.append(exc)
                finally:
                    db.session.remove()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    with app.app_context():
        final = db.session.get(Event, event_id).live_seq
        db.session.remove()
        db.engine.dispose()
    if errors:
        pytest.fail(f"{len(errors)} writers failed, first: {errors[0]!r}")
    assert final == WRITERS * ROUNDS  # no lost update either


def sqlite_app(tmp_path):
    """An app on a SQLite file of its own, migrated, with an event and a commander's token."""
    app = create_app(
        {
            "TESTING": True,
            "SCHEDULER": False,
            "DEMO": False,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'held.db'}",
        }
    )
    with app.app_context():
        upgrade_database(db.engine)
        event_id = make_event(db.session).id
        db.session.commit()
        token = make_token(db.session, "commander")
        db.session.remove()
    return app, event_id, token


@contextmanager
def write_held(app, event_id: int, seconds: float = 60):
    """Another transaction that has written and holds SQLite's write lock (an import, say)
    for the block, or for `seconds` at most, then commits."""
    written, release = threading.Event(), threading.Event()

    def long_write():
        with app.app_context():
            db.session.get(Event, event_id).name = "Renamed while others read"
            db.session.flush()  # the write lock is taken now, until the commit
            written.set()
            release.wait(seconds)
            db.session.commit()
            db.session.remove()

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert written.wait(30)
        yield
    finally:
        release.set()
        writer.join(60)


def test_reads_and_live_joins_answer_while_a_long_write_holds_the_lock(tmp_path):
    """Reads take no write lock: a page, an API read and a live join answer at once."""
    app, event_id, token = sqlite_app(tmp_path)
    auth = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/events", headers=auth).status_code == 200  # token used
    with write_held(app, event_id):
        answers = {
            "page": _timed(lambda: app.test_client().get(f"/events/{event_id}", headers=auth)),
            "api": _timed(lambda: app.test_client().get("/api/v1/events", headers=auth)),
            "join": _timed(lambda: _join(app, token, event_id)),
        }
    _dispose(app)
    slow = {name: (ok, round(s, 1)) for name, (ok, s) in answers.items() if not ok or s > 5}
    assert slow == {}, "these waited for the writer (or failed)"


def test_a_read_that_notes_a_token_use_waits_its_turn_behind_a_writer_and_never_fails(tmp_path):
    """The one write a GET makes (a token's last use, once a minute) takes a transaction of
    its own that may write: a deferred one that had read would fail at once."""
    app, event_id, token = sqlite_app(tmp_path)
    auth = {"Authorization": f"Bearer {token}"}
    with write_held(app, event_id, seconds=1.5):
        answers = [app.test_client().get("/api/v1/events", headers=auth) for _ in range(2)]
        joined = _join(app, token, event_id)
    _dispose(app)
    assert [a.status_code for a in answers] == [200, 200] and joined


def test_a_unit_that_only_reads_is_warned_when_it_writes(tmp_path):
    app, _, _ = sqlite_app(tmp_path)
    with app.app_context(), reads_only():
        with pytest.warns(UserWarning, match="a unit of work that only reads wrote"):
            db.session.execute(update(Event).values(name="Changed by a GET"))
        db.session.rollback()
    _dispose(app)


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _timed(call) -> tuple[bool, float]:
    started = time.monotonic()
    result = call()
    ok = result is True or getattr(result, "status_code", 500) == 200
    return ok, time.monotonic() - started


def _join(app, token: str, event_id: int) -> bool:
    sio = socketio.test_client(app, namespace="/live", auth={"token": token})
    ack = sio.emit("join", {"event_id": event_id}, namespace="/live", callback=True)
    snapshots = [m for m in sio.get_received("/live") if m["name"] == "snapshot"]
    sio.disconnect(namespace="/live")
    return bool(ack and ack.get("ok")) and len(snapshots) == 1
