// The threat queue's rules. Pure: no DOM, so Node tests it (tests/js/queue.test.mjs).

export const LIST_AT_MOST = 200; // the map shows every threat; the queue the latest 200
const ALARM_ZONES = 3; // an alarm names this many zones, then "and N more"

export function queueRows(threats) {
  return [...threats].sort((a, b) => b.updated - a.updated).slice(0, LIST_AT_MOST);
}

// The snapshot has the titles of the newest 300 only; when enough of those close, older rows
// move up into the queue and their words are fetched, once: `asked` holds those already asked.
export function missingWords(rows, asked) {
  return rows.filter((threat) => !threat.title && !asked.has(threat.id)).map((threat) => threat.id);
}

// The names of a threat's zones that the page knows, in the threat's order.
export function zoneNames(threat, namesById) {
  return threat.zones.map((id) => namesById.get(id)).filter(Boolean).join(", ");
}

// A threat that reaches the whole event by place codes (an alert with no polygon): the places
// it named, each "Cook County, IL (SAME 017031)", or just its kind and code.
export function placeNames(places) {
  return places.map((p) => (p.name ? `${p.name} (${p.kind} ${p.code})` : `${p.kind} ${p.code}`)).join("; ");
}

// Where a threat is, in the queue: the whole event and its places, else its zones' names.
export function whereText(threat, namesById, t) {
  if (threat.places && threat.places.length) return t("whole_event", { places: placeNames(threat.places) });
  return zoneNames(threat, namesById);
}

// Where an alarm is: a few zone names, then how many more.
export function alarmWhere(names, t) {
  if (names.length <= ALARM_ZONES) return names.join(", ");
  return t("more_zones", { zones: names.slice(0, ALARM_ZONES).join(", "), count: names.length - ALARM_ZONES });
}
