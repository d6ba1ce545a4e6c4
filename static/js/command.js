// Live command view: joins the event room, draws threats and staffing from the snapshot and
// deltas, resyncs from the last sequence number after any gap, reconnect or hidden tab, and
// lets a commander act on threats and check people in and out.
(function () {
  "use strict";
  const script = document.getElementById("command-js");
  // The page's words, translated on the server (maps/strings.py); `%(name)s` is filled in here.
  const T = JSON.parse(document.getElementById("i18n").textContent);
  const LOCALE = document.documentElement.lang || "en";
  const TIME_ZONE = script.dataset.timezone || undefined;
  const eventId = Number(script.dataset.eventId);
  const map = window[script.dataset.map];
  const zonesLayer = window[script.dataset.zones];
  const canAct = script.dataset.canAct === "yes";
  const api = script.dataset.api; // /api/v1/events/<id>
  const headers = { "Content-Type": "application/json", "X-CSRFToken": script.dataset.csrf };
  const SEVERITY_COLOURS = {
    extreme: "#7b0000", severe: "#d62728", moderate: "#ff7f0e", minor: "#e6c300", unknown: "#555",
  };
  const COVERAGE_COLOURS = { covered: "#2ca02c", short: "#ff9f1a", critical: "#d62728", none: "#9aa5b1" };
  // The ring says what kind of threat it is; the fill how severe.
  const KIND_RINGS = { met: "#1f6fd1", security: "#111", watchlist: "#8e44ad", incident: "#555" };
  const OPEN = new Set(["new", "acknowledged", "assigned"]);
  const LOUD = new Set(["severe", "extreme"]);
  const LIST_AT_MOST = 200; // the map shows every threat; the queue the latest 200
  const threats = new Map(); // id -> {threat, layer}; a threat as fromFeature() makes it
  const zoneNamesById = new Map();
  const askedWords = new Set(); // ids whose title was fetched once: never ask twice
  const feeds = new Map();
  const threatLayer = L.featureGroup().addTo(map);
  let lastSeq = null;
  let socket = null;
  let staffing = { zones: {} };
  let coverageMode = "live";
  let selected = null;
  let muted = localStorage.getItem("eventwatch.muted") === "1";

  function t(key, values) {
    return (T[key] || key).replace(/%\((\w+)\)[sd]/g, (_, name) => String(values[name] ?? ""));
  }

  function word(group, code) {
    return (T[group] && T[group][code]) || code;
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString(LOCALE, { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit" });
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function zoneNames(threat) {
    return threat.zones.map((id) => zoneNamesById.get(id)).filter(Boolean).join(", ");
  }

  // --- threats: one shape whether they came in the snapshot's table or in a delta -----

  function family(category) {
    return (category || "").split(",")[0].trim().toLowerCase();
  }

  function fromFeature(feature) {
    const p = feature.properties;
    const area = feature.geometry && feature.geometry.type !== "Point";
    return {
      id: p.id, point: p.point, outline: area ? feature.geometry : null,
      severity: p.severity, status: p.status, family: family(p.category), kind: p.kind,
      updated: Date.parse(p.updated_at) || 0, zones: (p.zones || []).map((z) => z.id),
      title: p.title, assignee: p.assignee, instruction: p.instruction, texts: p.texts,
    };
  }

  // A CAP alert in several languages: its words in the reader's language when it has them
  // (threats/languages.py keeps every block after the first by language), else the first's.
  const LANGUAGE = LOCALE.split("-")[0].toLowerCase();

  function inLanguage(words) {
    const own = (words.texts || {})[LANGUAGE] || {};
    const pick = (key) => own[key] || words[key];
    return { title: pick("title"), description: pick("description"), instruction: pick("instruction") };
  }

  // The snapshot's compact table (maps/compact.py): rows of `fields`, words as codes.
  function fromTable(table) {
    const at = Object.fromEntries(table.fields.map((name, i) => [name, i]));
    const base = table.base ? Date.parse(table.base) : 0;
    const decode = (row, name) => (row[at[name]] === null ? null : table.codes[name][row[at[name]]]);
    return table.rows.map((row) => {
      const id = row[at.id];
      return {
        id, point: row[at.lon] === null ? null : [row[at.lon], row[at.lat]], outline: table.outlines[id] || null,
        severity: decode(row, "severity"), status: decode(row, "status"), family: decode(row, "family"),
        kind: decode(row, "kind"), updated: row[at.updated] === null ? 0 : base + row[at.updated] * 1000,
        zones: row[at.zones] || [], ...(table.words[id] || {}),
      };
    });
  }

  // Words fetched later (a selected threat, the queue's rows) fill in what the table left out.
  function learn(properties) {
    const known = threats.get(properties.id);
    if (!known) return;
    for (const key of ["title", "assignee", "instruction", "kind", "texts"]) {
      if (properties[key]) known.threat[key] = properties[key];
    }
  }

  // --- threats on the map and in the queue -------------------------------------------

  function popup(threat) {
    const box = el("div", "threat-popup");
    const words = inLanguage(threat);
    box.appendChild(el("strong", null, words.title || threat.kind || T.threat)).dir = "auto";
    box.appendChild(el("div", null, [threat.kind, word("severity", threat.severity), word("status", threat.status)].filter(Boolean).join(" · ")));
    if (zoneNames(threat)) box.appendChild(el("div", null, t("zones_list", { zones: zoneNames(threat) })));
    if (words.instruction) box.appendChild(el("p", null, words.instruction)).dir = "auto";
    return box;
  }

  // A point threat is its marker alone; only an area needs a group (its outline, then the
  // marker): a group per threat doubled the layers Leaflet builds for a large snapshot.
  function drawThreat(threat) {
    const colour = SEVERITY_COLOURS[threat.severity] || SEVERITY_COLOURS.unknown;
    let marker = null;
    if (threat.point) {
      marker = L.circleMarker([threat.point[1], threat.point[0]], {
        radius: 9, color: KIND_RINGS[threat.family] || "#fff", weight: 3, fillColor: colour, fillOpacity: 0.95,
      }).bindPopup(() => popup(threats.get(threat.id).threat)).on("click", () => select(threat.id));
    }
    if (!threat.outline) return marker || L.featureGroup();
    const group = L.featureGroup([L.geoJSON(threat.outline, {
      style: { color: colour, weight: 1, fillOpacity: 0.08, dashArray: "4 3" }, interactive: false,
    })]);
    return marker ? group.addLayer(marker) : group;
  }

  function boundsOf(layer) {
    return layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
  }

  function putThreat(threat) {
    removeThreat(threat.id);
    if (!OPEN.has(threat.status)) return;
    threats.set(threat.id, { threat, layer: drawThreat(threat).addTo(threatLayer) });
  }

  function removeThreat(id) {
    const known = threats.get(id);
    if (known) threatLayer.removeLayer(known.layer);
    threats.delete(id);
  }

  function actionButtons(p) {
    const box = el("div", "actions");
    const act = (label, body) => {
      const b = el("button", "small secondary", label);
      b.type = "button";
      b.addEventListener("click", (e) => { e.stopPropagation(); change(p.id, body()); });
      box.appendChild(b);
    };
    if (p.status === "new") act(T.acknowledge, () => ({ status: "acknowledged" }));
    act(T.assign, () => {
      const who = window.prompt(T.assign_to, p.assignee || "");
      return who ? { status: "assigned", assignee: who } : null;
    });
    act(T.resolve, () => ({ status: "resolved", note: window.prompt(T.note_optional) || "" }));
    act(T.dismiss, () => ({ status: "dismissed", note: window.prompt(T.why_dismiss) || "" }));
    return box;
  }

  function renderThreatList() {
    const rows = [...threats.values()].map((known) => known.threat)
      .sort((a, b) => b.updated - a.updated).slice(0, LIST_AT_MOST);
    document.getElementById("threat-list").replaceChildren(...rows.map((p) => {
      const item = el("li", `threat severity-${p.severity}`);
      item.dataset.threatId = p.id;
      if (p.id === selected) item.classList.add("selected");
      item.appendChild(el("span", "sev", word("severity", p.severity)));
      item.appendChild(el("span", "title", inLanguage(p).title || p.kind || T.threat)).dir = "auto";
      item.appendChild(el("span", "zones", zoneNames(p))).dir = "auto"; // feed text: any script
      item.appendChild(el("span", "status", word("status", p.status) + (p.assignee ? ` → ${p.assignee}` : "")));
      if (canAct) item.appendChild(actionButtons(p));
      item.addEventListener("click", () => select(p.id));
      return item;
    }));
    document.getElementById("threat-count").textContent = threats.size;
    fetchMissingWords(rows);
  }

  // The snapshot has the titles of the newest 300 only; when enough of those close, older
  // rows move up into the queue and their words are fetched, once, in one request.
  async function fetchMissingWords(rows) {
    if (script.dataset.audience !== "full") return; // partners are never sent titles
    const missing = rows.filter((p) => !p.title && !askedWords.has(p.id)).map((p) => p.id);
    if (!missing.length) return;
    missing.forEach((id) => askedWords.add(id));
    const response = await fetch(`${api}/threats?ids=${missing.join(",")}`, { credentials: "same-origin" });
    if (!response.ok) return;
    for (const feature of (await response.json()).features) learn(feature.properties);
    renderThreatList();
  }

  async function change(id, body) {
    if (!body) return;
    const response = await fetch(`${api}/threats/${id}`, {
      method: "PATCH", headers, body: JSON.stringify(body), credentials: "same-origin",
    });
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try { message = (await response.json()).error.message; } catch (e) { /* not JSON */ }
      window.alert(t("not_changed", { message }));
    } // the change itself arrives as a delta, like everyone else's
  }

  async function select(id) {
    selected = id;
    renderThreatList();
    const known = threats.get(id);
    if (known) map.fitBounds(boundsOf(known.layer), { maxZoom: 16 });
    const panel = document.getElementById("threat-detail");
    const response = await fetch(`${api}/threats/${id}`, { credentials: "same-origin" });
    if (!response.ok) { panel.hidden = true; return; }
    const properties = (await response.json()).properties;
    learn(properties);
    renderThreatList();
    showDetail(panel, properties);
  }

  function showDetail(panel, p) {
    const words = inLanguage(p);
    const heading = el("h3", null, words.title || p.kind || T.threat);
    heading.dir = "auto";
    const parts = [heading,
      el("div", null, [p.kind, word("severity", p.severity), word("status", p.status), p.assignee].filter(Boolean).join(" · "))];
    for (const z of p.staffing_now || []) {
      parts.push(el("div", null, t("zone_staffing", z)));
      const list = el("ul");
      for (const person of z.on_duty) list.appendChild(el("li", null, `${person.name} (${person.role}, ${person.agency}) ${person.phone || ""}`));
      if (z.on_duty.length) parts.push(list);
    }
    for (const text of [words.description, words.instruction].filter(Boolean)) {
      parts.push(el("p", null, text));
      parts.at(-1).dir = "auto";
    }
    for (const entry of (p.log || []).slice(-5)) {
      parts.push(el("div", "hint", `${clock(entry.at)} ${entry.actor}: ${entry.action}${entry.note ? " — " + entry.note : ""}`));
    }
    panel.replaceChildren(...parts);
    panel.hidden = false;
  }

  // --- alerting ------------------------------------------------------------------------

  function alarm(props) {
    const flash = document.getElementById("flash");
    const zones = zoneNames(props).split(", ").filter(Boolean);
    const where = zones.length > 3 ? t("more_zones", { zones: zones.slice(0, 3).join(", "), count: zones.length - 3 }) : zones.join(", ");
    flash.textContent = `${word("severity", props.severity).toLocaleUpperCase(LOCALE)}: ${inLanguage(props).title || props.kind || T.new_threat}${where ? " — " + where : ""}`;
    flash.hidden = false;
    window.setTimeout(() => { flash.hidden = true; }, 8000);
    const item = document.querySelector(`li.threat[data-threat-id="${props.id}"]`);
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
    localStorage.setItem("eventwatch.muted", value ? "1" : "0");
    const button = document.getElementById("mute");
    if (button) {
      button.textContent = value ? T.sound_off : T.sound_on;
      button.setAttribute("aria-pressed", String(value));
    }
  }

  // --- staffing: zones coloured by who is there, or by the plan for a shift --------------

  function colourZones(coverage) {
    if (!zonesLayer) return;
    zonesLayer.eachLayer((layer) => {
      const id = String(layer.feature.properties.id);
      const status = (coverage[id] || {}).status || "none";
      const background = ["water", "airspace", "perimeter"].includes(layer.feature.properties.kind);
      layer.setStyle({ fillColor: COVERAGE_COLOURS[status], fillOpacity: background ? 0.08 : 0.45 });
      layer.feature.properties.staffing = status;
    });
  }

  function renderStaffing() {
    const names = {};
    if (zonesLayer) zonesLayer.eachLayer((l) => { names[l.feature.properties.id] = l.feature.properties.name; });
    const rows = Object.entries(staffing.zones || {}).filter(([, z]) => z.required || z.on_duty)
      .sort(([, a], [, b]) => b.short - a.short);
    document.querySelector("#staffing-table tbody").replaceChildren(...rows.map(([id, z]) => {
      const tr = el("tr", `cov-${z.status}`);
      tr.dataset.zoneId = id;
      for (const [text, cls] of [[names[id] || id, ""], [z.required, "num"], [z.on_duty, "num"], [z.short, "num"]]) tr.appendChild(el("td", cls, text));
      return tr;
    }));
    if (coverageMode === "live") colourZones(staffing.zones || {});
  }

  async function showPlanned(shiftId) {
    const response = await fetch(`${api}/gaps?shift=${shiftId}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const coverage = {};
    for (const g of (await response.json()).gaps) {
      const z = coverage[g.zone_id] || (coverage[g.zone_id] = { required: 0, have: 0 });
      z.required += g.required;
      z.have += Math.min(g.assigned, g.required);
    }
    for (const z of Object.values(coverage)) {
      z.status = !z.required ? "none" : z.have >= z.required ? "covered" : z.have < z.required / 2 ? "critical" : "short";
    }
    colourZones(coverage);
  }

  async function showNextShift() {
    const box = document.getElementById("next-shift");
    if (!box) return;
    const ids = JSON.parse(script.dataset.shifts || "[]");
    const starts = JSON.parse(script.dataset.shiftStarts || "[]").map((s) => new Date(s.replace(" ", "T")));
    const names = JSON.parse(script.dataset.shiftNames || "[]");
    const labels = JSON.parse(script.dataset.shiftLabels || "[]");
    const next = starts.findIndex((s) => s > new Date());
    if (next < 0) { box.textContent = T.no_later_period; return; }
    const response = await fetch(`${api}/gaps?shift=${ids[next]}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const rows = (await response.json()).gaps;
    const sum = (key) => rows.reduce((n, g) => n + g[key], 0);
    box.textContent = t("next_period", {
      name: names[next], start: labels[next], assigned: sum("assigned"), required: sum("required"), short: sum("short"),
    });
  }

  // --- zones changed by planners while the map is open --------------------------------

  function replaceZone(feature) {
    rememberZone(feature);
    if (!zonesLayer) return;
    zonesLayer.eachLayer((layer) => {
      if (layer.feature.properties.id === feature.properties.id) zonesLayer.removeLayer(layer);
    });
    if (!feature.properties.deleted && feature.geometry) zonesLayer.addData(feature);
    if (coverageMode === "live") colourZones(staffing.zones || {});
  }

  // --- feeds ---------------------------------------------------------------------------

  function renderFeeds() {
    document.getElementById("feed-list").replaceChildren(...[...feeds.values()].map((f) => {
      const item = el("li", f.healthy ? "feed ok" : "feed failing");
      item.appendChild(el("span", "name", f.name || f.kind));
      const when = f.last_success_at ? clock(f.last_success_at) : T.never;
      item.appendChild(el("span", "when", f.healthy ? t("feed_ok", { when }) : `${word("feed_state", f.state || "failing")}${f.last_error ? ": " + f.last_error : ""}`));
      return item;
    }));
  }

  // --- the live protocol ----------------------------------------------------------------

  function rememberZone(feature) {
    const p = feature.properties;
    if (p.deleted) zoneNamesById.delete(p.id);
    else zoneNamesById.set(p.id, p.name);
  }

  function applySnapshot(snap) {
    threatLayer.clearLayers();
    threats.clear();
    askedWords.clear(); // a new picture: what it left out may be asked for again
    zoneNamesById.clear();
    snap.zones.features.forEach(rememberZone);
    fromTable(snap.threats).forEach(putThreat);
    feeds.clear();
    snap.feeds.forEach((f) => feeds.set(f.id, f));
    staffing = snap.staffing || { zones: {} };
    setSeq(snap.seq);
    renderThreatList();
    renderFeeds();
    renderStaffing();
  }

  function applyDelta(delta) {
    if (lastSeq === null || delta.seq <= lastSeq) return; // before the snapshot, or a repeat
    if (delta.seq > lastSeq + 1) { resync(); return; } // a gap: ask for what was missed
    const data = delta.data || {};
    if (delta.kind === "threat_created" || delta.kind === "threat_updated") {
      const p = fromFeature(data);
      putThreat(p);
      renderThreatList();
      if (delta.kind === "threat_created" && LOUD.has(p.severity) && OPEN.has(p.status)) alarm(p);
      if (p.id === selected) select(p.id);
    } else if (delta.kind === "feed_status") {
      feeds.set(data.id, data);
      renderFeeds();
    } else if (delta.kind === "staffing_changed") {
      staffing = data;
      renderStaffing();
    } else if (delta.kind === "zone_changed") {
      replaceZone(data);
    }
    setSeq(delta.seq);
  }

  const applied = []; // the sequence numbers applied, in order (the last 500), for checking

  function setSeq(seq) {
    applied.push(seq);
    if (applied.length > 500) applied.shift();
    lastSeq = seq;
    document.getElementById("live-seq").textContent = seq;
  }

  function setStale(stale) {
    document.getElementById("stale").hidden = !stale;
    document.body.classList.toggle("is-stale", stale);
  }

  function resync() {
    socket.emit("join", { event_id: eventId, since: lastSeq }, (answer) => {
      if (answer && answer.ok) setStale(false);
    });
  }

  function connect() {
    const auth = script.dataset.wallToken ? { wall: script.dataset.wallToken } : undefined;
    socket = io("/live", { transports: ["websocket", "polling"], auth });
    socket.on("connect", resync);
    socket.on("disconnect", () => setStale(true));
    socket.on("connect_error", () => setStale(true));
    socket.on("snapshot", applySnapshot);
    socket.on("delta", applyDelta);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && socket.connected) resync();
    });
  }

  // --- check in / out / divert ---------------------------------------------------------

  async function setUpCheckIn() {
    const form = document.getElementById("checkin");
    if (!form) return;
    const [people, zones] = await Promise.all([
      fetch("/api/v1/personnel", { credentials: "same-origin" }).then((r) => r.json()),
      fetch(`${api}/zones`, { credentials: "same-origin" }).then((r) => r.json()),
    ]);
    const byLabel = new Map();
    document.getElementById("people").replaceChildren(...people.personnel.map((p) => {
      const label = `${p.name} · ${p.agency}${p.badge ? " #" + p.badge : ""}`;
      byLabel.set(label, p.id);
      const option = el("option");
      option.value = label;
      return option;
    }));
    const zoneSelect = document.getElementById("checkin-zone");
    for (const z of zones.features) {
      const option = el("option", null, z.properties.name);
      option.value = z.properties.id;
      zoneSelect.appendChild(option);
    }
    form.addEventListener("click", async (e) => {
      const action = e.target.dataset && e.target.dataset.action;
      if (!action) return;
      const personId = byLabel.get(document.getElementById("checkin-person").value);
      const message = document.getElementById("checkin-message");
      if (!personId) { message.textContent = T.pick_person; return; }
      const body = { person_id: personId, action };
      if (zoneSelect.value) body.zone_id = Number(zoneSelect.value);
      if (action === "divert") body.threat_id = selected;
      const response = await fetch(`${api}/checkins`, {
        method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin",
      });
      const answer = await response.json();
      message.textContent = response.ok ? `${document.getElementById("checkin-person").value}: ${word("duty", answer.status)}` : answer.error.message;
    });
  }

  document.getElementById("coverage-mode").addEventListener("change", (e) => {
    coverageMode = e.target.value;
    if (coverageMode === "live") colourZones(staffing.zones || {});
    else showPlanned(coverageMode);
  });
  const muteButton = document.getElementById("mute");
  if (muteButton) muteButton.addEventListener("click", () => setMuted(!muted));
  setMuted(muted);
  const overlays = zonesLayer ? { [T.layer_zones]: zonesLayer, [T.layer_threats]: threatLayer } : { [T.layer_threats]: threatLayer };
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);

  window.eventwatch = {
    threatCount: () => threats.size,
    zoneCount: () => {
      let n = 0;
      map.eachLayer((layer) => { if (layer.feature && layer.feature.properties.kind) n += 1; });
      return n;
    },
    zoneFill: (id) => {
      let fill = null;
      zonesLayer.eachLayer((l) => { if (l.feature.properties.id === id) fill = l.options.fillColor; });
      return fill;
    },
    threatStatus: (id) => (threats.get(id) ? threats.get(id).threat.status : null),
    lastSeq: () => lastSeq,
    applied: () => applied.slice(),
    socket: () => socket,
  };
  connect();
  if (canAct) setUpCheckIn();
  if (script.dataset.audience === "full") showNextShift();
})();
