// Planner map: draw new zones, reshape or delete existing ones, through the JSON API.
(function () {
  "use strict";
  const script = document.getElementById("planner-js");
  const map = window[script.dataset.map];
  const zones = window[script.dataset.zones];
  const api = script.dataset.api; // .../api/v1/events/<id>/zones
  const headers = { "Content-Type": "application/json", "X-CSRFToken": script.dataset.csrf };
  const panel = document.getElementById("new-zone");
  const errorBox = document.getElementById("new-zone-error");
  let pending = null;

  const drawn = L.featureGroup().addTo(map);
  map.addControl(new L.Control.Draw({
    position: "topleft",
    draw: {
      polygon: { allowIntersection: false, showArea: false },
      rectangle: { showArea: false },
      polyline: false, circle: false, marker: false, circlemarker: false,
    },
    edit: { featureGroup: zones, remove: true },
  }));

  async function send(method, url, body) {
    const response = await fetch(url, { method, headers, body: body && JSON.stringify(body), credentials: "same-origin" });
    if (!response.ok && response.status !== 204) {
      let message = `HTTP ${response.status}`;
      try { message = (await response.json()).error.message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  map.on(L.Draw.Event.CREATED, (e) => {
    drawn.clearLayers();
    pending = e.layer.addTo(drawn);
    panel.hidden = false;
    showError("");
    document.getElementById("new-zone-name").focus();
  });

  document.getElementById("new-zone-cancel").addEventListener("click", () => {
    drawn.clearLayers();
    pending = null;
    panel.hidden = true;
  });

  document.getElementById("new-zone-save").addEventListener("click", async () => {
    if (!pending) return;
    const name = document.getElementById("new-zone-name").value.trim();
    if (!name) { showError("Give the zone a name."); return; }
    const feature = pending.toGeoJSON();
    feature.properties = { name, kind: document.getElementById("new-zone-kind").value };
    try {
      await send("POST", api, feature);
      window.location.reload();
    } catch (err) { showError(err.message); }
  });

  async function each(event, method, body) {
    const done = [];
    try {
      for (const layer of event.layers.getLayers()) {
        const id = layer.feature.properties.id;
        await send(method, `${api}/${id}`, body && body(layer));
        done.push(id);
      }
      window.location.reload();
    } catch (err) {
      window.alert(`Not saved: ${err.message}` + (done.length ? ` (${done.length} saved before this)` : ""));
      window.location.reload();
    }
  }

  map.on(L.Draw.Event.EDITED, (e) => each(e, "PATCH", (layer) => ({ geometry: layer.toGeoJSON().geometry })));
  map.on(L.Draw.Event.DELETED, (e) => each(e, "DELETE", null));
})();
