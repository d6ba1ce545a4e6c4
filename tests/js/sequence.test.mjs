// The live protocol's numbering (static/js/command/sequence.js): every delta applied once,
// in order, whatever the network does.
import assert from "node:assert/strict";
import { test } from "node:test";

import { APPLY, DUPLICATE, EARLY, GAP, joinMessage, judge, resyncWhenShown, Sequence } from "../../static/js/command/sequence.js";

const EVENT = 7;

// The page's part of the protocol (command/live.js) without the socket: a resync asks the
// server for what came after `since`, and the server replays it in order.
class Page {
  constructor() {
    this.sequence = new Sequence();
    this.joins = [];
  }

  connect() {
    this.joins.push(this.sequence.join(EVENT));
  }

  snapshot(seq) {
    this.sequence.advance(seq);
  }

  delta(seq) {
    const verdict = this.sequence.judge({ seq });
    if (verdict === GAP) this.joins.push(this.sequence.join(EVENT));
    if (verdict === APPLY) this.sequence.advance(seq);
    return verdict;
  }

  replay(upTo, since = this.joins.at(-1).since) {
    for (let seq = since + 1; seq <= upTo; seq += 1) this.delta(seq);
  }
}

test("a page with no picture yet asks for a whole snapshot", () => {
  const page = new Page();
  page.connect();
  assert.deepEqual(page.joins, [{ event_id: EVENT, since: null }]);
});

test("a delta before the first snapshot is left to the snapshot", () => {
  const page = new Page();
  assert.equal(page.delta(4), EARLY);
  page.snapshot(5);
  assert.deepEqual(page.sequence.applied(), [5]);
});

test("the next delta is applied", () => {
  const page = new Page();
  page.snapshot(5);
  assert.equal(page.delta(6), APPLY);
  assert.equal(page.sequence.last, 6);
});

test("a duplicate delta is dropped", () => {
  const page = new Page();
  page.snapshot(5);
  page.delta(6);
  assert.equal(page.delta(6), DUPLICATE);
  assert.equal(page.delta(3), DUPLICATE);
  assert.deepEqual(page.sequence.applied(), [5, 6]);
});

test("a gap asks for a resync from the last applied seq, and the missed deltas follow", () => {
  const page = new Page();
  page.snapshot(5);
  assert.equal(page.delta(8), GAP);
  assert.equal(page.sequence.last, 5); // nothing past the gap is applied
  assert.deepEqual(page.joins.at(-1), { event_id: EVENT, since: 5 });
  page.replay(8);
  assert.deepEqual(page.sequence.applied(), [5, 6, 7, 8]);
});

test("a snapshot resets the seq, even to an earlier one", () => {
  const page = new Page();
  page.snapshot(40);
  page.delta(41);
  page.snapshot(12); // a new picture (the server's sequence was reset): it wins
  assert.equal(page.sequence.last, 12);
  assert.equal(page.delta(13), APPLY);
  assert.equal(page.delta(41), GAP);
  assert.deepEqual(page.joins.at(-1).since, 13);
});

test("deltas arriving out of order are applied once each, in order", () => {
  const page = new Page();
  page.snapshot(3);
  for (const seq of [5, 4, 7, 6]) page.delta(seq); // 5, 7 and 6 come early: each asks for a resync
  // Nothing remembers that a resync is under way: 6 asks again from 4. The second replay's
  // copies are then duplicates, and dropped.
  assert.deepEqual(page.joins.map((join) => join.since), [3, 4, 4]);
  for (const join of page.joins) page.replay(7, join.since);
  for (const seq of [5, 6, 7]) assert.equal(page.delta(seq), DUPLICATE); // the room's copies, late
  assert.deepEqual(page.sequence.applied(), [3, 4, 5, 6, 7]);
});

test("a reconnect asks for what came after the last applied seq", () => {
  const page = new Page();
  page.snapshot(5);
  page.delta(6);
  page.connect();
  assert.deepEqual(page.joins.at(-1), joinMessage(EVENT, 6));
});

test("a hidden tab shown again resyncs only when the link is up", () => {
  assert.equal(resyncWhenShown("visible", true), true);
  assert.equal(resyncWhenShown("visible", false), false); // the reconnect will resync
  assert.equal(resyncWhenShown("hidden", true), false);
});

test("judge on its own: the whole table", () => {
  assert.equal(judge(null, 1), EARLY);
  assert.equal(judge(0, 1), APPLY);
  assert.equal(judge(1, 1), DUPLICATE);
  assert.equal(judge(1, 3), GAP);
});

test("the applied seqs kept for checking are the latest few", () => {
  const sequence = new Sequence(3);
  for (const seq of [1, 2, 3, 4, 5]) sequence.advance(seq);
  assert.deepEqual(sequence.applied(), [3, 4, 5]);
  sequence.applied().push(99); // a copy: the page's record stays as it was
  assert.deepEqual(sequence.applied(), [3, 4, 5]);
});
