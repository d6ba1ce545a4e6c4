"""Concurrent writers on the embedded SQLite database wait their turn; none fails."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app import create_app
from planner.models import Event
from tests.factories import make_event
from web.database import upgrade_database
from web.extensions import db

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
