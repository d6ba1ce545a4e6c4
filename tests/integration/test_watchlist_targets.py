"""An OpenSanctions export is several lists and some context: each person keeps the list
kind its topics name, and only targets are screened unless the feed asks for the rest."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from common.validation import InputError
from common.writes import Write
from tests.factories import make_event
from tests.support.feedserver import FEEDS
from tests.support.polling import AT_1625, Recorder, add_feed
from threats.models import ScreeningHit, WatchlistRecord
from threats.polling import watchlist_service as watchlist
from threats.polling.feed_service import update_feed
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed
from threats.screening.screening_service import import_credentials, screen_event

HOST, PATH = "data.opensanctions.org", "/datasets/latest/fixture/entities.ftm.json"
ROSTER = """credential_id,full_name,date_of_birth,organization,role,nationality
B-1,Hildegard Fiktivmann,1961-04-02,Fiktiv Catering,vendor,DE
B-2,Boris Attrapov,1970-01-22,Harbour Security,staff,RU
B-3,Teodora Scheinberg,1988-02-11,Lakefront Media,media,
B-4,Lina Testdachner,,Fiktiv Catering,vendor,DE
"""


@pytest.fixture
def polled(session, feed_server):
    event = make_event(session)
    session.commit()
    feed_server.put(HOST, PATH, (FEEDS / "sanctions" / "targets.ftm.jsonl").read_bytes())
    fetch = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    feed = add_feed(session, event, url=f"https://{HOST}{PATH}", kind="ftm")
    assert poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625).ok
    import_credentials(session, event, ROSTER.encode(), AT_1625)
    session.commit()
    return event, feed, fetch


def hits(session, event) -> dict[str, tuple[str, str]]:
    rows = session.scalars(select(ScreeningHit).where(ScreeningHit.event_id == event.id))
    return {r.credential.credential_id: (r.entry.name, r.entry.list_kind) for r in rows}


def test_each_person_keeps_the_kind_its_topics_name_and_whether_it_is_a_target(session, polled):
    _, feed, _ = polled
    rows = session.scalars(select(WatchlistRecord).where(WatchlistRecord.feed_id == feed.id))
    stored = {r.name: (r.list_kind, r.target) for r in rows}
    assert stored == {
        "Hildegard Fiktivmann": ("pep", False),
        "Frau Lina Testdachner": ("other", False),  # a party donor: context, not a listing
        "Boris Attrapov": ("sanctions", True),
        "Teodora Scheinberg": ("wanted", True),
        "Konrad Fiktivmann": ("pep", False),
    }


def test_only_targets_are_screened_unless_the_feed_asks_for_non_targets(session, polled):
    event, feed, fetch = polled
    screen_event(session, event, now=AT_1625, publish=Recorder())
    session.commit()
    assert hits(session, event) == {
        "B-2": ("Boris Attrapov", "sanctions"),
        "B-3": ("Teodora Scheinberg", "wanted"),
    }
    # switched on, the feed's non-targets are screened at once, not at the next change
    update_feed(Write(session, "admin", AT_1625, Recorder()), feed.id,
                {"screen_non_targets": True}, fetch)  # fmt: skip
    session.commit()
    found = hits(session, event)
    assert found["B-1"] == ("Hildegard Fiktivmann", "pep")
    assert found["B-2"] == ("Boris Attrapov", "sanctions")


def test_rows_hashed_before_target_existed_are_not_changed_by_it(session, polled):
    # The hash as it was computed before 0016 (no `target`): a stored target must still
    # match it, or the first poll after the upgrade reopens every dismissed hit.
    _, feed, fetch = polled
    rows = session.scalars(select(WatchlistRecord).where(WatchlistRecord.feed_id == feed.id))
    for row in rows:
        values = {k: getattr(row, k) for k in watchlist.FIELDS if k != "target"}
        old = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode())
        assert (row.content_hash == old.hexdigest()) is row.target
    feed.etag = feed.last_modified = None
    session.commit()
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert result.watchlist == {"added": 0, "changed": 0, "removed": 0}


def test_screen_non_targets_is_a_boolean_shown_in_the_feed_status(session, polled):
    _, feed, fetch = polled
    w = Write(session, "admin", AT_1625, Recorder())
    with pytest.raises(InputError, match="screen_non_targets must be true or false"):
        update_feed(w, feed.id, {"screen_non_targets": "yes"}, fetch)
    change = update_feed(w, feed.id, {"screen_non_targets": True}, fetch)
    assert change.before["screen_non_targets"] is False
    assert change.after["screen_non_targets"] is True


def test_a_list_with_names_longer_than_a_record_keeps_is_read_not_failed(session, feed_server):
    """A 600-character name, a 3,000-character URL and a 300-character id in an export of
    an OpenSanctions shape: on PostgreSQL one such entity failed the whole list's poll."""
    event = make_event(session)
    session.commit()
    good = {"id": "NK-long-1", "schema": "Person", "target": True,
            "properties": {"name": ["Boris " + "Attrapov" * 75], "topics": ["sanction"],
                           "sourceUrl": ["https://example.org/" + "p" * 3000]}}  # fmt: skip
    odd = {"id": "NK-" + "x" * 300, "schema": "Person", "target": True,
           "properties": {"name": ["Teodora Scheinberg"], "topics": ["wanted"]}}  # fmt: skip
    lines = "\n".join(json.dumps(e) for e in (good, odd)).encode()
    feed_server.put(HOST, "/long.ftm.json", lines)
    fetch = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    feed = add_feed(session, event, url=f"https://{HOST}/long.ftm.json", kind="ftm")
    assert poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625).ok
    session.commit()
    [row] = session.scalars(select(WatchlistRecord).where(WatchlistRecord.feed_id == feed.id))
    assert row.source_id == "NK-long-1" and row.name.startswith("Boris Attrapov")
    assert len(row.name) <= 500 and len(row.url) <= 2000
