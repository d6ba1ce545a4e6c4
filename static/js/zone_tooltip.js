// What a zone's tooltip says, as [label, text] rows: the page writes them as text, never as
// markup (a zone's name is whatever a planner, a file or a feed made it). Pure: no DOM, so
// Node tests it (tests/js/map.test.mjs).

// `fields`: [[property, label]] as maps/render.py sends them; numbers in the reader's locale.
export function tooltipRows(properties, fields, locale) {
  return fields.map(([field, label]) => [label, cellText(properties[field], locale)]);
}

export function cellText(value, locale) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return value.toLocaleString(locale);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// A zone's look: its kind's outline, filled by its planned coverage when the page has one.
// `styles`: kind -> style ("" for any other kind); `fill`: coverage.js zoneStyle.
export function zoneLook(properties, styles, fill) {
  const own = styles[properties.kind] || styles[""];
  return properties.coverage ? { ...own, ...fill(properties.kind, properties.coverage) } : { ...own };
}
