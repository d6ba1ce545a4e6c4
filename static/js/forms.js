// Every page: a <select data-submit-on-change> sends its form when a choice is made (the
// language picker, the plan's operational period). A listener here rather than an inline
// onchange="...": the Content-Security-Policy runs no inline script (web/headers.py).
for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
  select.addEventListener("change", () => select.form.submit());
}
