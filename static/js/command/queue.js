// The threat queue's rules. Pure: no DOM, so Node tests it (tests/js/queue.test.mjs).

export const LIST_AT_MOST = 200; // the map shows every threat; the queue the first 200
const ALARM_ZONES = 3; // an alarm names this many zones, then "and N more"
const MINUTE = 60_000;
// Most severe first; a severity the page does not know ranks with "unknown", last.
export const SEVERITY_RANK = { extreme: 0, severe: 1, moderate: 2, minor: 3, unknown: 4 };
export const CLOSED = "closed"; // the status filter's value for resolved and dismissed threats

function rank(threat) {
  return SEVERITY_RANK[threat.severity] ?? SEVERITY_RANK.unknown;
}

// When a threat was received (ms since 1970): its `received` when the page knows it, else
// its last change, the nearest the snapshot's table carries.
export function receivedAt(threat) {
  return threat.received || threat.updated || 0;
}

// The open queue: the most severe first, and within a severity the oldest first, since it
// has waited longest for someone to act; the id breaks ties, so the order never flickers.
// Each threat's keys are read once, not in every comparison: 10,000 threats sort in a few ms.
export function queueRows(threats) {
  const keyed = threats.map((threat) => [rank(threat), receivedAt(threat), threat.id, threat]);
  keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return keyed.slice(0, LIST_AT_MOST).map((key) => key[3]);
}

// Closed threats: the most recently closed first, those a commander may want to reopen.
export function closedRows(threats) {
  return [...threats].sort((a, b) => b.updated - a.updated || b.id - a.id).slice(0, LIST_AT_MOST);
}

// The list's filters: `status` ("" for every open one), `kind` ("" for all) and `zone` (a
// zone id, "" for all). A threat that reaches the whole event by its place codes is in
// every zone.
export function matches(threat, { status = "", kind = "", zone = "" } = {}) {
  if (status && status !== CLOSED && threat.status !== status) return false;
  if (kind && threat.kind !== kind) return false;
  if (zone === "") return true;
  return (threat.places && threat.places.length > 0) || threat.zones.includes(Number(zone));
}

export function filterThreats(threats, filter) {
  return threats.filter((threat) => matches(threat, filter));
}

export function isFiltered({ status = "", kind = "", zone = "" } = {}) {
  return Boolean((status && status !== CLOSED) || kind || zone !== "");
}

// The kinds among the threats, for the kind filter: each once, in alphabetical order.
export function kindsOf(threats, locale) {
  const kinds = new Set(threats.map((threat) => threat.kind).filter(Boolean));
  return [...kinds].sort((a, b) => a.localeCompare(b, locale));
}

// "12 of 40" when a filter hides some, else the number alone.
export function countText(shown, total, filtered, t) {
  return filtered ? t("count_of", { shown, total }) : String(total);
}

// How long ago, in the words of a watch log: "under a minute", "12 min", "2 h 5 min", "3 d 4 h".
export function ageText(ms, t) {
  const minutes = Math.max(0, Math.floor(ms / MINUTE));
  if (minutes < 1) return t("age_now");
  if (minutes < 60) return t("age_minutes", { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t("age_hours", { hours, minutes: minutes % 60 });
  return t("age_days", { days: Math.floor(hours / 24), hours: hours % 24 });
}

// The names of a threat's zones that the page knows, in the threat's order.
export function zoneList(threat, namesById) {
  return threat.zones.map((id) => namesById.get(id)).filter(Boolean);
}

export function zoneNames(threat, namesById) {
  return zoneList(threat, namesById).join(", ");
}

// A threat that reaches the whole event by place codes (an alert with no polygon): the places
// it named, each "Cook County, IL (SAME 017031)", or just its kind and code.
function placeLabels(places) {
  return places.map((p) => (p.name ? `${p.name} (${p.kind} ${p.code})` : `${p.kind} ${p.code}`));
}

export function placeNames(places) {
  return placeLabels(places).join("; ");
}

// The first name, then how many more: "North Avenue Beach +8".
function firstAndMore(names, t) {
  return names.length > 1 ? t("first_and_more", { first: names[0], count: names.length - 1 }) : names[0] || "";
}

// Where a threat is, in the queue: `short` for its row, `full` for its title and the detail.
export function whereSummary(threat, namesById, t) {
  if (threat.places && threat.places.length) {
    const labels = placeLabels(threat.places);
    return { short: t("whole_event", { places: firstAndMore(labels, t) }), full: t("whole_event", { places: labels.join("; ") }) };
  }
  const names = zoneList(threat, namesById);
  return { short: firstAndMore(names, t), full: names.join(", ") };
}

export function whereText(threat, namesById, t) {
  return whereSummary(threat, namesById, t).full;
}

// The snapshot has the titles of the newest 300 only; rows the queue lists beyond those have
// their words fetched, once: `asked` holds those already asked.
export function missingWords(rows, asked) {
  return rows.filter((threat) => !threat.title && !asked.has(threat.id)).map((threat) => threat.id);
}

// Where an alarm is: a few zone names, then how many more.
export function alarmWhere(names, t) {
  if (names.length <= ALARM_ZONES) return names.join(", ");
  return t("more_zones", { zones: names.slice(0, ALARM_ZONES).join(", "), count: names.length - ALARM_ZONES });
}
