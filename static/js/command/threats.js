// One threat shape for the page, whether it came in the snapshot's compact table or whole,
// as a GeoJSON feature in a delta or an API answer. Pure: no DOM, no Leaflet.
//
// A threat: { id, point: [lon, lat] | null, outline: GeoJSON geometry | null, severity,
//   status, family, kind, updated: ms since 1970 (also its version, sent with a change),
//   zones: [zone id], received: ms since 1970 when first seen (0 when unknown; the snapshot's
//   table gives it to the second), and its words when known: title, assignee, instruction, texts,
//   places: [{code, kind, name}] when it reaches the whole event by place codes }

export const OPEN = new Set(["new", "acknowledged", "assigned"]);
export const LOUD = new Set(["severe", "extreme"]); // a new one of these flashes and beeps
const WORDS = ["title", "assignee", "instruction", "kind", "texts", "places"];

// The first CAP category, lower case: it picks the marker's ring colour (as maps/compact.py).
export function family(category) {
  return (category || "").split(",")[0].trim().toLowerCase();
}

export function fromFeature(feature) {
  const p = feature.properties;
  const area = feature.geometry && feature.geometry.type !== "Point";
  return {
    id: p.id, point: p.point, outline: area ? feature.geometry : null,
    severity: p.severity, status: p.status, family: family(p.category), kind: p.kind,
    updated: Date.parse(p.updated_at) || 0, zones: (p.zones || []).map((z) => z.id),
    received: Date.parse(p.first_seen) || 0,
    title: p.title, assignee: p.assignee, instruction: p.instruction, texts: p.texts,
    places: p.places || [],
  };
}

// The snapshot's compact table (maps/compact.py): rows of `fields`, repeated words as codes,
// `updated` in milliseconds after `base`, `received` in seconds after it, outlines for areas
// only, words for the newest only.
export function fromTable(table) {
  const at = Object.fromEntries(table.fields.map((name, i) => [name, i]));
  const base = table.base ? Date.parse(table.base) : 0;
  const decode = (row, name) => (row[at[name]] === null ? null : table.codes[name][row[at[name]]]);
  return table.rows.map((row) => {
    const id = row[at.id];
    return {
      id, point: row[at.lon] === null ? null : [row[at.lon], row[at.lat]], outline: table.outlines[id] || null,
      severity: decode(row, "severity"), status: decode(row, "status"), family: decode(row, "family"),
      kind: decode(row, "kind"), updated: row[at.updated] === null ? 0 : base + row[at.updated],
      zones: row[at.zones] || [], received: row[at.received] == null ? 0 : base + row[at.received] * 1000,
      ...(table.words[id] || {}),
    };
  });
}

// Words fetched later (a selected threat, the queue's rows) fill in what the table left out.
export function learnWords(threat, properties) {
  for (const key of WORDS) {
    if (properties[key]) threat[key] = properties[key];
  }
}

// A CAP alert in several languages: its words in the reader's language when it has them
// (threats/languages.py keeps every block after the first by language), else the first's.
export function inLanguage(words, language) {
  const own = (words.texts || {})[language] || {};
  const pick = (key) => own[key] || words[key];
  return { title: pick("title"), description: pick("description"), instruction: pick("instruction") };
}

// What a threat is called in a list or popup: its title, else its kind, else `fallback`.
export function headline(threat, language, fallback) {
  return inLanguage(threat, language).title || threat.kind || fallback;
}
