// The queue's order, the zones an alarm names, and staffing coverage
// (static/js/command/queue.js and coverage.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  COVERAGE_COLOURS, gapTotals, markerStyle, nextShiftIndex, plannedCoverage, SEVERITY_COLOURS, staffingRows, zoneStyle,
} from "../../static/js/command/coverage.js";
import { alarmWhere, LIST_AT_MOST, missingWords, queueRows, zoneNames } from "../../static/js/command/queue.js";
import { words } from "../../static/js/words.js";

const { t } = words({ more_zones: "%(zones)s and %(count)s more" });

test("the queue lists the most recently changed first, at most 200", () => {
  const threats = Array.from({ length: LIST_AT_MOST + 5 }, (_, n) => ({ id: n, updated: n * 1000 }));
  const rows = queueRows(threats);
  assert.equal(rows.length, LIST_AT_MOST);
  assert.equal(rows[0].id, LIST_AT_MOST + 4);
  assert.equal(rows.at(-1).id, 5);
});

test("the queue's order leaves the threats it was given alone", () => {
  const threats = [{ id: 1, updated: 1 }, { id: 2, updated: 2 }];
  queueRows(threats);
  assert.deepEqual(threats.map((t) => t.id), [1, 2]);
});

test("words are asked for rows without a title, once", () => {
  const rows = [{ id: 1, title: "Bag" }, { id: 2 }, { id: 3 }];
  assert.deepEqual(missingWords(rows, new Set([3])), [2]);
});

test("a threat's zones are named in its order, unknown ones left out", () => {
  const names = new Map([[1, "North Avenue Beach"], [2, "Oak Street Beach"]]);
  assert.equal(zoneNames({ zones: [2, 9, 1] }, names), "Oak Street Beach, North Avenue Beach");
  assert.equal(zoneNames({ zones: [] }, names), "");
});

test("an alarm names three zones, then how many more", () => {
  assert.equal(alarmWhere([], t), "");
  assert.equal(alarmWhere(["A", "B", "C"], t), "A, B, C");
  assert.equal(alarmWhere(["A", "B", "C", "D", "E"], t), "A, B, C and 2 more");
});

test("a planned shift's coverage: covered, short, critical under half, none required", () => {
  const coverage = plannedCoverage([
    { zone_id: 1, role: "patrol", required: 2, assigned: 2 },
    { zone_id: 2, role: "patrol", required: 4, assigned: 2 },
    { zone_id: 3, role: "patrol", required: 4, assigned: 1 },
    { zone_id: 4, role: "patrol", required: 0, assigned: 3 },
  ]);
  assert.deepEqual(Object.fromEntries(Object.entries(coverage).map(([id, z]) => [id, z.status])),
    { 1: "covered", 2: "short", 3: "critical", 4: "none" });
});

test("more people in one role do not cover another role's shortfall", () => {
  const coverage = plannedCoverage([
    { zone_id: 1, role: "patrol", required: 1, assigned: 5 },
    { zone_id: 1, role: "medic", required: 1, assigned: 0 },
  ]);
  assert.deepEqual(coverage[1], { required: 2, have: 1, status: "short" });
});

test("the staffing table lists zones that need or have someone, the shortest first", () => {
  const rows = staffingRows({
    1: { required: 2, on_duty: 2, short: 0 },
    2: { required: 0, on_duty: 0, short: 0 },
    3: { required: 5, on_duty: 1, short: 4 },
    4: { required: 0, on_duty: 1, short: 0 },
  });
  assert.deepEqual(rows.map(([id]) => id), ["3", "1", "4"]);
  assert.deepEqual(staffingRows(undefined), []);
});

test("the next shift is the first to start after now", () => {
  const starts = ["2027-08-20 08:00:00", "2027-08-21 08:00:00"];
  assert.equal(nextShiftIndex(starts, new Date("2027-08-19T00:00:00")), 0);
  assert.equal(nextShiftIndex(starts, new Date("2027-08-20T09:00:00")), 1);
  assert.equal(nextShiftIndex(starts, new Date("2027-08-22T00:00:00")), -1);
  assert.equal(nextShiftIndex([], new Date()), -1);
});

test("a shift's totals add up its gaps", () => {
  const gaps = [{ assigned: 3, required: 4, short: 1 }, { assigned: 2, required: 2, short: 0 }];
  assert.deepEqual(gapTotals(gaps), { assigned: 5, required: 6, short: 1 });
});

test("markers: the fill says how severe, the ring what kind", () => {
  const style = markerStyle({ severity: "severe", family: "met" });
  assert.equal(style.fillColor, SEVERITY_COLOURS.severe);
  assert.equal(style.color, "#1f6fd1");
  const unknown = markerStyle({ severity: "odd", family: null });
  assert.equal(unknown.fillColor, SEVERITY_COLOURS.unknown);
  assert.equal(unknown.color, "#fff");
});

test("zones: coloured by coverage, large background areas only tinted", () => {
  assert.deepEqual(zoneStyle("crowd", "critical"), { fillColor: COVERAGE_COLOURS.critical, fillOpacity: 0.45 });
  assert.deepEqual(zoneStyle("water", "none"), { fillColor: COVERAGE_COLOURS.none, fillOpacity: 0.08 });
});

test("a threat that reaches the whole event says so, with the places its alert named", async () => {
  const { placeNames, whereText } = await import("../../static/js/command/queue.js");
  const say = words({ whole_event: "whole event: %(places)s" }).t;
  const places = [{ code: "017031", kind: "SAME", name: "Cook County, IL" }, { code: "ILZ014", kind: "UGC zone", name: null }];
  assert.equal(placeNames(places), "Cook County, IL (SAME 017031); UGC zone ILZ014");
  const threat = { zones: [1, 2], places };
  assert.equal(whereText(threat, new Map([[1, "North"], [2, "Oak"]]), say),
    "whole event: Cook County, IL (SAME 017031); UGC zone ILZ014");
  assert.equal(whereText({ zones: [1], places: [] }, new Map([[1, "North"]]), say), "North");
});
