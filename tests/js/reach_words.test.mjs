// How the command view names the reach that decided a threat's zones, and the assign list's
// filter (static/js/command/reach_words.js, roster_filter.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { reachDetail, reachLabel } from "../../static/js/command/reach_words.js";
import { choices, filtered, folded } from "../../static/js/command/roster_filter.js";
import { words } from "../../static/js/words.js";

const say = words({
  reach_label: "zones within %(metres)s m (rule: %(rule)s)",
  reach_all_label: "every zone once within %(metres)s m (rule: %(rule)s)",
  reach_detail: "Zones within %(metres)s m of it: rule “%(rule)s” (%(source)s).",
  reach_area_detail: "Zones its own area covers: no reach rule for its kind.",
  reach_kinds_detail: "Zones of kind %(kinds)s it is in: rule “%(rule)s” (%(source)s).",
  reach_rule: { "suspicious package": "paquete sospechoso" },
  reach_origin: { "default rule": "regla por defecto" },
  zone_kind: { airspace: "espacio aéreo" },
  duty: { on_duty: "on duty", planned: "posted, not checked in" },
});
const PACKAGE = { rule: "suspicious package", metres: 563.9, all_zones: false, zone_kinds: [], origin: "default rule" };

test("the map's label gives the distance in whole metres and the rule's translated name", () => {
  assert.equal(reachLabel(PACKAGE, say, "en"), "zones within 564 m (rule: paquete sospechoso)");
  assert.equal(reachLabel({ ...PACKAGE, all_zones: true, rule: "lightning", metres: 12875 }, say, "en"),
    "every zone once within 12,875 m (rule: lightning)");
});

test("nothing is drawn for the alert's own area or a rule for some kinds of zone only", () => {
  assert.equal(reachLabel({ rule: "", metres: 0, origin: "alert area" }, say, "en"), "");
  assert.equal(reachLabel({ rule: "drone", metres: 0, zone_kinds: ["airspace"] }, say, "en"), "");
  assert.equal(reachLabel(null, say, "en"), "");
});

test("the detail says which rule it was and where it came from", () => {
  assert.equal(reachDetail(PACKAGE, say, "en"), "Zones within 564 m of it: rule “paquete sospechoso” (regla por defecto).");
  assert.equal(reachDetail({ rule: "", metres: 0, origin: "alert area" }, say, "en"), "Zones its own area covers: no reach rule for its kind.");
  assert.equal(reachDetail({ rule: "drone", metres: 0, zone_kinds: ["airspace"], origin: "event rule" }, say, "en"),
    "Zones of kind espacio aéreo it is in: rule “drone” (event rule).");
  assert.equal(reachDetail(null, say, "en"), "");
});

const PEOPLE = [
  { person_id: 1, name: "José Álvarez", agency: "Chicago Police Department", unit: "Marine Unit", role: "marine_unit", zone: "USCG safety zone", status: "on_duty" },
  { person_id: 2, name: "Dana Whitfield", agency: "Chicago Police Department", unit: "Marine Unit", role: "marine_unit", zone: "Oak Street Beach", status: "planned" },
  { person_id: 3, name: "Kim Ode", agency: "Chicago Fire Department", unit: "", role: "ems", zone: "First aid", status: "diverted" },
];

test("units come first, then people, each assigned by name and agency", () => {
  const rows = choices(PEOPLE, say.word);
  assert.deepEqual(rows.map((r) => r.value), [
    "Marine Unit (Chicago Police Department)", "José Álvarez (Chicago Police Department)",
    "Dana Whitfield (Chicago Police Department)", "Kim Ode (Chicago Fire Department)",
  ]);
  assert.equal(rows[0].count, 1); // on duty: José; Dana is posted, not checked in
});

test("typing filters by any word, in any order, case and accents aside", () => {
  const rows = choices(PEOPLE, say.word);
  assert.deepEqual(filtered(rows, "jose").map((r) => r.name), ["José Álvarez"]);
  assert.deepEqual(filtered(rows, "oak DANA").map((r) => r.name), ["Dana Whitfield"]);
  assert.deepEqual(filtered(rows, "fire").map((r) => r.name), ["Kim Ode"]);
  assert.deepEqual(filtered(rows, "marine").map((r) => r.name), ["Marine Unit", "José Álvarez", "Dana Whitfield"]);
  assert.equal(filtered(rows, "").length, 4);
  assert.deepEqual(filtered(rows, "coast guard"), []);
  assert.equal(folded("ÉCOLE"), "ecole");
});
