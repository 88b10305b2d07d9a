import L from 'leaflet';

/** A light latitude/longitude grid, so the map has a sense of place without any tile server. */
const STEPS = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001];

function stepFor(span: number): number {
  return STEPS.find((s) => span / s >= 4) ?? STEPS[STEPS.length - 1]!;
}

function decimals(step: number): number {
  return Math.max(0, Math.ceil(-Math.log10(step)));
}

export function addGraticule(map: L.Map, renderer: L.Renderer): () => void {
  const layer = L.layerGroup().addTo(map);
  const style: L.PolylineOptions = { renderer, color: '#b9c6d3', weight: 1, opacity: 0.7, interactive: false, noClip: true };

  const draw = () => {
    layer.clearLayers();
    const b = map.getBounds();
    const step = stepFor(Math.min(b.getNorth() - b.getSouth(), b.getEast() - b.getWest()));
    // Lines reach a step past the view so a pan shows grid until the next redraw.
    const south = Math.max(-85, b.getSouth() - step);
    const north = Math.min(85, b.getNorth() + step);
    const west = Math.max(-180, b.getWest() - step);
    const east = Math.min(180, b.getEast() + step);
    const labelWest = b.getWest();
    const labelSouth = b.getSouth();
    const d = decimals(step);
    const size = map.getSize();
    // Label only lines in view, and not where a label would be cut by the map's edge.
    const latLabelled = (p: L.Point) => p.y >= 16 && p.y <= size.y - 24;
    const lonLabelled = (p: L.Point) => p.x >= 0 && p.x <= size.x - 48;
    for (let lat = Math.ceil(south / step) * step; lat <= north; lat += step) {
      L.polyline([[lat, west], [lat, east]], style).addTo(layer);
      if (!latLabelled(map.latLngToContainerPoint([lat, labelWest]))) continue;
      L.marker([lat, labelWest], {
        interactive: false,
        icon: L.divIcon({ className: 'graticule-label', html: `${lat.toFixed(d)}°`, iconSize: undefined }),
      }).addTo(layer);
    }
    for (let lon = Math.ceil(west / step) * step; lon <= east; lon += step) {
      L.polyline([[south, lon], [north, lon]], style).addTo(layer);
      if (!lonLabelled(map.latLngToContainerPoint([labelSouth, lon]))) continue;
      L.marker([labelSouth, lon], {
        interactive: false,
        icon: L.divIcon({ className: 'graticule-label bottom', html: `${lon.toFixed(d)}°`, iconSize: undefined }),
      }).addTo(layer);
    }
  };
  draw();
  map.on('moveend', draw);
  return () => {
    map.off('moveend', draw);
    layer.remove();
  };
}
