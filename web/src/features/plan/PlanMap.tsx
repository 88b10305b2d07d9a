import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteInfo } from '../../api/types';
import { addGraticule } from '../cameras/map/graticule';
import { heat, sectorPolygon } from './geometry';
import type { PlanMapData, PlanSite } from './types';

interface Props {
  mapCfg: SiteInfo['map'];
  data: PlanMapData | null;
  sites: PlanSite[];
  radiusM: number;
  fovDeg: number | null;
  /** Changes when new inputs were loaded: the view then fits them. */
  dataKey: string;
}

const EXISTING: L.PathOptions = { color: '#1f6feb', weight: 1, fillColor: '#1f6feb', fillOpacity: 0.12, interactive: false };
const PROPOSED: L.PathOptions = { color: '#2b8a3e', weight: 2, fillColor: '#40c057', fillOpacity: 0.25, interactive: false };

/** Map layers of a plan: demand heat (weighted dots), existing coverage, candidates, proposed sites and their sectors. */
export function PlanMap({ mapCfg, data, sites, radiusM, fovDeg, dataKey }: Props) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<{ map: L.Map; renderer: L.Canvas; base: L.LayerGroup; top: L.LayerGroup } | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const renderer = L.canvas({ padding: 0.2 });
    const map = L.map(el.current, { preferCanvas: true, renderer, center: mapCfg.center, zoom: mapCfg.zoom, minZoom: 3, maxZoom: 19, attributionControl: Boolean(mapCfg.tileUrl) });
    if (mapCfg.tileUrl) L.tileLayer(mapCfg.tileUrl, { attribution: mapCfg.attribution ?? '', maxZoom: 19 }).addTo(map);
    const removeGraticule = mapCfg.tileUrl ? () => undefined : addGraticule(map, renderer);
    mapRef.current = { map, renderer, base: L.layerGroup().addTo(map), top: L.layerGroup().addTo(map) };
    return () => {
      removeGraticule();
      map.remove();
      mapRef.current = null;
    };
  }, [mapCfg.center, mapCfg.zoom, mapCfg.tileUrl, mapCfg.attribution]);

  // Inputs: demand heat, candidates, existing coverage. Fit the view when new inputs arrive.
  useEffect(() => {
    const m = mapRef.current;
    if (!m) return;
    m.base.clearLayers();
    if (!data) return;
    const maxW = data.demand.reduce((a, d) => Math.max(a, d[2]), 0) || 1;
    for (const c of data.candidates) L.circleMarker([c.lat, c.lon], { renderer: m.renderer, radius: 2, color: '#6b7785', weight: 1, fillOpacity: 0.4, interactive: false }).addTo(m.base);
    for (const e of data.existing) {
      const range = e.rangeM ?? radiusM;
      if (e.bearingDeg !== null && e.fovDeg !== null && e.fovDeg < 360) L.polygon(sectorPolygon(e.lat, e.lon, e.bearingDeg, e.fovDeg, range), { renderer: m.renderer, ...EXISTING }).addTo(m.base);
      else L.circle([e.lat, e.lon], { renderer: m.renderer, radius: range, ...EXISTING }).addTo(m.base);
      L.circleMarker([e.lat, e.lon], { renderer: m.renderer, radius: 3, color: '#1f6feb', fillOpacity: 1, interactive: false }).addTo(m.base);
    }
    for (const [lat, lon, w] of data.demand) {
      const share = w / maxW;
      L.circleMarker([lat, lon], { renderer: m.renderer, radius: 2 + 4 * Math.sqrt(share), stroke: false, fillColor: heat(share), fillOpacity: 0.75, interactive: false }).addTo(m.base);
    }
  }, [data, radiusM]);

  useEffect(() => {
    const m = mapRef.current;
    if (!m || !data || data.demand.length === 0) return;
    m.map.fitBounds(L.latLngBounds(data.demand.map(([lat, lon]) => [lat, lon] as [number, number])), { padding: [20, 20], maxZoom: 17 });
    // Only when the inputs change, not on every what-if recomputation.
  }, [dataKey]);

  // Proposed sites and their sectors, above everything else.
  useEffect(() => {
    const m = mapRef.current;
    if (!m) return;
    m.top.clearLayers();
    sites.forEach((s, k) => {
      if (s.bearingDeg !== null && fovDeg !== null && fovDeg < 360) L.polygon(sectorPolygon(s.lat, s.lon, s.bearingDeg, fovDeg, radiusM), { renderer: m.renderer, ...PROPOSED }).addTo(m.top);
      else L.circle([s.lat, s.lon], { renderer: m.renderer, radius: radiusM, ...PROPOSED }).addTo(m.top);
      L.circleMarker([s.lat, s.lon], { renderer: m.renderer, radius: 5, color: '#ffffff', weight: 1, fillColor: s.pinned ? '#7b2cbf' : '#2b8a3e', fillOpacity: 1 })
        .bindTooltip(`${k + 1}. ${s.id} (+${Math.round(s.marginalGain * 100) / 100})`)
        .addTo(m.top);
    });
  }, [sites, radiusM, fovDeg]);

  return (
    <div className="map-wrap plan-map" data-testid="plan-map" data-site-count={sites.length} data-demand-count={data?.demand.length ?? 0}>
      <div ref={el} className="map" role="application" aria-label={t('plan.map.label')} />
      <ul className="map-legend plan-legend">
        <li><span className="swatch demand" /> {t('plan.map.demand')}</li>
        <li><span className="swatch existing" /> {t('plan.map.existing')}</li>
        <li><span className="swatch candidate" /> {t('plan.map.candidates')}</li>
        <li><span className="swatch proposed" /> {t('plan.map.proposed')}</li>
      </ul>
    </div>
  );
}
