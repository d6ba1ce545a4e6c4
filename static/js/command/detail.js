// The selected threat in full: its words, when it came, where it is, the parts other views
// add (addDetailSection: reach.js), who is posted in its zones, its latest log.
import { clock, el } from "./dom.js";
import { LANGUAGE, T, t, word } from "./page.js";
import { ageText, placeNames } from "./queue.js";
import { headline, inLanguage } from "./threats.js";

const LOG_ENTRIES = 5;
const sections = []; // other modules' parts of the detail (reach.js): each p -> [nodes]

// A module adds its own part to every threat's detail, before who is on duty in its zones.
export function addDetailSection(section) {
  sections.push(section);
}

function staffing(zones) {
  const parts = [];
  for (const z of zones) {
    parts.push(el("div", null, t("zone_staffing", z)));
    const list = el("ul");
    for (const person of z.on_duty) list.appendChild(el("li", null, `${person.name} (${person.role_label || person.role}, ${person.agency}) ${person.phone || ""}`));
    if (z.on_duty.length) parts.push(list);
  }
  return parts;
}

function logLine(entry) {
  return el("div", "hint", `${clock(entry.at)} ${entry.actor}: ${entry.action}${entry.note ? " — " + entry.note : ""}`);
}

// The source's expiry closes only a threat nobody took up: a worked one says it has passed.
function expiry(at) {
  const ended = new Date(at) <= new Date();
  return el("div", ended ? "source-ended" : "hint", t(ended ? "source_ended" : "source_ends", { time: clock(at) }));
}

// "Received 14:02 · 12 min": the age moves on with the list's (threat_list.js, updateAges).
function received(at) {
  const line = el("div", "received-line", t("received_at", { time: clock(at) }));
  const age = el("span", "age", ageText(Date.now() - Date.parse(at), t));
  age.dataset.received = Date.parse(at);
  line.append(" · ", age);
  return line;
}

// Every zone or place, where the list's row names the first and how many more.
function where(p) {
  const names = (p.zones || []).map((z) => z.name).join(", ");
  const line = p.places && p.places.length ? el("div", "whole-event", t("whole_event", { places: placeNames(p.places) }))
    : names ? el("div", "zone-names", t("zones_list", { zones: names })) : null;
  if (line) line.dir = "auto"; // planners' and feeds' names: any script
  return line;
}

// `p`: the properties of GET /threats/<id>, with staffing_now and log (not for partners).
export function showDetail(panel, p) {
  const words = inLanguage(p, LANGUAGE);
  const heading = el("h3", null, headline(p, LANGUAGE, T.threat));
  heading.dir = "auto";
  const parts = [heading,
    el("div", null, [p.kind, word("severity", p.severity), word("status", p.status), p.assignee].filter(Boolean).join(" · "))];
  if (p.first_seen) parts.push(received(p.first_seen));
  const zones = where(p);
  if (zones) parts.push(zones);
  if (p.expires_at) parts.push(expiry(p.expires_at));
  for (const section of sections) parts.push(...section(p));
  parts.push(...staffing(p.staffing_now || []));
  for (const [text, cls] of [[words.description, "description"], [words.instruction, "instruction"]]) {
    if (text) parts.push(el("p", cls, text));
    if (text) parts.at(-1).dir = "auto";
  }
  parts.push(...(p.log || []).slice(-LOG_ENTRIES).map(logLine));
  panel.replaceChildren(...parts);
  panel.hidden = false;
  document.getElementById("detail-empty").hidden = true;
}
