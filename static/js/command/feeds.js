// The feeds' health: when each last brought news, or why it is failing.
import { clock, el } from "./dom.js";
import { T, t, word } from "./page.js";
import { picture } from "./picture.js";

function item(feed) {
  const li = el("li", feed.healthy ? "feed ok" : "feed failing");
  li.appendChild(el("span", "name", feed.name || feed.kind));
  const when = feed.last_success_at ? clock(feed.last_success_at) : T.never;
  const failing = `${word("feed_state", feed.state || "failing")}${feed.last_error ? ": " + feed.last_error : ""}`;
  li.appendChild(el("span", "when", feed.healthy ? t("feed_ok", { when }) : failing));
  // Alerts of its last read with no polygon that named none of the event's place codes.
  if (feed.unplaced_count) li.appendChild(el("span", "unplaced hint", t("feed_unplaced", { count: feed.unplaced_count })));
  return li;
}

export function renderFeeds() {
  document.getElementById("feed-list").replaceChildren(...[...picture.feeds.values()].map(item));
}
