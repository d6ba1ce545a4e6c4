// Check people in or out, or divert them to the selected threat, from the command page.
import { get, send } from "./api.js";
import { el } from "./dom.js";
import { settings, T, word } from "./page.js";
import { picture } from "./picture.js";
import { select } from "./threat_list.js";

// The datalist's labels name people as a commander types them; the label finds the id.
function listPeople(personnel) {
  const byLabel = new Map();
  document.getElementById("people").replaceChildren(...personnel.map((p) => {
    const label = `${p.name} · ${p.agency}${p.badge ? " #" + p.badge : ""}`;
    byLabel.set(label, p.id);
    const option = el("option");
    option.value = label;
    return option;
  }));
  return byLabel;
}

function listZones(select, zones) {
  for (const z of zones) {
    const option = el("option", null, z.properties.name);
    option.value = z.properties.id;
    select.appendChild(option);
  }
}

async function act(action, byLabel, zoneSelect) {
  const person = document.getElementById("checkin-person");
  const message = document.getElementById("checkin-message");
  const personId = byLabel.get(person.value);
  if (!personId) { message.textContent = T.pick_person; return; }
  const body = { person_id: personId, action };
  if (zoneSelect.value) body.zone_id = Number(zoneSelect.value);
  if (action === "divert") body.threat_id = picture.selected;
  const response = await send("POST", `${settings.api}/checkins`, body);
  const answer = await response.json();
  message.textContent = response.ok ? `${person.value}: ${word("duty", answer.status)}` : answer.error.message;
  // The threat's detail and map say who was sent to it (command/reach.js).
  if (response.ok && action === "divert" && body.threat_id === picture.selected) select(picture.selected);
}

export async function setUpCheckIn() {
  const form = document.getElementById("checkin");
  if (!form) return;
  const [people, zones] = await Promise.all([
    get("/api/v1/personnel").then((r) => r.json()),
    get(`${settings.api}/zones`).then((r) => r.json()),
  ]);
  const byLabel = listPeople(people.personnel);
  const zoneSelect = document.getElementById("checkin-zone");
  listZones(zoneSelect, zones.features);
  form.addEventListener("click", (e) => {
    const action = e.target.dataset && e.target.dataset.action;
    if (action) act(action, byLabel, zoneSelect);
  });
}
