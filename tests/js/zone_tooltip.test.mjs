// What a zone's tooltip says and how a zone looks (static/js/zone_tooltip.js): words stay as
// they were written, whatever markup they hold; the page writes them as text.
import assert from "node:assert/strict";
import { test } from "node:test";

import { zoneStyle } from "../../static/js/command/coverage.js";
import { cellText, tooltipRows, zoneLook } from "../../static/js/zone_tooltip.js";

const FIELDS = [["name", "Zone"], ["kind", "Kind"], ["area_m2", "Area (m²)"], ["capacity", "Capacity"]];
const MARKUP = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> &amp;';

test("a zone's words come out as written, markup and entities included", () => {
  const rows = tooltipRows({ name: MARKUP, kind: "crowd", area_m2: 1234.5, capacity: null }, FIELDS, "en");
  assert.deepEqual(rows, [["Zone", MARKUP], ["Kind", "crowd"], ["Area (m²)", "1,234.5"], ["Capacity", ""]]);
});

test("numbers are written in the reader's locale", () => {
  assert.equal(cellText(1234567.5, "es"), "1.234.567,5");
  assert.equal(cellText(0, "en"), "0");
  assert.equal(cellText({ a: 1 }, "en"), '{"a":1}');
});

test("a zone is drawn by its kind, and filled by its coverage when the page has one", () => {
  const styles = { crowd: { color: "#1f77b4", fillOpacity: 0.25 }, "": { color: "#333333" } };
  assert.deepEqual(zoneLook({ kind: "crowd" }, styles, zoneStyle), styles.crowd);
  assert.deepEqual(zoneLook({ kind: "kiosk" }, styles, zoneStyle), styles[""]);
  const covered = zoneLook({ kind: "crowd", coverage: "short" }, styles, zoneStyle);
  assert.deepEqual(covered, { color: "#1f77b4", fillColor: "#ff9f1a", fillOpacity: 0.45 });
});
