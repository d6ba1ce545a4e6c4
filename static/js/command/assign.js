// Assign a threat from the people and units on duty now (GET /duty), filtered as the
// commander types; a unit not on the list (an outside agency's) is assigned as typed. In the
// page like ask.js: Cancel, Escape or a click beside the box answer null and change nothing.
import { get } from "./api.js";
import { answered } from "./ask.js";
import { el } from "./dom.js";
import { settings, t, T, word } from "./page.js";
import { choices, filtered } from "./roster_filter.js";

const SHOWN_AT_MOST = 50;

async function onDuty() {
  const response = await get(`${settings.api}/duty`);
  return response.ok ? (await response.json()).people : [];
}

function option(row, pick) {
  const button = el("button", `choice ${row.kind}`);
  button.type = "button";
  const name = el("span", "choice-name", row.name);
  name.dir = "auto";
  const about = row.kind === "unit"
    ? [row.agency, `${word("duty", "on_duty")}: ${row.count}`, row.zone]
    : [row.agency, row.role, row.zone, word("duty", row.status)];
  const detail = el("span", "choice-detail hint", about.filter(Boolean).join(" · "));
  detail.dir = "auto";
  button.append(name, detail);
  button.addEventListener("click", () => pick(row));
  const item = el("li");
  item.appendChild(button);
  return item;
}

function listOf(rows, input, list, empty, more) {
  const render = () => {
    const matching = filtered(rows, input.value);
    const shown = matching.slice(0, SHOWN_AT_MOST);
    // Say the list is cut, or a commander takes the first 50 for everyone on duty.
    more.textContent = t("assign_more", { count: matching.length - shown.length });
    more.hidden = matching.length <= shown.length;
    list.replaceChildren(...shown.map((row) => option(row, (picked) => {
      input.value = picked.value;
      render();
      input.focus();
    })));
    empty.hidden = shown.length > 0 || !input.value.trim();
  };
  input.addEventListener("input", render);
  render();
}

export async function askAssignee({ subject = "", value = "" }) {
  const dialog = el("dialog", "ask assign");
  const form = el("form");
  form.method = "dialog";
  const about = el("p", "ask-subject", subject); // which threat: feed text, any script
  about.dir = "auto";
  const field = el("label", null, T.assign_to);
  const input = el("input");
  Object.assign(input, { name: "answer", value, required: true, maxLength: 200, dir: "auto", placeholder: T.assign_search });
  input.setAttribute("autocomplete", "off");
  field.appendChild(input);
  const heading = el("div", "hint", T.assign_people);
  const list = el("ul", "choices");
  const empty = el("p", "hint", T.assign_nobody);
  const more = el("p", "hint assign-more");
  form.append(el("h2", null, T.assign), about, field, heading, list, more, empty);
  const answer = answered(dialog, form, input, T.assign);
  onDuty().then((people) => listOf(choices(people, word), input, list, empty, more));
  return answer;
}
