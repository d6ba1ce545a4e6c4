// The command page's settings, from the data-* attributes of its script element (a module
// script has no document.currentScript), and its words, from the #i18n JSON.
import { map, zonesLayer } from "../map.js";
import { words } from "../words.js";

const element = document.getElementById("command-js");
const data = element.dataset;
const list = (value) => JSON.parse(value || "[]");

export const T = JSON.parse(document.getElementById("i18n").textContent);
export const { t, word } = words(T);
export const LOCALE = document.documentElement.lang || "en";
export const LANGUAGE = LOCALE.split("-")[0].toLowerCase();

export const settings = {
  eventId: Number(data.eventId),
  map,
  zonesLayer,
  audience: data.audience, // "full", or "partner": never sent titles
  canAct: data.canAct === "yes",
  api: data.api, // /api/v1/events/<id>
  csrf: data.csrf,
  wallToken: data.wallToken,
  timeZone: data.timezone || undefined,
  shifts: {
    ids: list(data.shifts), starts: list(data.shiftStarts), names: list(data.shiftNames), labels: list(data.shiftLabels),
  },
};
