// Small DOM helpers shared by the command page's views.
import { LOCALE, settings } from "./page.js";

export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// Times as the event's clock shows them, whatever the time zone of the reader's machine:
// HH:MM on the 24-hour clock, as a command post's log writes them, in every language. One
// formatter for the page: toLocaleTimeString made a new one per call, twice per queue row.
let clockFormat = null;

export function clock(at) {
  const how = { timeZone: settings.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  clockFormat = clockFormat || new Intl.DateTimeFormat(LOCALE, how);
  return clockFormat.format(new Date(at));
}
