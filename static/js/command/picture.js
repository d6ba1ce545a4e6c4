// The live picture the page shows: the last snapshot with every delta since applied, and
// what the commander has chosen to look at.
export const picture = {
  threats: new Map(), // id -> {threat, layer}; a threat as threats.js makes it
  zoneNames: new Map(), // zone id -> name, for threats' zones in the queue and popups
  feeds: new Map(), // feed id -> its status
  askedWords: new Set(), // ids whose title was fetched once: never ask twice
  staffing: { zones: {} },
  coverageMode: "live", // "live", or the id of a planned shift
  selected: null, // the id of the threat in the detail panel
  closed: null, // id -> a resolved or dismissed threat, once the list was asked for them
  alarms: [], // severe threats whose banner waits for someone to acknowledge, oldest first
};
