import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSite } from '../../app/site';
import { createBaseMap } from '../cameras/map/base-map';
import { fmtCount, fmtDensity, LEVEL_COLOUR } from './format';
import { LEVELS, type LatLon, type LiveCamera } from './types';

/**
 * The city map with the density layer: each camera's ground footprint and its zones' ground
 * polygons, filled with the colour of their level (SVG paths, so they stay crisp and testable);
 * the camera itself as a dot. Fitted to the cameras once per set of cameras.
 */
export function DensityMap({ cameras }: { cameras: LiveCamera[] }) {
  const { t } = useTranslation();
  const { site } = useSite();
  const mapCfg = site.map;
  const el = useRef<HTMLDivElement>(null);
  const ref = useRef<{ map: L.Map; svg: L.SVG; layer: L.LayerGroup } | null>(null);
  const fitted = useRef<string | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const base = createBaseMap(el.current, mapCfg, { svg: true, maxZoom: 20 });
    const { map } = base;
    const svg = base.renderer as L.SVG;
    ref.current = { map, svg, layer: L.layerGroup().addTo(map) };
    fitted.current = null;
    return () => {
      base.dispose();
      ref.current = null;
    };
  }, [mapCfg.center, mapCfg.zoom, mapCfg.tileUrl, mapCfg.attribution]);

  useEffect(() => {
    const m = ref.current;
    if (!m) return;
    m.layer.clearLayers();
    const pts: LatLon[] = [];
    for (const c of cameras) {
      const colour = LEVEL_COLOUR[c.level];
      if (c.footprint && c.footprint.length >= 3) {
        L.polygon(c.footprint, { renderer: m.svg, className: `crowd-footprint level-${c.level}`, color: colour, weight: 2, fillColor: colour, fillOpacity: c.stale ? 0.1 : 0.3, dashArray: c.stale ? '4 4' : undefined })
          .bindTooltip(t('crowdPage.map.footprintTip', { name: c.name, n: fmtCount(c.corrected ?? c.count), level: t(`crowdPage.level.${c.level}`) }))
          .addTo(m.layer);
        pts.push(...c.footprint);
      }
      for (const z of c.zones) {
        if (!z.groundPolygon || z.groundPolygon.length < 3) continue;
        const zc = LEVEL_COLOUR[z.level];
        L.polygon(z.groundPolygon, { renderer: m.svg, className: `crowd-zone-ground level-${z.level}`, color: zc, weight: 1, fillColor: zc, fillOpacity: c.stale ? 0.15 : 0.55 })
          .bindTooltip(t('crowdPage.map.zoneTip', { name: z.name, d: fmtDensity(z.densityPerM2), n: fmtCount(z.count) }))
          .addTo(m.layer);
        pts.push(...z.groundPolygon);
      }
      L.circleMarker([c.lat, c.lon], { renderer: m.svg, className: 'crowd-camera', radius: 5, color: '#ffffff', weight: 2, fillColor: '#1c7ed6', fillOpacity: 1 }).bindTooltip(c.name).addTo(m.layer);
      pts.push([c.lat, c.lon]);
    }
    const key = cameras.map((c) => `${c.cameraId}:${c.footprint ? 1 : 0}`).join(',');
    if (pts.length && key !== fitted.current) {
      fitted.current = key;
      m.map.fitBounds(L.latLngBounds(pts), { padding: [40, 40], maxZoom: 18, animate: false });
    }
  }, [cameras, t]);

  const footprints = cameras.filter((c) => c.footprint && c.footprint.length >= 3).length;
  return (
    <div className="map-wrap crowd-map" data-testid="crowd-map" data-footprints={footprints} data-cameras={cameras.map((c) => c.cameraId).join(',')}>
      <div ref={el} className="map" role="application" aria-label={t('crowdPage.map.label')} />
      <ul className="map-legend crowd-legend" data-testid="crowd-legend">
        {LEVELS.map((l) => (
          <li key={l}>
            <span className="swatch" style={{ background: LEVEL_COLOUR[l] }} /> {t(`crowdPage.level.${l}`)}
          </li>
        ))}
        {footprints < cameras.length && <li className="muted">{t('crowdPage.map.noFootprint', { n: cameras.length - footprints })}</li>}
      </ul>
    </div>
  );
}
