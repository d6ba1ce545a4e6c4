// The wall display's clock (static/js/wall/clock.js): the event's time, not the screen's.
import assert from "node:assert/strict";
import { test } from "node:test";

import { clockText } from "../../static/js/wall/clock.js";

test("the clock reads the event's time zone, in 24 hours with seconds", () => {
  const at = new Date("2026-12-06T20:00:05Z");
  assert.equal(clockText(at, "America/Chicago", "en"), "14:00:05");
  assert.equal(clockText(at, "Europe/Paris", "fr"), "21:00:05");
  assert.equal(clockText(new Date("2027-08-21T04:09:00Z"), "America/Chicago", "es"), "23:09:00");
});

test("daylight saving time is the zone's own", () => {
  assert.equal(clockText(new Date("2027-08-21T15:00:00Z"), "America/Chicago", "en"), "10:00:00");
});
