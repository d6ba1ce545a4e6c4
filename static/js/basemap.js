// What is drawn under the zones (maps/render.py says which): the app's own raster tiles, its
// vector tiles through protomaps-leaflet (static/vendor, loaded by the page only then), or the
// offline street layer (demo/basemap.geojson) with its street and place names.
//
// Words from a tile file or the layer (attribution, names) are written as text: Leaflet's
// attribution control writes HTML, so a tile file's attribution has a control of its own.

const L = window.L;

function attribution(map, text) {
  if (!text) return;
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const box = L.DomUtil.create("div", "leaflet-control leaflet-control-attribution basemap-attribution");
    box.textContent = text;
    return box;
  };
  control.addTo(map);
}

function tileOptions(tiles) {
  const options = { attribution: "", maxZoom: 20 };
  if (tiles.bounds) {
    // The file's own zooms are drawn as they are and stretched beyond; nothing is asked
    // outside its bounds.
    Object.assign(options, {
      bounds: tiles.bounds,
      minNativeZoom: tiles.minZoom,
      maxNativeZoom: tiles.maxZoom,
    });
  }
  return options;
}

function vectorTiles(tiles) {
  const options = tileOptions(tiles);
  return window.protomapsL.leafletLayer({
    url: tiles.url,
    flavor: "light",
    lang: document.documentElement.lang || "en",
    attribution: "", // not Protomaps' own default: the file's is shown, as text
    maxDataZoom: tiles.maxZoom,
    bounds: options.bounds,
  });
}

function labelMarker(feature, latlng) {
  const text = L.DomUtil.create("span");
  text.textContent = feature.properties.name;
  const look = feature.properties.kind || "street";
  return L.marker(latlng, {
    icon: L.divIcon({ html: text, className: `basemap-label basemap-label-${look}`, iconSize: null }),
    interactive: false,
    keyboard: false,
    pane: "basemap-labels",
  });
}

// Street and place names from the offline layer, each shown from its own zoom on (minzoom).
function streetLayer(map, data) {
  const styles = data.basemap_styles;
  const shapes = { ...data.basemap, features: data.basemap.features.filter((f) => f.properties.layer !== "label") };
  const style = (feature) => styles[feature.properties.layer] || styles.other;
  // Own panes under the zones' (overlayPane, 400): the shapes, then their names above them.
  map.createPane("basemap").style.zIndex = 350;
  map.createPane("basemap-labels").style.zIndex = 390;
  L.geoJSON(shapes, { style, interactive: false, pane: "basemap" }).addTo(map);
  const labels = data.basemap.features
    .filter((f) => f.properties.layer === "label")
    .map((f) => [f.properties.minzoom || 0, L.geoJSON(f, { pointToLayer: labelMarker })]);
  const show = () => {
    const zoom = map.getZoom();
    for (const [from, layer] of labels) {
      if (zoom >= from) layer.addTo(map);
      else layer.remove();
    }
  };
  map.on("zoomend", show);
  map.whenReady(show);
}

export function drawBasemap(map, data) {
  const tiles = data.tiles;
  if (tiles) attribution(map, tiles.attribution);
  if (tiles && tiles.vector && window.protomapsL) vectorTiles(tiles).addTo(map);
  else if (tiles && !tiles.vector) L.tileLayer(tiles.url, tileOptions(tiles)).addTo(map);
  else if (data.basemap) streetLayer(map, data);
}
