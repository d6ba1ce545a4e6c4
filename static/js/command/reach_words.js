// How a threat's reach is said: the rule that decided its zones (planner/reach.py's
// decided_by: {rule, metres, all_zones, zone_kinds, origin}), named as a person would, in the
// reader's language. Pure: no DOM, so Node tests it (tests/js/reach_words.test.mjs).

// A distance as a commander reads it on the map: whole metres.
export function metresText(metres, locale) {
  return Math.round(metres).toLocaleString(locale);
}

// A drawable reach: a rule that reached over a distance (not the alert's own area, not a rule
// for some kinds of zone only).
export function drawable(rule) {
  return Boolean(rule && rule.rule && rule.metres > 0);
}

// The words beside the dashed reach on the map; "" when nothing is drawn.
export function reachLabel(rule, { t, word }, locale) {
  if (!drawable(rule)) return "";
  const values = { metres: metresText(rule.metres, locale), rule: word("reach_rule", rule.rule) };
  return t(rule.all_zones ? "reach_all_label" : "reach_label", values);
}

// The detail's sentence: which rule decided the zones, how far, and where the rule is from.
export function reachDetail(rule, { t, word }, locale) {
  if (!rule) return "";
  if (!rule.rule) return t("reach_area_detail");
  const values = {
    metres: metresText(rule.metres, locale), rule: word("reach_rule", rule.rule), source: word("reach_origin", rule.origin),
    kinds: (rule.zone_kinds || []).map((k) => word("zone_kind", k)).join(", "),
  };
  if (rule.all_zones) return t("reach_all_detail", values);
  if (rule.zone_kinds && rule.zone_kinds.length && !(rule.metres > 0)) return t("reach_kinds_detail", values);
  return t("reach_detail", values);
}
