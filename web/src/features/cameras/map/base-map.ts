import L from 'leaflet';
import type { SiteInfo } from '../../../api/types';
import { addGraticule } from './graticule';

export interface BaseMapOptions {
  /** Draw vector layers with SVG (testable paths) instead of the shared canvas. */
  svg?: boolean;
  center?: L.LatLngExpression;
  zoom?: number;
  maxZoom?: number;
  preferCanvas?: boolean;
}

export interface BaseMap {
  map: L.Map;
  /** The canvas renderer (the graticule draws on it; layers may too). */
  canvas: L.Canvas;
  /** The map's default renderer: the SVG one with `svg`, else `canvas`. */
  renderer: L.Renderer;
  dispose(): void;
}

/**
 * One Leaflet map as every page of the web app makes it: the site's view and tiles (config `map`), or a
 * graticule on a plain background when no tile server is configured. Call in an effect; dispose in its cleanup.
 */
export function createBaseMap(el: HTMLElement, cfg: SiteInfo['map'], opts: BaseMapOptions = {}): BaseMap {
  const canvas = L.canvas({ padding: 0.2 });
  const renderer = opts.svg ? L.svg({ padding: 0.2 }) : canvas;
  const maxZoom = opts.maxZoom ?? 19;
  const map = L.map(el, {
    renderer, preferCanvas: opts.preferCanvas, center: opts.center ?? cfg.center, zoom: opts.zoom ?? cfg.zoom, minZoom: 3, maxZoom, attributionControl: Boolean(cfg.tileUrl),
  });
  if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { attribution: cfg.attribution ?? '', maxZoom, maxNativeZoom: Math.min(maxZoom, 19) }).addTo(map);
  const removeGraticule = cfg.tileUrl ? () => undefined : addGraticule(map, canvas);
  return {
    map, canvas, renderer,
    dispose() {
      removeGraticule();
      map.remove();
    },
  };
}
