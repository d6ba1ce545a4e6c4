// The threat queue beside the map, its filters, the closed threats a commander may reopen,
// and the threat a commander selects from it or the map.
import { get, refusal, send } from "./api.js";
import { askAssignee } from "./assign.js";
import { ask } from "./ask.js";
import { showDetail } from "./detail.js";
import { clock, el } from "./dom.js";
import { setDrawerCount } from "./drawer.js";
import { focusThreat } from "./markers.js";
import { LANGUAGE, LOCALE, settings, T, t, word } from "./page.js";
import { picture } from "./picture.js";
import {
  ageText, CLOSED, closedRows, countText, filterThreats, isFiltered, kindsOf, missingWords, queueRows, whereSummary,
} from "./queue.js";
import { fromFeature, headline, learnWords, OPEN } from "./threats.js";

const AGE_EVERY_MS = 60_000;
const filter = { status: "", kind: "", zone: "" }; // as the selects above the list say

function learn(properties) {
  const known = picture.threats.get(properties.id);
  if (known) learnWords(known.threat, properties);
}

// The change itself arrives as a delta, like everyone else's; made to the threat as shown.
async function change(threat, body) {
  if (!body) return;
  const response = await send("PATCH", `${settings.api}/threats/${threat.id}`, body, threat.updated);
  if (!response.ok) window.alert(t("not_changed", { message: await refusal(response) }));
}

function actionButtons(threat) {
  const box = el("div", "actions");
  const act = (label, body) => {
    const b = el("button", "small secondary", label);
    b.type = "button";
    b.addEventListener("click", async (e) => { e.stopPropagation(); change(threat, await body()); });
    box.appendChild(b);
  };
  // A question answered with Cancel (null) sends nothing; an empty note is still a note.
  const subject = headline(threat, LANGUAGE, T.threat);
  const asked = (title, label, status) => async () => {
    const note = await ask({ title, subject, label });
    return note === null ? null : { status, note };
  };
  if (!OPEN.has(threat.status)) {
    // Reopened as acknowledged, not new: someone has taken it up, and a new threat whose
    // source has expired would be closed again by the expiry at once.
    act(T.reopen, async () => {
      const note = await ask({ title: T.reopen, subject, label: T.why_reopen, required: true });
      return note ? { status: "acknowledged", note } : null;
    });
    return box;
  }
  if (threat.status === "new") act(T.acknowledge, () => ({ status: "acknowledged" }));
  act(T.assign, async () => {
    const who = await askAssignee({ subject, value: threat.assignee || "" }); // assign.js
    return who ? { status: "assigned", assignee: who } : null;
  });
  act(T.resolve, asked(T.resolve, T.note_optional, "resolved"));
  act(T.dismiss, asked(T.dismiss, T.why_dismiss, "dismissed"));
  return box;
}

// When it was received and how long ago; the age is kept current by updateAges().
export function receivedParts(received) {
  const time = el("time", "received", clock(received));
  time.dateTime = new Date(received).toISOString();
  time.title = t("received_at", { time: clock(received) });
  const age = el("span", "age", ageText(Date.now() - received, t));
  age.dataset.received = received;
  return [time, age];
}

function row(threat) {
  const item = el("li", `threat severity-${threat.severity || "unknown"}`);
  item.dataset.threatId = threat.id;
  item.tabIndex = 0; // reached with Tab, chosen with Enter, in the drawer as beside the map
  if (threat.id === picture.selected) item.classList.add("selected");
  if (picture.alarms.some((waiting) => waiting.id === threat.id)) item.classList.add("fresh");
  item.appendChild(el("span", "sev", word("severity", threat.severity || "unknown")));
  item.appendChild(el("span", "title", headline(threat, LANGUAGE, T.threat))).dir = "auto";
  const when = item.appendChild(el("span", "when"));
  if (threat.received) when.append(...receivedParts(threat.received));
  const where = whereSummary(threat, picture.zoneNames, t);
  const zones = item.appendChild(el("span", "zones", where.short)); // feed text: any script
  zones.dir = "auto";
  if (where.full !== where.short) zones.title = where.full;
  item.appendChild(el("span", "status", word("status", threat.status) + (threat.assignee ? ` → ${threat.assignee}` : "")));
  if (settings.canAct) item.appendChild(actionButtons(threat));
  item.addEventListener("click", () => select(threat.id));
  item.addEventListener("keydown", (e) => {
    if (e.target === item && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); select(threat.id); }
  });
  return item;
}

// Open threats as the picture has them (the snapshot's table says when each was received).
function openThreats() {
  return [...picture.threats.values()].map(({ threat }) => threat);
}

// A select's options, rebuilt only when they changed. What was chosen stays a choice while
// no threat has it: the list says "0 of 40" rather than dropping the commander's filter.
function setChoices(select, choices, label) {
  const chosen = filter[select.dataset.filter];
  if (chosen && !choices.some(([value]) => value === chosen)) choices.push([chosen, label(chosen)]);
  const key = JSON.stringify(choices);
  if (select.dataset.choices === key) return;
  select.dataset.choices = key;
  const first = select.options[0];
  const options = choices.map(([value, text]) => {
    const option = el("option", null, text);
    option.value = value;
    return option;
  });
  select.replaceChildren(first, ...options);
  select.value = chosen;
}

function refreshChoices(threats) {
  setChoices(document.getElementById("filter-kind"), kindsOf(threats, LOCALE).map((kind) => [kind, kind]), (kind) => kind);
  const zones = [...picture.zoneNames].sort(([, a], [, b]) => a.localeCompare(b, LOCALE));
  const zoneName = (id) => picture.zoneNames.get(Number(id)) || id; // a zone deleted meanwhile: its id
  setChoices(document.getElementById("filter-zone"), zones.map(([id, name]) => [String(id), name]), zoneName);
}

function note(text) {
  const box = document.getElementById("list-note");
  box.textContent = text || "";
  box.hidden = !text;
}

function listNote(closedView, shown, listed) {
  if (closedView && picture.closed === null) return T.loading_closed;
  if (!shown) return isFiltered(filter) ? T.none_match : closedView ? T.no_closed : T.no_open;
  return shown > listed ? t("list_first", { count: listed }) : "";
}

export function renderThreatList() {
  const closedView = filter.status === CLOSED;
  const all = closedView ? [...(picture.closed || new Map()).values()] : openThreats();
  refreshChoices(all);
  const shown = filterThreats(all, filter);
  const rows = closedView ? closedRows(shown) : queueRows(shown);
  document.getElementById("threat-list").replaceChildren(...rows.map(row));
  document.getElementById("threat-count").textContent = countText(shown.length, all.length, isFiltered(filter), t);
  note(listNote(closedView, shown.length, rows.length));
  setDrawerCount(picture.threats.size);
  if (!closedView) fetchMissingWords(rows);
}

// Titles the snapshot left out, for rows that moved up into the queue: once, in one request.
async function fetchMissingWords(rows) {
  if (settings.audience !== "full") return; // partners are never sent titles
  const missing = missingWords(rows, picture.askedWords);
  if (!missing.length) return;
  missing.forEach((id) => picture.askedWords.add(id));
  const response = await get(`${settings.api}/threats?ids=${missing.join(",")}`);
  if (!response.ok) return;
  for (const feature of (await response.json()).features) learn(feature.properties);
  renderThreatList();
}

// Resolved and dismissed threats, loaded when the list is asked for them; deltas keep them
// current from then on (noteThreat).
async function loadClosed() {
  const response = await get(`${settings.api}/threats?status=resolved,dismissed`);
  if (!response.ok) { note(t("closed_failed", { message: await refusal(response) })); return; }
  picture.closed = new Map((await response.json()).features.map((f) => [f.id, fromFeature(f)]));
  renderThreatList();
}

// A threat as a delta brought it: a closed one joins the closed list, a reopened one leaves it.
export function noteThreat(threat) {
  if (picture.closed === null) return;
  if (OPEN.has(threat.status)) picture.closed.delete(threat.id);
  else picture.closed.set(threat.id, threat);
}

// A new snapshot: the closed list may have missed changes.
export function afterSnapshot() {
  picture.closed = null;
  if (filter.status === CLOSED) loadClosed();
  renderThreatList();
}

// Every minute the ages move on: only their words change, no row is drawn again.
export function updateAges() {
  const now = Date.now();
  for (const age of document.querySelectorAll(".age[data-received]")) age.textContent = ageText(now - Number(age.dataset.received), t);
}

export function setUpFilters() {
  // A wall display has no login to ask the API for closed threats: it lists open ones only.
  if (settings.wallToken) document.querySelector(`#filter-status option[value="${CLOSED}"]`).remove();
  for (const [name, id] of [["status", "filter-status"], ["kind", "filter-kind"], ["zone", "filter-zone"]]) {
    const select = document.getElementById(id);
    select.dataset.filter = name;
    select.addEventListener("change", () => {
      filter[name] = select.value;
      if (name === "status" && select.value === CLOSED && picture.closed === null) loadClosed();
      renderThreatList();
    });
  }
  window.setInterval(updateAges, AGE_EVERY_MS);
}

export async function select(id) {
  picture.selected = id;
  renderThreatList();
  focusThreat(id);
  const panel = document.getElementById("threat-detail");
  const response = await get(`${settings.api}/threats/${id}`);
  if (!response.ok) { panel.hidden = true; return; }
  const properties = (await response.json()).properties;
  learn(properties);
  renderThreatList();
  showDetail(panel, properties);
}
