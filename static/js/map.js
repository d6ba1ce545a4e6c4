// The event's map, drawn from the page's JSON (#map-data, web/mapview.py): the zones over the
// configured tiles or the offline basemap. The page runs no script but the app's own files
// (web/headers.py), and every word on the map is written as text: a zone that arrives later
// in a delta (command/zones.js) goes through the same tooltip as the first paint's.
//
// Leaflet (L) is a classic script loaded before this module.
import { zoneStyle } from "./command/coverage.js";
import { labelZones } from "./zone_labels.js";
import { tooltipRows, zoneLook } from "./zone_tooltip.js";

const L = window.L;
const data = JSON.parse(document.getElementById("map-data").textContent);
const LOCALE = document.documentElement.lang || "en";

function tooltip(layer) {
  const table = L.DomUtil.create("table");
  for (const [label, text] of tooltipRows(layer.feature.properties, data.tooltip, LOCALE)) {
    const row = table.insertRow();
    const head = L.DomUtil.create("th", "", row);
    head.textContent = label;
    row.insertCell().textContent = text;
  }
  return table;
}

function background(map) {
  if (data.tiles) L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution }).addTo(map);
  else if (data.basemap) {
    const styles = data.basemap_styles;
    const style = (feature) => styles[feature.properties.layer] || styles.other;
    L.geoJSON(data.basemap, { style, interactive: false }).addTo(map);
  }
}

export const map = L.map(document.getElementById("event-map"), { center: data.center, zoom: 14, preferCanvas: true });
background(map);
// Always there, even with no zones yet: a planner's first zone may arrive as a delta.
export const zonesLayer = L.geoJSON(data.zones, { style: (f) => zoneLook(f.properties, data.styles, zoneStyle) })
  .bindTooltip(tooltip, { sticky: true, className: "zone-tooltip" }).addTo(map);
map.fitBounds(data.bounds);
export const zoneLabels = labelZones(map, zonesLayer); // after fitBounds: sized at that zoom
