// The live link: join the event's room, take the snapshot, apply the numbered deltas after
// it, and resync from the last applied seq after any gap, reconnect or hidden tab.
import { alarm, settleAlarms } from "./alarm.js";
import { renderFeeds } from "./feeds.js";
import { clearThreats, putThreat } from "./markers.js";
import { settings } from "./page.js";
import { picture } from "./picture.js";
import { APPLY, GAP, resyncWhenShown, Sequence } from "./sequence.js";
import { renderStaffing } from "./staffing.js";
import { afterSnapshot, noteThreat, renderThreatList, select } from "./threat_list.js";
import { fromFeature, fromTable, LOUD, OPEN } from "./threats.js";
import { rememberZone, replaceZone } from "./zones.js";

export const sequence = new Sequence();
let socket = null;

function setSeq(seq) {
  sequence.advance(seq);
  document.getElementById("live-seq").textContent = seq;
}

function setStale(stale) {
  document.getElementById("stale").hidden = !stale;
  document.body.classList.toggle("is-stale", stale);
}

function resync() {
  socket.emit("join", sequence.join(settings.eventId), (answer) => {
    if (answer && answer.ok) setStale(false);
  });
}

function applySnapshot(snap) {
  clearThreats();
  picture.askedWords.clear(); // a new picture: what it left out may be asked for again
  picture.zoneNames.clear();
  snap.zones.features.forEach(rememberZone);
  fromTable(snap.threats).forEach(putThreat);
  picture.feeds.clear();
  snap.feeds.forEach((f) => picture.feeds.set(f.id, f));
  picture.staffing = snap.staffing || { zones: {} };
  setSeq(snap.seq);
  afterSnapshot();
  settleAlarms();
  renderFeeds();
  renderStaffing();
}

function applyThreat(kind, feature) {
  const threat = fromFeature(feature);
  putThreat(threat);
  noteThreat(threat);
  renderThreatList();
  if (kind === "threat_created" && LOUD.has(threat.severity) && OPEN.has(threat.status)) alarm(threat);
  else settleAlarms();
  if (threat.id === picture.selected) select(threat.id);
}

function applyDelta(delta) {
  const verdict = sequence.judge(delta);
  if (verdict === GAP) resync(); // ask for what was missed; it replays this one too
  if (verdict !== APPLY) return;
  const data = delta.data || {};
  if (delta.kind === "threat_created" || delta.kind === "threat_updated") {
    applyThreat(delta.kind, data);
  } else if (delta.kind === "feed_status") {
    picture.feeds.set(data.id, data);
    renderFeeds();
  } else if (delta.kind === "staffing_changed") {
    picture.staffing = data;
    renderStaffing();
  } else if (delta.kind === "zone_changed") {
    replaceZone(data);
  }
  setSeq(delta.seq);
}

// The socket early.js opened while the modules loaded, with what it heard replayed in order;
// a new one when there is none (a page without early.js).
export function connect() {
  const early = window.eventwatchEarly;
  const auth = settings.wallToken ? { wall: settings.wallToken } : undefined;
  socket = early ? early.socket : window.io("/live", { transports: ["websocket", "polling"], auth });
  const joinedEarly = early && early.joined(); // its first join is sent: not again
  const handlers = {
    disconnect: () => setStale(true),
    connect_error: () => setStale(true),
    snapshot: applySnapshot,
    delta: applyDelta,
    joined: (answer) => { if (answer && answer.ok) setStale(false); },
  };
  socket.on("connect", resync);
  for (const name of ["disconnect", "connect_error", "snapshot", "delta"]) socket.on(name, handlers[name]);
  if (early) early.handOver(handlers);
  if (socket.connected && !joinedEarly) resync();
  document.addEventListener("visibilitychange", () => {
    if (resyncWhenShown(document.visibilityState, socket.connected)) resync();
  });
  return socket;
}

export function currentSocket() {
  return socket;
}
