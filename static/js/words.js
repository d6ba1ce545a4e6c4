// The page's words, translated on the server (maps/strings.py, planner/views.py) and handed
// to the page as JSON; placeholders keep the catalogues' python-format, `%(name)s`/`%(name)d`.
// Pure: no DOM, so Node tests it (tests/js/words.test.mjs).

const PLACEHOLDER = /%\((\w+)\)[sd]/g;

// A missing value prints as nothing: a half-filled sentence beats "undefined" on a command post.
export function fill(text, values = {}) {
  return text.replace(PLACEHOLDER, (_, name) => String(values[name] ?? ""));
}

// `t` falls back to the key and `word` to the code: a string the server did not send must
// never stop the page.
export function words(strings) {
  return {
    t: (key, values) => fill(strings[key] || key, values),
    word: (group, code) => (strings[group] && strings[group][code]) || code,
  };
}
