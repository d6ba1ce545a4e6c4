// Zone names on the map as permanent labels, written as text. Only a zone drawn large enough
// at the zoom in view carries its label, so zooming out does not bury the map in words;
// labels follow zones added, changed or removed later (a delta, a planner's drawing).
//
// Leaflet (L) is a classic script loaded before this module.
const L = window.L;
const MIN_PX = 90; // a zone narrower and shorter than this on screen goes unlabelled

function centre(layer) {
  try {
    return layer.getCenter(); // a polygon's own centre: inside an L-shaped zone more often
  } catch (e) {
    return layer.getBounds().getCenter(); // not on the map yet
  }
}

export function labelZones(map, zones) {
  const labels = new Map(); // zone layer -> its label
  let ready = false; // the first paint's zones are labelled together, once
  const size = (layer) => {
    const bounds = layer.getBounds();
    const a = map.latLngToLayerPoint(bounds.getNorthWest());
    const b = map.latLngToLayerPoint(bounds.getSouthEast());
    return Math.max(b.x - a.x, b.y - a.y);
  };
  const fits = (layer) => size(layer) >= MIN_PX;
  const show = (layer) => {
    const label = labels.get(layer);
    const wanted = map.hasLayer(zones) && fits(layer);
    if (wanted && !map.hasLayer(label)) label.addTo(map);
    if (!wanted && map.hasLayer(label)) label.remove();
  };
  const add = (layer) => {
    if (!layer.feature || !layer.getBounds) return;
    const name = document.createElement("span");
    name.textContent = layer.feature.properties.name || "";
    name.dir = "auto";
    const options = { permanent: true, direction: "center", className: "zone-label", interactive: false };
    labels.set(layer, L.tooltip(options).setLatLng(centre(layer)).setContent(name));
    if (ready) showAll();
  };
  const drop = (layer) => {
    if (labels.has(layer)) labels.get(layer).remove();
    labels.delete(layer);
  };
  // Labels that would overlap: the smaller zone's is kept (a gate over the water it is in).
  // Every box is read before any class is written: one layout, not one per label.
  const untangle = () => {
    const shown = [...labels].filter(([, label]) => map.hasLayer(label))
      .sort(([a], [b]) => size(a) - size(b)).map(([, label]) => label.getElement());
    shown.forEach((element) => element.classList.remove("zone-label-hidden"));
    const boxes = shown.map((element) => element.getBoundingClientRect());
    const taken = [];
    const hidden = boxes.map((box) => {
      const clash = taken.some((t) => box.left < t.right && t.left < box.right && box.top < t.bottom && t.top < box.bottom);
      if (!clash) taken.push(box);
      return clash;
    });
    shown.forEach((element, i) => { if (hidden[i]) element.classList.add("zone-label-hidden"); });
  };
  const showAll = () => {
    labels.forEach((_, layer) => show(layer));
    untangle();
  };
  zones.eachLayer(add);
  ready = true;
  showAll();
  zones.on("layeradd", (e) => add(e.layer));
  zones.on("layerremove", (e) => drop(e.layer));
  zones.on("add remove", showAll); // the layer control's Zones box
  map.on("zoomend", showAll);
  // What the browser tests read: the labels on the map now, as shown.
  return () => [...labels.values()]
    .filter((label) => map.hasLayer(label) && !label.getElement().classList.contains("zone-label-hidden"))
    .map((label) => label.getElement().textContent);
}
