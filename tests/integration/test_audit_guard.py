"""The audit log is append-only in the database: no UPDATE of an entry, no DELETE."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from accounts.models import AuditEntry, User
from accounts.services import record
from tests.factories import make_user


def _one_entry(session) -> int:
    user = make_user(session, "planner", "pat")
    entry = record(session, user, method="POST", path="/api/v1/events", status=201)
    session.commit()
    return entry.id


@pytest.mark.parametrize(
    "statement",
    [
        lambda i: update(AuditEntry).where(AuditEntry.id == i).values(status=200),
        lambda i: update(AuditEntry).where(AuditEntry.id == i).values(actor="someone else"),
        lambda i: delete(AuditEntry).where(AuditEntry.id == i),
        lambda i: delete(AuditEntry),
    ],
    ids=["status", "actor", "one row", "every row"],
)
def test_an_entry_cannot_be_changed_or_deleted(session, statement):
    entry_id = _one_entry(session)
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(statement(entry_id))
        session.commit()
    session.rollback()
    entry = session.get(AuditEntry, entry_id)
    assert (entry.actor, entry.status) == ("pat", 201)


def test_deleting_a_user_keeps_their_entries_without_the_link(session):
    entry_id = _one_entry(session)
    session.execute(delete(User).where(User.username == "pat"))
    session.commit()
    session.expire_all()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.id == entry_id)).one()
    assert (entry.user_id, entry.actor) == (None, "pat")
