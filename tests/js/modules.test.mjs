// The browser loads static/js as it is, with no build step: every import must name a file
// that is there, and the pure modules must stay pure, so Node can keep testing them.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const STATIC_JS = resolve(dirname(fileURLToPath(import.meta.url)), "../../static/js");
const PURE = [
  "words.js", "zone_tooltip.js", "command/sequence.js", "command/threats.js", "command/queue.js", "command/coverage.js",
  "command/reach_words.js", "command/roster_filter.js",
];

function modules(dir = STATIC_JS) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith(".js") ? [path] : [];
  });
}

function specifiers(source) {
  return [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]);
}

function code(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

test("every import in static/js is a relative path to a file that is there", () => {
  let checked = 0;
  for (const path of modules()) {
    for (const specifier of specifiers(readFileSync(path, "utf8"))) {
      checked += 1;
      const where = relative(STATIC_JS, path);
      assert.match(specifier, /^\.\.?\/.+\.js$/, `${where}: "${specifier}" (no bundler resolves bare names)`);
      assert.ok(existsSync(resolve(dirname(path), specifier)), `${where}: "${specifier}" is missing`);
    }
  }
  assert.ok(checked > 30, `only ${checked} imports found: is the pattern still right?`);
});

test("the pure modules touch no DOM, window, Leaflet or socket", () => {
  for (const name of PURE) {
    const source = code(readFileSync(join(STATIC_JS, name), "utf8"));
    assert.doesNotMatch(source, /\b(document|window|localStorage|fetch|io)\b|\bL\./, name);
  }
});

// Names, titles and descriptions come from planners, files and feeds: the page writes them as
// text. A string handed to Leaflet's tooltip, popup or control is read as markup, so those
// take a node built with textContent (map.js, markers.js).
test("no page script writes markup", () => {
  const MARKUP = /\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write|createContextualFragment|\.(bindTooltip|bindPopup|setContent)\(\s*["'`]/;
  for (const path of modules()) {
    assert.doesNotMatch(code(readFileSync(path, "utf8")), MARKUP, relative(STATIC_JS, path));
  }
});
