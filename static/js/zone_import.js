// The plan page's zone import: once a file is chosen, the server reads its columns (saving
// nothing) and the name column becomes a choice among them, each with sample values and
// the guessed one chosen. Without this script the field stays a text box and the import
// guesses. Every value from the file is set as text: a column named <img ...> stays words.
import { words } from "./words.js";

const form = document.getElementById("zone-import");
const { t } = words(JSON.parse(document.getElementById("i18n").textContent));

function option(value, text, selected) {
  const choice = document.createElement("option");
  choice.value = value;
  choice.textContent = text;
  choice.selected = selected;
  return choice;
}

function columnChoice(answer, current) {
  const select = document.createElement("select");
  Object.assign(select, { name: "name_field", id: "name-field" });
  select.setAttribute("aria-describedby", current.getAttribute("aria-describedby"));
  // An empty choice asks for the guess again: offered only when nothing was guessed.
  if (!answer.name_field) select.append(option("", t("no_name_column"), true));
  for (const { name, samples } of answer.columns) {
    const label = name === answer.name_field ? t("column_guessed", { column: name }) : name;
    const text = samples.length ? `${label}: ${samples.join(", ")}` : label;
    select.append(option(name, text, name === answer.name_field));
  }
  return select;
}

async function readColumns(file) {
  const body = new FormData();
  body.append("file", file);
  const headers = { "X-CSRFToken": form.querySelector("[name=csrf_token]").value };
  const response = await fetch(form.dataset.columns, { method: "POST", body, headers, credentials: "same-origin" });
  let answer = null;
  try { answer = await response.json(); } catch (e) { /* not JSON: a proxy's page */ }
  if (!response.ok) throw new Error(answer?.error?.message || `HTTP ${response.status}`);
  return answer;
}

// The text box the page came with: back in place while a file is read, or when it cannot be,
// so no choice from another file stays on screen.
const typed = document.getElementById("name-field");

async function preview(input, status) {
  const shown = document.getElementById("name-field");
  if (shown !== typed) shown.replaceWith(typed);
  const file = input.files[0];
  if (!file) { status.hidden = true; return; }
  status.hidden = false;
  status.classList.remove("error");
  status.textContent = t("reading_columns");
  try {
    const answer = await readColumns(file);
    const current = document.getElementById("name-field");
    current.replaceWith(columnChoice(answer, current));
    status.textContent = t("columns_found", { zones: answer.zones, crs: answer.source_crs });
  } catch (error) {
    status.classList.add("error");
    status.textContent = t("columns_refused", { message: error.message });
  }
}

if (form) {
  const input = form.querySelector("input[type=file]");
  const status = document.getElementById("zone-columns");
  input.addEventListener("change", () => preview(input, status));
}
