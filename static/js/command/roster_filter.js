// Who to send, as the assign list filters them. Pure: no DOM, so Node tests it
// (tests/js/roster_filter.test.mjs).

// Case and accents aside: "jose" finds "José", "cpd" finds "CPD".
export function folded(text) {
  return String(text || "").normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

// The choices: each unit with people on the list, then each person. `value` is what the
// threat is assigned to; `words` what typing searches.
export function choices(people, word) {
  const units = new Map();
  for (const p of people) {
    if (!p.unit) continue;
    const key = `${p.unit}\u0000${p.agency}`;
    const unit = units.get(key) || { kind: "unit", value: `${p.unit} (${p.agency})`, name: p.unit, agency: p.agency, zones: new Set(), count: 0 };
    if (p.status === "on_duty") unit.count += 1; // checked in, not merely posted
    if (p.zone) unit.zones.add(p.zone);
    units.set(key, unit);
  }
  const unitRows = [...units.values()].map((u) => ({ ...u, zone: [...u.zones].join(", "), words: folded([u.name, u.agency, ...u.zones].join(" ")) }));
  const personRows = people.map((p) => ({
    kind: "person", value: `${p.name} (${p.agency})`, name: p.name, agency: p.agency, unit: p.unit, role: p.role,
    zone: p.zone, status: p.status, words: folded([p.name, p.agency, p.unit, p.role, p.zone, word("duty", p.status)].join(" ")),
  }));
  return [...unitRows, ...personRows];
}

// The choices whose words hold every word typed, in any order.
export function filtered(rows, query) {
  const wanted = folded(query).split(/\s+/).filter(Boolean);
  return rows.filter((row) => wanted.every((w) => row.words.includes(w)));
}
