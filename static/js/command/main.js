// Live command view: joins the event room, draws threats and staffing from the snapshot and
// deltas, resyncs from the last sequence number after any gap, reconnect or hidden tab, and
// lets a commander act on threats and check people in and out.
//
// Leaflet (L) and the Socket.IO client (io) are classic scripts loaded before this module; the
// map and its zones are ../map.js's. Pure modules, tested under Node (tests/js/): sequence.js,
// threats.js, queue.js, coverage.js and ../words.js.
import { setUpMute } from "./alarm.js";
import { setUpCheckIn } from "./checkin.js";
import { setUpDrawer } from "./drawer.js";
import { connect, currentSocket, sequence } from "./live.js";
import { onMarkerClick, threatLayer } from "./markers.js";
import { settings, T } from "./page.js";
import { picture } from "./picture.js";
import { reachShown, setUpReach } from "./reach.js";
import { setUpCoverageMode, showNextShift } from "./staffing.js";
import { select, setUpFilters } from "./threat_list.js";
import { zoneFill } from "./zones.js";
import { zoneLabels } from "../map.js";

const { map, zonesLayer } = settings;

function zoneCount() {
  let n = 0;
  map.eachLayer((layer) => { if (layer.feature && layer.feature.properties.kind) n += 1; });
  return n;
}

onMarkerClick(select);
setUpReach();
setUpCoverageMode();
setUpMute();
setUpDrawer();
setUpFilters();
const overlays = { [T.layer_zones]: zonesLayer, [T.layer_threats]: threatLayer };
window.L.control.layers(null, overlays, { collapsed: false }).addTo(map);

// What the browser tests (tests/web/test_browser*.py) read the page through.
window.eventwatch = {
  threatCount: () => picture.threats.size,
  zoneCount,
  zoneFill,
  threatStatus: (id) => (picture.threats.has(id) ? picture.threats.get(id).threat.status : null),
  alarms: () => picture.alarms.map((threat) => threat.id), // waiting for an acknowledgement
  lastSeq: () => sequence.last,
  applied: () => sequence.applied(),
  socket: currentSocket,
  reach: reachShown,
  zoneLabels,
};
connect();
if (settings.canAct) setUpCheckIn();
if (settings.audience === "full") showNextShift();
