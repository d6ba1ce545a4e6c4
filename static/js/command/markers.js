// Threats on the map: a marker each, and for an area its outline under the marker.
import { markerStyle, outlineStyle } from "./coverage.js";
import { el } from "./dom.js";
import { LANGUAGE, settings, T, t, word } from "./page.js";
import { picture } from "./picture.js";
import { zoneNames } from "./queue.js";
import { headline, inLanguage, OPEN } from "./threats.js";

const L = window.L;
export const threatLayer = L.featureGroup().addTo(settings.map);
let select = () => {}; // threat_list.js's, set by main.js: that module imports this one

export function onMarkerClick(handler) {
  select = handler;
}

function popup(threat) {
  const box = el("div", "threat-popup");
  const names = zoneNames(threat, picture.zoneNames);
  box.appendChild(el("strong", null, headline(threat, LANGUAGE, T.threat))).dir = "auto";
  box.appendChild(el("div", null, [threat.kind, word("severity", threat.severity), word("status", threat.status)].filter(Boolean).join(" · ")));
  if (names) box.appendChild(el("div", null, t("zones_list", { zones: names })));
  const instruction = inLanguage(threat, LANGUAGE).instruction;
  if (instruction) box.appendChild(el("p", null, instruction)).dir = "auto";
  return box;
}

// A point threat is its marker alone; only an area needs a group (its outline, then the
// marker): a group per threat doubled the layers Leaflet builds for a large snapshot. No
// marker has a popup or handler of its own: the layer's one click handler (below) makes the
// popup of the marker clicked, when it is clicked.
function drawThreat(threat) {
  let marker = null;
  if (threat.point) {
    marker = L.circleMarker([threat.point[1], threat.point[0]], markerStyle(threat));
    marker.threatId = threat.id;
  }
  if (!threat.outline) return marker || L.featureGroup();
  const group = L.featureGroup([L.geoJSON(threat.outline, { style: outlineStyle(threat), interactive: false })]);
  return marker ? group.addLayer(marker) : group;
}

threatLayer.on("click", (e) => {
  const id = e.propagatedFrom && e.propagatedFrom.threatId;
  const known = picture.threats.get(id);
  if (!known) return;
  L.popup().setLatLng(e.propagatedFrom.getLatLng()).setContent(popup(known.threat)).openOn(settings.map);
  select(id);
});

// Closed threats leave the map: the picture holds open ones only.
export function putThreat(threat) {
  removeThreat(threat.id);
  if (!OPEN.has(threat.status)) return;
  picture.threats.set(threat.id, { threat, layer: drawThreat(threat).addTo(threatLayer) });
}

export function removeThreat(id) {
  const known = picture.threats.get(id);
  if (known) threatLayer.removeLayer(known.layer);
  picture.threats.delete(id);
}

export function clearThreats() {
  threatLayer.clearLayers();
  picture.threats.clear();
}

export function focusThreat(id) {
  const known = picture.threats.get(id);
  if (!known) return;
  const layer = known.layer;
  const own = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
  // No shape of its own (an alert that reached the whole event by its place codes): the zones.
  const bounds = own.isValid() ? own : settings.zonesLayer.getBounds();
  if (bounds.isValid()) settings.map.fitBounds(bounds, { maxZoom: 16 });
}
