// The event's zones on the map (../map.js): coloured by staffing, and changed in place when a
// planner edits them while the map is open (the tooltip writes their names as text).
import { zoneStyle } from "./coverage.js";
import { settings } from "./page.js";
import { picture } from "./picture.js";

const layer = settings.zonesLayer;

// `coverage`: zone id -> {status}, as staffing deltas and plannedCoverage() give it.
export function colourZones(coverage) {
  layer.eachLayer((zone) => {
    const p = zone.feature.properties;
    const status = (coverage[String(p.id)] || {}).status || "none";
    zone.setStyle(zoneStyle(p.kind, status));
    p.staffing = status;
  });
}

// Live colours unless the commander is looking at a planned shift.
export function colourLive() {
  if (picture.coverageMode === "live") colourZones(picture.staffing.zones || {});
}

export function rememberZone(feature) {
  const p = feature.properties;
  if (p.deleted) picture.zoneNames.delete(p.id);
  else picture.zoneNames.set(p.id, p.name);
}

export function replaceZone(feature) {
  rememberZone(feature);
  layer.eachLayer((zone) => {
    if (zone.feature.properties.id === feature.properties.id) layer.removeLayer(zone);
  });
  if (!feature.properties.deleted && feature.geometry) layer.addData(feature);
  colourLive();
}

// Names as drawn on the map, for the staffing table (zone id -> name).
export function namesOnMap() {
  const names = {};
  layer.eachLayer((zone) => { names[zone.feature.properties.id] = zone.feature.properties.name; });
  return names;
}

export function zoneFill(id) {
  let fill = null;
  layer.eachLayer((zone) => { if (zone.feature.properties.id === id) fill = zone.options.fillColor; });
  return fill;
}
