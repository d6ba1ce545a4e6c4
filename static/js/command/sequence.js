// The live protocol's numbering (maps/live_service.py): every delta carries the seq after the one
// before it, and a snapshot the seq it is current to. Pure: no DOM, no socket.

export const APPLY = "apply";
export const EARLY = "early"; // before the first snapshot: that snapshot will include it
export const DUPLICATE = "duplicate"; // the join replays from `since`; the room may send it too
export const GAP = "gap"; // one or more were missed: resync from the last applied
const KEEP = 500; // applied seqs kept for checking order (window.eventwatch.applied)

// Nothing is buffered: a delta past a gap is dropped, and the resync replays it in order.
export function judge(lastSeq, seq) {
  if (lastSeq === null) return EARLY;
  if (seq <= lastSeq) return DUPLICATE;
  if (seq > lastSeq + 1) return GAP;
  return APPLY;
}

// What to send on (re)connect, after a gap, or when a hidden tab is shown again: with no seq
// yet, `since: null` asks for a whole snapshot; else the server replays the deltas after it.
export function joinMessage(eventId, lastSeq) {
  return { event_id: eventId, since: lastSeq };
}

// A hidden tab may have been throttled: when it is shown, catch up, if there is a link.
export function resyncWhenShown(visibilityState, connected) {
  return visibilityState === "visible" && connected;
}

export class Sequence {
  constructor(keep = KEEP) {
    this.last = null;
    this.keep = keep;
    this.history = [];
  }

  judge(delta) {
    return judge(this.last, delta.seq);
  }

  // A snapshot sets the seq whatever it was: it is the whole picture as of that seq.
  advance(seq) {
    this.history.push(seq);
    if (this.history.length > this.keep) this.history.shift();
    this.last = seq;
  }

  join(eventId) {
    return joinMessage(eventId, this.last);
  }

  applied() {
    return this.history.slice();
  }
}
