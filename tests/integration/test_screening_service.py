"""Badge holders screened against a watchlist feed on a real database: hits, threats,
dismissals that stay dismissed, and re-screening only what changed."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from common.writes import Write
from tests.factories import make_event
from tests.support.feedserver import FEEDS
from tests.support.polling import AT_1625, Recorder, add_feed
from threats.models import ScreeningHit, Threat
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed
from threats.screening.screening_service import REVIEW_THRESHOLD, import_credentials, screen_event
from threats.threat_service import update_threat

DEVSET = FEEDS.parent / "screening"
HOST = "data.opensanctions.org"
PATH = "/datasets/devset/entities.ftm.json"


@pytest.fixture
def screened(session, feed_server):
    event = make_event(session)
    session.commit()
    feed_server.put(HOST, PATH, (DEVSET / "watchlist.ftm.jsonl").read_bytes())
    fetch = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    feed = add_feed(session, event, url=f"https://{HOST}{PATH}", kind="ftm")
    assert poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625).ok
    report = import_credentials(session, event, (DEVSET / "roster.csv").read_bytes(), AT_1625)
    published = Recorder()
    result = screen_event(session, event, now=AT_1625, publish=published)
    session.commit()
    return event, feed, fetch, report, result, published


def pairs(session, event, status=None):
    rows = session.scalars(select(ScreeningHit).where(ScreeningHit.event_id == event.id)).all()
    return {(r.credential.credential_id, r.entry.source_id): r for r in rows
            if status is None or r.status == status}  # fmt: skip


def test_the_roster_is_screened_with_the_dev_sets_recall_and_precision(session, screened):
    event, _, _, report, result, published = screened
    assert (report.created, report.refused) == (1500, [])
    assert result.screened == 1500
    labels = list(csv.DictReader((DEVSET / "labels.csv").read_text().splitlines()))
    true = {(r["credential_id"], r["watchlist_id"]) for r in labels if r["label"] == "1"}
    found = set(pairs(session, event))
    recall = len(found & true) / len(true)
    precision = len(found & true) / len(found)
    assert recall >= 0.95 and precision >= 0.90, (recall, precision)
    hit = next(iter(pairs(session, event).values()))
    assert hit.explanation and 0 < hit.score <= 100
    strong = [r for r in pairs(session, event).values() if r.score >= REVIEW_THRESHOLD]
    assert strong and all(r.threat_id for r in strong)
    assert sum(d["kind"] == "threat_created" for d in published.deltas) == len(strong)


def test_a_dismissed_pair_does_not_come_back_unless_the_entry_changes(
    session, screened, feed_server
):
    event, feed, fetch, _, _, _ = screened
    row = max(pairs(session, event).values(), key=lambda r: r.score)
    threat = session.get(Threat, row.threat_id)
    dismiss = {"status": "dismissed", "note": "namesake"}
    update_threat(Write(session, "cmdr", AT_1625, Recorder()), event, threat.id, dismiss)
    session.commit()
    assert row.status == "dismissed" and row.decided_by == "cmdr"
    again = screen_event(session, event, now=AT_1625 + timedelta(hours=1), publish=Recorder(),
                         full=True)  # fmt: skip
    assert again.reopened == 0 and row.status == "dismissed"
    # The source changes that entry (a new alias): the pair is reviewed again.
    lines = (DEVSET / "watchlist.ftm.jsonl").read_text().splitlines()
    changed = []
    for line in lines:
        entity = json.loads(line)
        if entity["id"] == row.entry.source_id:
            entity["properties"].setdefault("alias", []).append("Added Alias")
        changed.append(json.dumps(entity, ensure_ascii=False))
    feed_server.put(HOST, PATH, ("\n".join(changed) + "\n").encode())
    later = AT_1625 + timedelta(hours=2)
    poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=later)
    result = screen_event(session, event, now=later, publish=Recorder())
    assert result.reopened == 1 and row.status == "new"
    assert session.get(Threat, row.threat_id).status == "new"


def test_only_what_changed_is_screened_again(session, screened):
    event, _, _, _, _, _ = screened
    nothing = screen_event(session, event, now=AT_1625 + timedelta(minutes=5), publish=Recorder())
    assert nothing.screened == 0
    roster = (DEVSET / "roster.csv").read_text().splitlines()
    header, first = roster[0], roster[1].split(",")
    first[1] = "Renamed Person"
    report = import_credentials(session, event, f"{header}\n{','.join(first)}\n".encode(), AT_1625)
    assert report.updated == 1
    one = screen_event(session, event, now=AT_1625 + timedelta(minutes=6), publish=Recorder())
    assert one.screened <= 1
