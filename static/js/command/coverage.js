// Staffing and the colours of the map. Pure: no DOM, no Leaflet, so Node tests it.

export const SEVERITY_COLOURS = {
  extreme: "#7b0000", severe: "#d62728", moderate: "#ff7f0e", minor: "#e6c300", unknown: "#555",
};
export const COVERAGE_COLOURS = { covered: "#2ca02c", short: "#ff9f1a", critical: "#d62728", none: "#9aa5b1" };
// The ring says what kind of threat it is; the fill how severe.
const KIND_RINGS = { met: "#1f6fd1", security: "#111", watchlist: "#8e44ad", incident: "#555" };
// Large areas under the other zones: a light tint keeps the zones over them readable.
const BACKGROUND_KINDS = ["water", "airspace", "perimeter"];

export function markerStyle(threat) {
  const colour = SEVERITY_COLOURS[threat.severity] || SEVERITY_COLOURS.unknown;
  return { radius: 9, color: KIND_RINGS[threat.family] || "#fff", weight: 3, fillColor: colour, fillOpacity: 0.95 };
}

export function outlineStyle(threat) {
  const colour = SEVERITY_COLOURS[threat.severity] || SEVERITY_COLOURS.unknown;
  return { color: colour, weight: 1, fillOpacity: 0.08, dashArray: "4 3" };
}

export function zoneStyle(kind, status) {
  return { fillColor: COVERAGE_COLOURS[status], fillOpacity: BACKGROUND_KINDS.includes(kind) ? 0.08 : 0.45 };
}

// The staffing table: zones that need or have someone, the shortest first.
export function staffingRows(zones) {
  return Object.entries(zones || {}).filter(([, z]) => z.required || z.on_duty)
    .sort(([, a], [, b]) => b.short - a.short);
}

// A planned shift's coverage per zone from its gaps (GET /gaps?shift=): posts filled beyond
// what a role requires do not cover another role's shortfall.
export function plannedCoverage(gaps) {
  const coverage = {};
  for (const g of gaps) {
    const z = coverage[g.zone_id] || (coverage[g.zone_id] = { required: 0, have: 0 });
    z.required += g.required;
    z.have += Math.min(g.assigned, g.required);
  }
  for (const z of Object.values(coverage)) z.status = coverageStatus(z.have, z.required);
  return coverage;
}

// Under half the required head count is critical, as on the plan page (planner/gaps.py).
export function coverageStatus(have, required) {
  if (!required) return "none";
  if (have >= required) return "covered";
  return have < required / 2 ? "critical" : "short";
}

// The next shift to start after `now`, from the starts as the page has them (Python's
// str(datetime), a space before the time); -1 if none.
export function nextShiftIndex(starts, now) {
  return starts.map((s) => new Date(s.replace(" ", "T"))).findIndex((start) => start > now);
}

export function gapTotals(gaps) {
  const sum = (key) => gaps.reduce((n, g) => n + g[key], 0);
  return { assigned: sum("assigned"), required: sum("required"), short: sum("short") };
}
