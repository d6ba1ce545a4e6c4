// Every page: a <select data-submit-on-change> sends its form when a choice is made (the
// language picker, the plan's operational period). A listener here rather than an inline
// onchange="...": the Content-Security-Policy runs no inline script (web/headers.py).
for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
  select.addEventListener("change", () => select.form.submit());
}

// A report a form's answer brings (auto-assign's, say) takes the focus and the view, so a
// keyboard or screen reader user lands on it and no one has to look for it.
const report = document.querySelector("[data-focus-on-load]");
if (report) {
  report.focus({ preventScroll: true });
  report.scrollIntoView({ block: "start" }); // its scroll-margin keeps the button above in view
}
