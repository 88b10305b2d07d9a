import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSite } from '../../app/site';
import { createBaseMap } from '../cameras/map/base-map';
import type { Sighting } from '../plates/types';
import { clock, percent } from './format';
import type { Prediction, TimedCamera } from './types';

interface Props {
  last: Sighting | null;
  result: Prediction | null;
  unit: { lat: number; lon: number } | null;
  onPick(lat: number, lon: number): void;
}

const tip = (c: TimedCamera, step: number) => `${step}. ${c.cameraId} · ${percent(c.p)} · ${clock(c.fromMs)}–${clock(c.toMs)}`;

/**
 * The last sighting (red), the predicted next cameras sized by chance with their time windows
 * (orange), two and three steps ahead faintly, the response unit (blue) and the places it
 * reaches first (green rings). A click on the map places the unit.
 */
export function InterceptionMap({ last, result, unit, onPick }: Props) {
  const { t } = useTranslation();
  const { site } = useSite();
  const mapCfg = site.map;
  const el = useRef<HTMLDivElement>(null);
  const ref = useRef<{ map: L.Map; renderer: L.Canvas; layer: L.LayerGroup } | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const fitted = useRef<string | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const base = createBaseMap(el.current, mapCfg);
    const { map, canvas: renderer } = base;
    map.on('click', (e: L.LeafletMouseEvent) => pick.current(e.latlng.lat, e.latlng.lng));
    ref.current = { map, renderer, layer: L.layerGroup().addTo(map) };
    return () => {
      base.dispose();
      ref.current = null;
    };
  }, [mapCfg.center, mapCfg.zoom, mapCfg.tileUrl, mapCfg.attribution]);

  useEffect(() => {
    const m = ref.current;
    if (!m) return;
    m.layer.clearLayers();
    const pts: Array<[number, number]> = [];
    const { renderer, layer } = m;
    for (const s of result?.ahead ?? []) {
      for (const c of s.cameras) {
        L.circleMarker([c.lat, c.lon], { renderer, radius: 4 + 10 * c.p, color: '#868e96', weight: 1, fillColor: '#adb5bd', fillOpacity: 0.25, opacity: 0.4 }).bindTooltip(tip(c, s.step)).addTo(layer);
      }
    }
    const reach = new Set((result?.reachable ?? []).map((p) => p.cameraId));
    for (const c of result?.next ?? []) {
      if (last) L.polyline([[last.lat, last.lon], [c.lat, c.lon]], { renderer, color: '#f08c00', weight: 1 + 4 * c.p, opacity: 0.5, dashArray: '6 6', interactive: false }).addTo(layer);
      L.circleMarker([c.lat, c.lon], { renderer, radius: 6 + 14 * c.p, color: reach.has(c.cameraId) ? '#2b8a3e' : '#ffffff', weight: reach.has(c.cameraId) ? 3 : 1, fillColor: '#f08c00', fillOpacity: 0.85 })
        .bindTooltip(tip(c, 1), { permanent: c === result?.next[0], direction: 'top', offset: [0, -8] })
        .addTo(layer);
      pts.push([c.lat, c.lon]);
    }
    for (const p of result?.reachable ?? []) {
      if (p.step > 1) L.circleMarker([p.lat, p.lon], { renderer, radius: 10, color: '#2b8a3e', weight: 3, fill: false, interactive: false }).addTo(layer);
    }
    if (last) {
      L.circleMarker([last.lat, last.lon], { renderer, radius: 9, color: '#ffffff', weight: 2, fillColor: '#e03131', fillOpacity: 1 })
        .bindTooltip(`${last.plate} · ${last.cameraId} · ${clock(last.seenAt)}`)
        .addTo(layer);
      pts.push([last.lat, last.lon]);
    }
    if (unit) {
      L.circleMarker([unit.lat, unit.lon], { renderer, radius: 8, color: '#ffffff', weight: 2, fillColor: '#1c7ed6', fillOpacity: 1 }).bindTooltip(t('interception.map.unit')).addTo(layer);
      pts.push([unit.lat, unit.lon]);
    }
    // Fit once per prediction, not on every unit move (the operator may have zoomed in).
    const key = result ? `${result.cameraId}@${result.seenAt}` : null;
    if (key && pts.length && key !== fitted.current) {
      fitted.current = key;
      m.map.fitBounds(L.latLngBounds(pts), { padding: [60, 60], maxZoom: 16, animate: false });
    }
  }, [last, result, unit, t]);

  return (
    <div
      className="map-wrap interception-map"
      data-testid="interception-map"
      data-next={(result?.next ?? []).map((c) => c.cameraId).join(',')}
      data-ahead-count={(result?.ahead ?? []).reduce((n, s) => n + s.cameras.length, 0)}
      data-unit={unit ? `${unit.lat.toFixed(5)},${unit.lon.toFixed(5)}` : ''}
    >
      <div ref={el} className="map" role="application" aria-label={t('interception.map.label')} />
      <ul className="map-legend">
        <li><span className="swatch" style={{ background: '#e03131' }} /> {t('interception.map.last')}</li>
        <li><span className="swatch" style={{ background: '#f08c00' }} /> {t('interception.map.next')}</li>
        <li><span className="swatch" style={{ background: '#adb5bd' }} /> {t('interception.map.ahead')}</li>
        <li><span className="swatch" style={{ background: '#1c7ed6' }} /> {t('interception.map.unit')}</li>
      </ul>
    </div>
  );
}
