// The threat queue beside the map, and the threat a commander selects from it or the map.
import { get, refusal, send } from "./api.js";
import { askAssignee } from "./assign.js";
import { ask } from "./ask.js";
import { showDetail } from "./detail.js";
import { el } from "./dom.js";
import { focusThreat } from "./markers.js";
import { LANGUAGE, settings, T, t, word } from "./page.js";
import { picture } from "./picture.js";
import { missingWords, queueRows, whereText } from "./queue.js";
import { headline, learnWords } from "./threats.js";

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
  if (threat.status === "new") act(T.acknowledge, () => ({ status: "acknowledged" }));
  act(T.assign, async () => {
    const who = await askAssignee({ subject, value: threat.assignee || "" }); // assign.js
    return who ? { status: "assigned", assignee: who } : null;
  });
  act(T.resolve, asked(T.resolve, T.note_optional, "resolved"));
  act(T.dismiss, asked(T.dismiss, T.why_dismiss, "dismissed"));
  return box;
}

function row(threat) {
  const item = el("li", `threat severity-${threat.severity}`);
  item.dataset.threatId = threat.id;
  if (threat.id === picture.selected) item.classList.add("selected");
  item.appendChild(el("span", "sev", word("severity", threat.severity)));
  item.appendChild(el("span", "title", headline(threat, LANGUAGE, T.threat))).dir = "auto";
  item.appendChild(el("span", "zones", whereText(threat, picture.zoneNames, t))).dir = "auto"; // feed text: any script
  item.appendChild(el("span", "status", word("status", threat.status) + (threat.assignee ? ` → ${threat.assignee}` : "")));
  if (settings.canAct) item.appendChild(actionButtons(threat));
  item.addEventListener("click", () => select(threat.id));
  return item;
}

export function renderThreatList() {
  const rows = queueRows([...picture.threats.values()].map((known) => known.threat));
  document.getElementById("threat-list").replaceChildren(...rows.map(row));
  document.getElementById("threat-count").textContent = picture.threats.size;
  fetchMissingWords(rows);
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
