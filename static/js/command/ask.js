// An in-page question before a threat changes: the browser's prompt() answers Cancel with
// null, which once closed a threat all the same. Here Cancel, Escape or a click outside
// the box answer null, and the caller changes nothing.
import { el } from "./dom.js";
import { T } from "./page.js";

export function ask({ title, subject = "", label, value = "", required = false, confirm }) {
  const dialog = el("dialog", "ask");
  const form = el("form");
  form.method = "dialog";
  const heading = el("h2", null, title);
  const about = el("p", "ask-subject", subject); // which threat: feed text, any script
  about.dir = "auto";
  const field = el("label", null, label);
  const input = el("input");
  input.name = "answer";
  input.value = value;
  input.required = required;
  input.maxLength = 500;
  input.dir = "auto";
  field.appendChild(input);
  form.append(heading, about, field);
  return answered(dialog, form, input, confirm || title);
}

// The box's buttons and its answer, for every question asked in the page (./assign.js too):
// the typed text on submit, null on Cancel, Escape or a click on the backdrop.
export function answered(dialog, form, input, confirmLabel) {
  const buttons = el("div", "ask-buttons");
  const cancel = el("button", "secondary cancel", T.cancel);
  cancel.type = "button";
  const ok = el("button", "confirm", confirmLabel);
  ok.type = "submit";
  buttons.append(cancel, ok);
  form.appendChild(buttons);
  dialog.appendChild(form);
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    let answer = null;
    const close = () => dialog.close();
    cancel.addEventListener("click", close);
    dialog.addEventListener("click", (e) => { if (e.target === dialog) close(); }); // the backdrop
    form.addEventListener("submit", () => { answer = input.value.trim(); });
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
    dialog.showModal();
    input.focus();
  });
}
