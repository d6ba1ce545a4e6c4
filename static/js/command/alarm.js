// A new severe or extreme threat: a flash over the map, the row marked fresh, and a beep
// unless this browser was muted (remembered across reloads).
import { LANGUAGE, LOCALE, T, t, word } from "./page.js";
import { picture } from "./picture.js";
import { alarmWhere, placeNames, zoneNames } from "./queue.js";
import { headline } from "./threats.js";

const MUTED_KEY = "eventwatch.muted";
const FLASH_MS = 8000;
let muted = localStorage.getItem(MUTED_KEY) === "1";

export function alarm(threat) {
  const flash = document.getElementById("flash");
  // The joined names split again: a zone name with ", " in it counts as two.
  const where = threat.places && threat.places.length
    ? t("whole_event", { places: placeNames(threat.places) })
    : alarmWhere(zoneNames(threat, picture.zoneNames).split(", ").filter(Boolean), t);
  flash.textContent = `${word("severity", threat.severity).toLocaleUpperCase(LOCALE)}: ${headline(threat, LANGUAGE, T.new_threat)}${where ? " — " + where : ""}`;
  flash.hidden = false;
  window.setTimeout(() => { flash.hidden = true; }, FLASH_MS);
  const item = document.querySelector(`li.threat[data-threat-id="${threat.id}"]`);
  if (item) item.classList.add("fresh");
  if (!muted) beep();
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
  } catch (e) { /* no audio device: the flash is enough */ }
}

function setMuted(value) {
  muted = value;
  localStorage.setItem(MUTED_KEY, value ? "1" : "0");
  const button = document.getElementById("mute");
  if (button) {
    button.textContent = value ? T.sound_off : T.sound_on;
    button.setAttribute("aria-pressed", String(value));
  }
}

export function setUpMute() {
  const button = document.getElementById("mute");
  if (button) button.addEventListener("click", () => setMuted(!muted));
  setMuted(muted);
}
