// Who is posted where: the staffing table, zones coloured by who is there now or by the plan
// for a shift, and how the next shift is staffed.
import { get } from "./api.js";
import { gapTotals, nextShiftIndex, plannedCoverage, staffingRows } from "./coverage.js";
import { el } from "./dom.js";
import { settings, T, t } from "./page.js";
import { picture } from "./picture.js";
import { colourLive, colourZones, namesOnMap } from "./zones.js";

async function gaps(shiftId) {
  const response = await get(`${settings.api}/gaps?shift=${shiftId}`);
  return response.ok ? (await response.json()).gaps : null;
}

export function renderStaffing() {
  const names = namesOnMap();
  document.querySelector("#staffing-table tbody").replaceChildren(...staffingRows(picture.staffing.zones).map(([id, z]) => {
    const tr = el("tr", `cov-${z.status}`);
    tr.dataset.zoneId = id;
    for (const [text, cls] of [[names[id] || id, ""], [z.required, "num"], [z.on_duty, "num"], [z.short, "num"]]) tr.appendChild(el("td", cls, text));
    return tr;
  }));
  colourLive();
}

async function showPlanned(shiftId) {
  const rows = await gaps(shiftId);
  if (rows) colourZones(plannedCoverage(rows));
}

export function setUpCoverageMode() {
  document.getElementById("coverage-mode").addEventListener("change", (e) => {
    picture.coverageMode = e.target.value;
    if (picture.coverageMode === "live") colourLive();
    else showPlanned(picture.coverageMode);
  });
}

export async function showNextShift() {
  const box = document.getElementById("next-shift");
  if (!box) return;
  const { ids, starts, names, labels } = settings.shifts;
  const next = nextShiftIndex(starts, new Date());
  if (next < 0) { box.textContent = T.no_later_period; return; }
  const rows = await gaps(ids[next]);
  if (rows) box.textContent = t("next_period", { name: names[next], start: labels[next], ...gapTotals(rows) });
}
