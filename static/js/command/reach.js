// The selected threat on the map beyond its marker: the reach its rule measured zones against
// (dashed, labelled with the rule, distinct from the alert's own outline), and a line from
// the zone each person diverted to it came from. Its detail says which rule it was and who
// was diverted there. Every word is written as text.
import { addDetailSection } from "./detail.js";
import { clock, el } from "./dom.js";
import { LOCALE, settings, t, word } from "./page.js";
import { picture } from "./picture.js";
import { drawable, reachDetail, reachLabel } from "./reach_words.js";
import { OPEN } from "./threats.js";

const L = window.L;
const REACH_STYLE = { color: "#1d3557", weight: 2, dashArray: "10 6", fill: false, interactive: false };
const DIVERT_STYLE = { color: "#6a1b9a", weight: 3, dashArray: "2 6", interactive: false };
const FIT_WITHIN_M = 5000; // a reach this short is brought into view; a storm's 8 miles is not
const overlay = L.featureGroup().addTo(settings.map);
// What the browser tests read (window.eventwatch.reach()).
export const shown = { layer: null, label: "", metres: 0, lines: [] };

function label(latlng, text, className) {
  const node = el("span", null, text);
  node.dir = "auto";
  return L.tooltip({ permanent: true, direction: "top", className, interactive: false })
    .setLatLng(latlng).setContent(node);
}

// A point threat's reach is a circle of the rule's radius; an area's, the area the server
// buffered by it (GET /threats/<id>'s reach_outline).
function reachLayer(p, rule) {
  const known = picture.threats.get(p.id);
  const isPoint = known ? !known.threat.outline : !p.reach_outline;
  if (isPoint && p.point) return L.circle([p.point[1], p.point[0]], { ...REACH_STYLE, radius: rule.metres });
  return p.reach_outline ? L.geoJSON(p.reach_outline, { style: REACH_STYLE, interactive: false }) : null;
}

function drawReach(p) {
  const rule = p.reach_rule;
  if (!drawable(rule)) return;
  const layer = reachLayer(p, rule);
  if (!layer) return;
  overlay.addLayer(layer);
  const bounds = layer.getBounds();
  const text = reachLabel(rule, { t, word }, LOCALE);
  overlay.addLayer(label([bounds.getNorth(), bounds.getCenter().lng], text, "reach-label"));
  Object.assign(shown, { layer, label: text, metres: rule.metres });
  if (rule.metres <= FIT_WITHIN_M && !settings.map.getBounds().contains(bounds)) {
    settings.map.fitBounds(bounds.pad(0.05), { maxZoom: 16 });
  }
}

function zoneCentre(zoneId) {
  let centre = null;
  settings.zonesLayer.eachLayer((zone) => {
    if (zone.feature.properties.id === zoneId) centre = zone.getBounds().getCenter();
  });
  return centre;
}

function drawDiverted(p) {
  if (!p.point) return;
  const to = [p.point[1], p.point[0]];
  for (const person of p.diverted || []) {
    const from = person.from_zone_id ? zoneCentre(person.from_zone_id) : null;
    if (!from) continue;
    const line = L.polyline([from, to], DIVERT_STYLE);
    overlay.addLayer(line);
    overlay.addLayer(label(from, `${person.name} (${person.agency})`, "divert-label"));
    shown.lines.push({ name: person.name, from: [from.lat, from.lng], to });
  }
}

function divertedLines(p) {
  return (p.diverted || []).map((person) => {
    const line = el("div", "diverted", t("diverted_here", { name: person.name, agency: person.agency, time: clock(person.at) }));
    line.dir = "auto";
    if (person.from_zone) line.appendChild(el("span", "hint", ` ${t("diverted_from", { zone: person.from_zone })}`));
    return line;
  });
}

// Called with every detail shown: the map shows the selected threat's reach, and only its.
function section(p) {
  overlay.clearLayers();
  Object.assign(shown, { layer: null, label: "", metres: 0, lines: [] });
  if (p.id !== picture.selected || !OPEN.has(p.status)) return [];
  drawReach(p);
  drawDiverted(p);
  const parts = [];
  // An alert that named the event's places reaches all of it: the detail says so already.
  const wholeEvent = p.places && p.places.length;
  const said = wholeEvent ? "" : reachDetail(p.reach_rule, { t, word }, LOCALE);
  if (said) parts.push(el("div", "reach-rule", said));
  return [...parts, ...divertedLines(p)];
}

export function setUpReach() {
  addDetailSection(section);
}

// For the browser tests: the drawn reach's radius (a circle's) or its distance from the
// threat's marker at its nearest and farthest (an area's), and the lines drawn.
export function reachShown() {
  const { layer } = shown;
  if (!layer) return null;
  const known = picture.threats.get(picture.selected);
  const point = known && known.threat.point;
  let distances = null;
  if (point && layer.toGeoJSON) {
    const centre = L.latLng(point[1], point[0]);
    const rings = [];
    if (layer.eachLayer) layer.eachLayer((l) => rings.push(...l.getLatLngs().flat(3)));
    const d = rings.map((ll) => settings.map.distance(centre, ll));
    if (d.length) distances = [Math.min(...d), Math.max(...d)];
  }
  return {
    radius: layer.getRadius ? layer.getRadius() : null, distances, label: shown.label,
    metres: shown.metres, lines: shown.lines.map((l) => l.name), dashed: Boolean(REACH_STYLE.dashArray),
  };
}
