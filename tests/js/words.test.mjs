// The page's words (static/js/words.js), shared by the command and planner pages.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fill, words } from "../../static/js/words.js";

const { t, word } = words({
  not_changed: "Not changed: %(message)s",
  more_zones: "%(zones)s and %(count)d more",
  empty: "",
  severity: { severe: "Severe" },
});

test("placeholders are filled from the values, %(name)s and %(name)d alike", () => {
  assert.equal(t("not_changed", { message: "already closed" }), "Not changed: already closed");
  assert.equal(t("more_zones", { zones: "A, B, C", count: 2 }), "A, B, C and 2 more");
});

test("a zero is printed, not taken for a missing value", () => {
  assert.equal(t("more_zones", { zones: "A", count: 0 }), "A and 0 more");
});

test("a missing value prints as nothing, never as undefined", () => {
  assert.equal(t("not_changed", {}), "Not changed: ");
  assert.equal(t("not_changed", { message: null }), "Not changed: ");
  assert.equal(t("not_changed"), "Not changed: ");
});

test("a string the server did not send falls back to its key instead of stopping the page", () => {
  assert.equal(t("no_such_key", { message: "x" }), "no_such_key");
  assert.equal(t("empty"), "empty");
});

test("a code's word falls back to the code", () => {
  assert.equal(word("severity", "severe"), "Severe");
  assert.equal(word("severity", "minor"), "minor");
  assert.equal(word("status", "new"), "new");
});

test("fill leaves text without placeholders alone, and other % signs too", () => {
  assert.equal(fill("100% covered"), "100% covered");
  assert.equal(fill("%(who)x stays", { who: "no" }), "%(who)x stays");
});
