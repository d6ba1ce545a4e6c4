// The queue's order, the zones an alarm names, and staffing coverage
// (static/js/command/queue.js and coverage.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  COVERAGE_COLOURS, gapTotals, markerStyle, nextShiftIndex, plannedCoverage, SEVERITY_COLOURS, staffingRows, zoneStyle,
} from "../../static/js/command/coverage.js";
import {
  ageText, alarmWhere, CLOSED, closedRows, countText, filterThreats, isFiltered, kindsOf, LIST_AT_MOST, matches,
  missingWords, queueRows, whereSummary, zoneNames,
} from "../../static/js/command/queue.js";
import { words } from "../../static/js/words.js";

const { t } = words({
  more_zones: "%(zones)s and %(count)s more", first_and_more: "%(first)s +%(count)s", whole_event: "whole event: %(places)s",
  count_of: "%(shown)s of %(total)s", age_now: "under 1 min", age_minutes: "%(minutes)s min",
  age_hours: "%(hours)s h %(minutes)s min", age_days: "%(days)s d %(hours)s h",
});
const MIN = 60_000;

test("the queue lists the most severe first, and the oldest first within a severity", () => {
  const threats = [
    { id: 1, severity: "minor", received: 5 * MIN },
    { id: 2, severity: "extreme", received: 9 * MIN },
    { id: 3, severity: "severe", received: 8 * MIN },
    { id: 4, severity: "extreme", received: 1 * MIN }, // waited longest of the extremes
    { id: 5, severity: "unknown", received: 0.5 * MIN },
    { id: 6, severity: "moderate", received: 7 * MIN, updated: 99 * MIN }, // a later change does not move it
    { id: 7, severity: null, received: 0.1 * MIN }, // no severity: with unknown, last
    { id: 8, severity: "severe", received: 2 * MIN },
  ];
  assert.deepEqual(queueRows(threats).map((x) => x.id), [4, 2, 8, 3, 6, 1, 7, 5]);
});

test("without a received time (the snapshot's table) the last change stands in; ties by id", () => {
  const threats = [{ id: 9, severity: "severe", updated: 3 }, { id: 2, severity: "severe", updated: 3 }, { id: 5, severity: "severe", received: 1, updated: 9 }];
  assert.deepEqual(queueRows(threats).map((x) => x.id), [5, 2, 9]);
});

test("the queue lists at most 200 and leaves the threats it was given alone", () => {
  const threats = Array.from({ length: LIST_AT_MOST + 5 }, (_, n) => ({ id: n, severity: "minor", received: (1000 - n) * MIN }));
  const rows = queueRows(threats);
  assert.equal(rows.length, LIST_AT_MOST);
  assert.equal(rows[0].id, LIST_AT_MOST + 4);
  assert.deepEqual(threats.slice(0, 2).map((x) => x.id), [0, 1]);
});

test("closed threats list the most recently closed first", () => {
  assert.deepEqual(closedRows([{ id: 1, updated: 5 }, { id: 2, updated: 9 }, { id: 3, updated: 1 }]).map((x) => x.id), [2, 1, 3]);
});

test("filters by status, kind and zone; a threat over the whole event is in every zone", () => {
  const threats = [
    { id: 1, status: "new", kind: "Lost child", zones: [1, 2], places: [] },
    { id: 2, status: "assigned", kind: "Lost child", zones: [3], places: [] },
    { id: 3, status: "new", kind: "Heat advisory", zones: [], places: [{ code: "017031", kind: "SAME" }] },
    { id: 4, status: "acknowledged", kind: null, zones: [2] },
  ];
  const ids = (filter) => filterThreats(threats, filter).map((x) => x.id);
  assert.deepEqual(ids({}), [1, 2, 3, 4]);
  assert.deepEqual(ids({ status: "new" }), [1, 3]);
  assert.deepEqual(ids({ kind: "Lost child" }), [1, 2]);
  assert.deepEqual(ids({ zone: "2" }), [1, 3, 4]);
  assert.deepEqual(ids({ status: "new", kind: "Lost child", zone: "2" }), [1]);
  assert.deepEqual(ids({ status: CLOSED }), [1, 2, 3, 4]); // the closed list is its own source
  assert.equal(matches(threats[1], { zone: "1" }), false);
});

test("the count says how many a filter shows of how many", () => {
  assert.equal(isFiltered({ status: "", kind: "", zone: "" }), false);
  assert.equal(isFiltered({ status: CLOSED }), false);
  assert.equal(isFiltered({ zone: "3" }), true);
  assert.equal(countText(12, 40, true, t), "12 of 40");
  assert.equal(countText(40, 40, false, t), "40");
});

test("the kind filter offers each kind once, in alphabetical order", () => {
  const threats = [{ kind: "Lost child" }, { kind: "Crowd surge" }, { kind: null }, { kind: "Lost child" }];
  assert.deepEqual(kindsOf(threats, "en"), ["Crowd surge", "Lost child"]);
});

test("a row names the first zone and how many more; the title names them all", () => {
  const names = new Map([[1, "North Avenue Beach"], [2, "Oak Street Beach"], [3, "Fullerton"]]);
  assert.deepEqual(whereSummary({ zones: [1, 2, 3] }, names, t), { short: "North Avenue Beach +2", full: "North Avenue Beach, Oak Street Beach, Fullerton" });
  assert.deepEqual(whereSummary({ zones: [2] }, names, t), { short: "Oak Street Beach", full: "Oak Street Beach" });
  assert.deepEqual(whereSummary({ zones: [] }, names, t), { short: "", full: "" });
  const places = [{ code: "017031", kind: "SAME", name: "Cook County, IL" }, { code: "ILZ014", kind: "UGC" }];
  assert.deepEqual(whereSummary({ zones: [], places }, names, t), {
    short: "whole event: Cook County, IL (SAME 017031) +1", full: "whole event: Cook County, IL (SAME 017031); UGC ILZ014",
  });
});

test("an age reads as a watch log writes it", () => {
  assert.equal(ageText(20_000, t), "under 1 min");
  assert.equal(ageText(-5_000, t), "under 1 min"); // a clock a little ahead of the server's
  assert.equal(ageText(12 * MIN + 59_000, t), "12 min");
  assert.equal(ageText(125 * MIN, t), "2 h 5 min");
  assert.equal(ageText((3 * 24 + 4) * 60 * MIN, t), "3 d 4 h");
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
