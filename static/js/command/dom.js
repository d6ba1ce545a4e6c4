// Small DOM helpers shared by the command page's views.
import { LOCALE, settings } from "./page.js";

export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// Times as the event's clock shows them, whatever the time zone of the reader's machine:
// HH:MM on the 24-hour clock, as a command post's log writes them, in every language.
export function clock(iso) {
  const how = { timeZone: settings.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return new Date(iso).toLocaleTimeString(LOCALE, how);
}
