// Live command view: joins the event room, draws threats from the snapshot and deltas,
// and resyncs from the last sequence number after any gap, reconnect or hidden tab.
(function () {
  "use strict";
  const script = document.getElementById("command-js");
  const eventId = Number(script.dataset.eventId);
  const map = window[script.dataset.map];
  const SEVERITY_COLOURS = {
    extreme: "#7b0000", severe: "#d62728", moderate: "#ff7f0e", minor: "#e6c300", unknown: "#555",
  };
  const OPEN = new Set(["new", "acknowledged", "assigned"]);
  const threats = new Map(); // id -> {feature, layer}
  const feeds = new Map();
  const threatLayer = L.featureGroup().addTo(map);
  let lastSeq = null;
  let socket = null;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function popup(props) {
    const box = el("div", "threat-popup");
    box.appendChild(el("strong", null, props.title || props.kind));
    box.appendChild(el("div", null, `${props.kind} · ${props.severity} · ${props.status}`));
    const zones = (props.zones || []).map((z) => z.name).join(", ");
    if (zones) box.appendChild(el("div", null, `Zones: ${zones}`));
    if (props.instruction) box.appendChild(el("p", null, props.instruction));
    return box;
  }

  function drawThreat(feature) {
    const props = feature.properties;
    const colour = SEVERITY_COLOURS[props.severity] || SEVERITY_COLOURS.unknown;
    const group = L.featureGroup();
    if (feature.geometry) {
      L.geoJSON(feature.geometry, {
        style: { color: colour, weight: 1, fillOpacity: 0.08, dashArray: "4 3" },
        interactive: false,
      }).addTo(group);
    }
    if (props.point) {
      L.circleMarker([props.point[1], props.point[0]], {
        radius: 9, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 0.95,
      }).bindPopup(() => popup(props)).addTo(group);
    }
    return group;
  }

  function putThreat(feature) {
    removeThreat(feature.properties.id);
    if (!OPEN.has(feature.properties.status)) return;
    const layer = drawThreat(feature).addTo(threatLayer);
    threats.set(feature.properties.id, { feature, layer });
  }

  function removeThreat(id) {
    const known = threats.get(id);
    if (known) threatLayer.removeLayer(known.layer);
    threats.delete(id);
  }

  function renderThreatList() {
    const list = document.getElementById("threat-list");
    const rows = [...threats.values()].map((t) => t.feature.properties)
      .sort((a, b) => (b.updated_at || "").localeCompare(a.updated_at || ""));
    list.replaceChildren(...rows.map((p) => {
      const item = el("li", `threat severity-${p.severity}`);
      item.dataset.threatId = p.id;
      item.appendChild(el("span", "sev", p.severity));
      item.appendChild(el("span", "title", p.title || p.kind));
      const zones = (p.zones || []).map((z) => z.name).join(", ");
      item.appendChild(el("span", "zones", zones));
      item.addEventListener("click", () => focusThreat(p.id));
      return item;
    }));
    document.getElementById("threat-count").textContent = rows.length;
  }

  function focusThreat(id) {
    const known = threats.get(id);
    if (!known) return;
    map.fitBounds(known.layer.getBounds(), { maxZoom: 16 });
    known.layer.eachLayer((l) => l.openPopup && l.getPopup() && l.openPopup());
  }

  function renderFeeds() {
    const list = document.getElementById("feed-list");
    list.replaceChildren(...[...feeds.values()].map((f) => {
      const item = el("li", f.healthy ? "feed ok" : "feed failing");
      item.appendChild(el("span", "name", f.name || f.kind));
      const when = f.last_success_at ? new Date(f.last_success_at).toLocaleTimeString() : "never";
      item.appendChild(el("span", "when", f.healthy ? `ok ${when}` : `failing: ${f.last_error || "?"}`));
      return item;
    }));
  }

  function applySnapshot(snap) {
    threatLayer.clearLayers();
    threats.clear();
    snap.threats.features.forEach(putThreat);
    feeds.clear();
    snap.feeds.forEach((f) => feeds.set(f.id, f));
    setSeq(snap.seq);
    renderThreatList();
    renderFeeds();
  }

  function applyDelta(delta) {
    if (lastSeq === null || delta.seq <= lastSeq) return; // before the snapshot, or a repeat
    if (delta.seq > lastSeq + 1) { resync(); return; } // a gap: ask for what was missed
    if (delta.kind === "threat_created" || delta.kind === "threat_updated") {
      putThreat(delta.data);
      renderThreatList();
    } else if (delta.kind === "feed_status") {
      feeds.set(delta.data.id, delta.data);
      renderFeeds();
    }
    setSeq(delta.seq);
  }

  function setSeq(seq) {
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
    socket = io("/live", { transports: ["websocket", "polling"] });
    socket.on("connect", resync);
    socket.on("disconnect", () => setStale(true));
    socket.on("connect_error", () => setStale(true));
    socket.on("snapshot", applySnapshot);
    socket.on("delta", applyDelta);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && socket.connected) resync();
    });
  }

  window.eventwatch = {
    threatCount: () => threats.size,
    zoneCount: () => {
      let n = 0;
      map.eachLayer((layer) => { if (layer.feature && layer.feature.properties.kind) n += 1; });
      return n;
    },
    lastSeq: () => lastSeq,
    socket: () => socket,
  };
  connect();
})();
