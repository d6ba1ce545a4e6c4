// A new severe or extreme threat: a banner above the map and the list, the row marked, and a
// beep unless this browser was muted (remembered across reloads) or is a wall display. The
// banner stays until someone acknowledges the threat: a commander with its Acknowledge
// button (or anyone's acknowledgement arriving live), a viewer who cannot act with Seen.
// Several wait in turn.
import { refusal, send } from "./api.js";
import { el } from "./dom.js";
import { showDrawer } from "./drawer.js";
import { LANGUAGE, LOCALE, settings, T, t, word } from "./page.js";
import { picture } from "./picture.js";
import { alarmWhere, placeNames, zoneList } from "./queue.js";
import { renderThreatList, select } from "./threat_list.js";
import { headline } from "./threats.js";

const MUTED_KEY = "eventwatch.muted";
let muted = localStorage.getItem(MUTED_KEY) === "1";
// A wall display never makes a sound: it has no mute button and no one at it to press one,
// so a beep there could not be stopped. The banner alone tells the room.
const silent = Boolean(settings.wallToken);
const flash = document.getElementById("flash");
const text = el("span", "flash-text");
const more = el("span", "flash-more");
const message = el("span", "flash-message");
const buttons = el("span", "flash-buttons");
const show = button(T.show, "secondary", () => { showDrawer(); select(picture.alarms[0].id); });
const done = button(settings.canAct ? T.acknowledge : T.seen, "done", () => settle(picture.alarms[0]));
buttons.append(show, done);
flash.append(text, more, buttons, message);

function button(label, cls, onClick) {
  const b = el("button", `small ${cls}`, label);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

function describe(threat) {
  // A zone name with ", " in it stays one name.
  const where = threat.places && threat.places.length
    ? t("whole_event", { places: placeNames(threat.places) })
    : alarmWhere(zoneList(threat, picture.zoneNames), t);
  return `${word("severity", threat.severity).toLocaleUpperCase(LOCALE)}: ${headline(threat, LANGUAGE, T.new_threat)}${where ? " — " + where : ""}`;
}

function showFirst() {
  const first = picture.alarms[0];
  flash.hidden = !first;
  if (!first) return;
  text.textContent = describe(first);
  more.textContent = picture.alarms.length > 1 ? t("alarms_waiting", { count: picture.alarms.length - 1 }) : "";
  message.textContent = "";
}

function drop(id) {
  picture.alarms = picture.alarms.filter((waiting) => waiting.id !== id);
  showFirst();
  renderThreatList();
}

// Acknowledged through the API (the change comes back as a delta for every viewer, and
// settleAlarms drops it there too); a viewer's Seen only hides it here.
async function settle(threat) {
  if (!settings.canAct) { drop(threat.id); return; }
  const current = (picture.threats.get(threat.id) || { threat }).threat;
  done.disabled = true;
  const response = await send("PATCH", `${settings.api}/threats/${threat.id}`, { status: "acknowledged" }, current.updated);
  done.disabled = false;
  if (response.ok) drop(threat.id);
  else message.textContent = t("not_changed", { message: await refusal(response) });
}

export function alarm(threat) {
  if (!picture.alarms.some((waiting) => waiting.id === threat.id)) picture.alarms.push(threat);
  showFirst();
  renderThreatList();
  if (!muted && !silent) beep();
}

// Someone acknowledged, assigned or closed a waiting threat: its banner goes, for everyone.
export function settleAlarms() {
  const before = picture.alarms.length;
  picture.alarms = picture.alarms.filter((waiting) => {
    const known = picture.threats.get(waiting.id);
    return known && known.threat.status === "new";
  });
  if (picture.alarms.length !== before) { showFirst(); renderThreatList(); }
}

function beep() {
  try {
    const audio = new (window.AudioContext || window.webkitAudioContext)();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.value = 0.2;
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.6);
  } catch (e) { /* no audio device: the banner is enough */ }
}

function setMuted(value) {
  muted = value;
  localStorage.setItem(MUTED_KEY, value ? "1" : "0");
  const toggle = document.getElementById("mute");
  if (toggle) {
    toggle.textContent = value ? T.sound_off : T.sound_on;
    toggle.setAttribute("aria-pressed", String(value));
  }
}

export function setUpMute() {
  const toggle = document.getElementById("mute");
  if (toggle) toggle.addEventListener("click", () => setMuted(!muted));
  setMuted(muted);
}
