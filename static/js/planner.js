// Planner map: draw new zones, reshape or delete existing ones, through the JSON API.
// Leaflet and Leaflet.draw are classic scripts loaded before this module.
import { map, zonesLayer as zones } from "./map.js";
import { words } from "./words.js";

const script = document.getElementById("planner-js"); // a module has no document.currentScript
// The page's words, translated on the server (planner/views.py js_strings).
const T = JSON.parse(document.getElementById("i18n").textContent);
const { t } = words(T);
const L = window.L;
const api = script.dataset.api; // .../api/v1/events/<id>/zones
const headers = { "Content-Type": "application/json", "X-CSRFToken": script.dataset.csrf };
const panel = document.getElementById("new-zone");
const errorBox = document.getElementById("new-zone-error");
let pending = null;

const draw = L.drawLocal;
Object.assign(draw.draw.toolbar.buttons, { polygon: T.draw_polygon, rectangle: T.draw_rectangle });
Object.assign(draw.draw.toolbar.actions, { title: T.cancel_drawing, text: T.cancel });
Object.assign(draw.draw.toolbar.finish, { title: T.finish_drawing, text: T.finish });
Object.assign(draw.draw.toolbar.undo, { title: T.delete_last_point, text: T.delete_last_point });
Object.assign(draw.draw.handlers.polygon.tooltip, { start: T.polygon_start, cont: T.polygon_cont, end: T.polygon_end });
draw.draw.handlers.rectangle.tooltip.start = T.rectangle_start;
draw.draw.handlers.simpleshape.tooltip.end = T.shape_end;
Object.assign(draw.edit.toolbar.buttons, {
  edit: T.edit_zones, editDisabled: T.no_zones, remove: T.delete_zones, removeDisabled: T.no_zones,
});
Object.assign(draw.edit.toolbar.actions.save, { title: T.save_changes, text: T.save });
Object.assign(draw.edit.toolbar.actions.cancel, { title: T.cancel_changes, text: T.cancel });
Object.assign(draw.edit.toolbar.actions.clearAll, { title: T.delete_all_zones, text: T.delete_all });
Object.assign(draw.edit.handlers.edit.tooltip, { text: T.edit_tooltip, subtext: T.edit_subtext });
draw.edit.handlers.remove.tooltip.text = T.remove_tooltip;

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

// With `version` (the zone's, as the page was drawn), the server refuses the change (409)
// if someone changed the zone since: nobody's edit is silently undone.
async function send(method, url, body, version) {
  const sent = version ? { ...headers, "If-Match": `"${version}"` } : headers;
  const response = await fetch(url, { method, headers: sent, body: body && JSON.stringify(body), credentials: "same-origin" });
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
  if (!name) { showError(T.name_required); return; }
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
      await send(method, `${api}/${id}`, body && body(layer), layer.feature.properties.version);
      done.push(id);
    }
    window.location.reload();
  } catch (err) {
    window.alert(done.length ? t("not_saved_after", { message: err.message, count: done.length })
      : t("not_saved", { message: err.message }));
    window.location.reload();
  }
}

map.on(L.Draw.Event.EDITED, (e) => each(e, "PATCH", (layer) => ({ geometry: layer.toGeoJSON().geometry })));
map.on(L.Draw.Event.DELETED, (e) => each(e, "DELETE", null));

// What the browser tests (tests/web/test_browser*.py) read and drive the page through.
window.eventwatch = { map, zones };
