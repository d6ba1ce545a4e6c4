// At tablet and phone widths the map fills the page, and the list, the detail, staffing and
// check-in wait in a drawer over it (app.css, the command view's narrow layout): the button
// "Threats (12)" opens it, its close button or Escape closes it, and the focus goes into the
// drawer and back to the button. On wide screens the drawer's parts stand beside the map.
import { settings, t } from "./page.js";

const drawer = document.getElementById("drawer");
const opener = document.getElementById("drawer-open");
const closer = document.getElementById("drawer-close");

function isOpen() {
  return drawer.classList.contains("open");
}

function setOpen(open) {
  drawer.classList.toggle("open", open);
  opener.setAttribute("aria-expanded", String(open));
  (open ? closer : opener).focus();
}

export function setUpDrawer() {
  // The map's box changes with the layout (a banner above it, a rotated tablet): Leaflet
  // must be told, or it leaves a grey band where the box grew.
  const { map } = settings;
  new ResizeObserver(() => map.invalidateSize()).observe(map.getContainer());
  opener.addEventListener("click", () => setOpen(!isOpen()));
  closer.addEventListener("click", () => setOpen(false));
  document.addEventListener("keydown", (e) => {
    // A question open over the drawer takes its own Escape first.
    if (e.key === "Escape" && isOpen() && !document.querySelector("dialog[open]")) setOpen(false);
  });
}

// Opened for something to read in it (a banner's Show), where the layout has a drawer.
export function showDrawer() {
  if (opener.offsetParent !== null && !isOpen()) setOpen(true);
}

export function setDrawerCount(count) {
  opener.textContent = t("threats_button", { count });
}
