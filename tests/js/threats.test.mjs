// One threat shape for the page (static/js/command/threats.js), from the snapshot's compact
// table (maps/compact.py) or from whole GeoJSON features.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { markerStyle } from "../../static/js/command/coverage.js";
import { family, fromFeature, fromTable, headline, inLanguage, learnWords } from "../../static/js/command/threats.js";

// Made by maps.compact.threat_table; tests/unit/maps/test_compact_fixture.py keeps it current.
const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/compact_table.json", import.meta.url), "utf8"));
const SQUARE = { type: "Polygon", coordinates: [[[-87.62, 41.9], [-87.62, 41.91], [-87.63, 41.91], [-87.63, 41.9], [-87.62, 41.9]]] };

// Two threats as maps/compact.py sends them: repeated words as codes into `codes`, `updated`
// in milliseconds after `base`, `received` in seconds after it, outlines for areas only (keyed by id as a string), words for the newest.
const TABLE = {
  fields: ["id", "lon", "lat", "severity", "status", "family", "kind", "updated", "zones", "received"],
  codes: { severity: ["severe", "minor"], status: ["new", "assigned"], family: ["security"], kind: ["Suspicious package"] },
  base: "2027-08-21T15:00:00+00:00",
  rows: [
    [11, -87.62456, 41.91123, 0, 0, 0, 0, 60_007, [1, 2], -90],
    [12, -87.625, 41.905, 1, 1, null, null, null, [], null],
  ],
  outlines: { 12: SQUARE },
  words: { 11: { title: "Bag left by the pier", texts: { es: { title: "Bolsa abandonada" } } } },
};

test("a compact table decodes into the page's threats", () => {
  const [bag, square] = fromTable(TABLE);
  assert.deepEqual(bag, {
    id: 11, point: [-87.62456, 41.91123], outline: null, severity: "severe", status: "new",
    family: "security", kind: "Suspicious package", updated: Date.parse("2027-08-21T15:01:00.007Z"), zones: [1, 2],
    received: Date.parse("2027-08-21T14:58:30Z"), title: "Bag left by the pier", texts: { es: { title: "Bolsa abandonada" } },
  });
  assert.deepEqual(square, {
    id: 12, point: [-87.625, 41.905], outline: SQUARE, severity: "minor", status: "assigned",
    family: null, kind: null, updated: 0, zones: [], received: 0,
  });
});

test("a threat with no shape has no point, and an empty table no threats", () => {
  const table = { ...TABLE, base: null, rows: [[13, null, null, 0, 0, 0, 0, null, null, null]], outlines: {}, words: {} };
  const [threat] = fromTable(table);
  assert.equal(threat.point, null);
  assert.deepEqual(threat.zones, []);
  assert.deepEqual(fromTable({ ...table, rows: [] }), []);
});

test("the table's column order is read from `fields`, not assumed", () => {
  const order = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
  const table = { ...TABLE, fields: order.map((i) => TABLE.fields[i]), rows: TABLE.rows.map((row) => order.map((i) => row[i])) };
  assert.deepEqual(fromTable(table), fromTable(TABLE));
});

// What a user sees of a threat: where its marker is, its colours, its words and zones.
function seen(threat) {
  return {
    id: threat.id,
    point: threat.point && threat.point.map((x) => Math.round(x * 1e5) / 1e5), // the table's metre
    outline: threat.outline,
    style: markerStyle(threat),
    severity: threat.severity,
    status: threat.status,
    kind: threat.kind ?? null,
    updated: threat.updated, // to the millisecond: the version a change is sent with
    received: Math.floor(threat.received / 1000), // to the second: shown to the minute
    zones: threat.zones,
    title: headline(threat, "en", "Threat"),
    titleInSpanish: headline(threat, "es", "Threat"),
    assignee: threat.assignee || null,
  };
}

test("the Python side's table decodes to the threats of the features it was made from", () => {
  const fromPython = fromTable(FIXTURE.table);
  const whole = FIXTURE.features.map(fromFeature);
  assert.equal(fromPython.length, whole.length);
  for (const [i, threat] of fromPython.entries()) assert.deepEqual(seen(threat), seen(whole[i]), `threat ${threat.id}`);
});

test("the fixture covers what could go wrong", () => {
  const threats = fromTable(FIXTURE.table);
  assert.ok(threats.some((t) => t.outline), "an area");
  assert.ok(threats.some((t) => t.point === null), "no shape");
  assert.ok(threats.some((t) => t.kind === null), "a partner's copy of a watchlist match");
  assert.ok(threats.some((t) => t.family === null), "no category");
  assert.ok(threats.some((t) => t.texts), "words in another language");
  assert.ok(threats.every((t) => t.received > 0), "when each was received");
});

test("a delta's feature gives the same shape, with the words a delta carries", () => {
  const feature = FIXTURE.features.find((f) => f.geometry && f.geometry.type === "Polygon");
  const threat = fromFeature(feature);
  assert.deepEqual(threat.outline, feature.geometry);
  assert.deepEqual(threat.point, feature.properties.point);
  assert.equal(threat.instruction, "Keep 100 metres away"); // not in the table: fetched on select
  assert.equal(threat.updated, Date.parse(feature.properties.updated_at));
});

test("a point threat has no outline; no geometry, no point", () => {
  const point = fromFeature({ geometry: { type: "Point", coordinates: [1, 2] }, properties: { id: 1, point: [1, 2] } });
  assert.equal(point.outline, null);
  assert.equal(point.updated, 0);
  const none = fromFeature({ geometry: null, properties: { id: 2, point: null } });
  assert.equal(none.outline, null);
  assert.equal(none.point, null);
});

test("the family is the first CAP category, lower case", () => {
  assert.equal(family("Security,Safety"), "security");
  assert.equal(family(" Met "), "met");
  assert.equal(family(null), "");
});

test("words fetched later fill in what the table left out, and never blank what is known", () => {
  const [threat] = fromTable(TABLE);
  learnWords(threat, { id: 11, title: "", assignee: "Bike 18", instruction: "Keep clear", kind: null });
  assert.equal(threat.title, "Bag left by the pier");
  assert.equal(threat.assignee, "Bike 18");
  assert.equal(threat.instruction, "Keep clear");
  assert.equal(threat.kind, "Suspicious package");
});

test("a CAP alert's words in the reader's language when it has them, else the first block's", () => {
  const alert = { title: "Storm", instruction: "Shelter", texts: { es: { title: "Tormenta" } } };
  assert.deepEqual(inLanguage(alert, "es"), { title: "Tormenta", description: undefined, instruction: "Shelter" });
  assert.equal(inLanguage(alert, "fr").title, "Storm");
  assert.equal(headline({ kind: "Report" }, "en", "Threat"), "Report");
  assert.equal(headline({}, "en", "Threat"), "Threat");
});
