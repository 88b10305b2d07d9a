import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSite } from '../../app/site';
import { createBaseMap } from '../cameras/map/base-map';
import { formatHkt } from '../../time/format';
import type { Sighting } from './types';

/** A vehicle's path: sightings in time order as numbered points joined by a line (no tiles needed). */
export function PathMap({ items }: { items: Sighting[] }) {
  const { t } = useTranslation();
  const { site } = useSite();
  const mapCfg = site.map;
  const el = useRef<HTMLDivElement>(null);
  const ref = useRef<{ map: L.Map; layer: L.LayerGroup } | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const base = createBaseMap(el.current, mapCfg);
    const { map } = base;
    ref.current = { map, layer: L.layerGroup().addTo(map) };
    return () => {
      base.dispose();
      ref.current = null;
    };
  }, [mapCfg.center, mapCfg.zoom, mapCfg.tileUrl, mapCfg.attribution]);

  useEffect(() => {
    const m = ref.current;
    if (!m) return;
    m.layer.clearLayers();
    if (items.length === 0) return;
    const pts = items.map((s) => [s.lat, s.lon] as [number, number]);
    L.polyline(pts, { color: '#1f6feb', weight: 3, opacity: 0.7 }).addTo(m.layer);
    items.forEach((s, i) => {
      const icon = L.divIcon({ className: 'path-point', html: `<span>${i + 1}</span>`, iconSize: [22, 22] });
      L.marker([s.lat, s.lon], { icon, title: `${i + 1}. ${s.cameraId} ${formatHkt(s.seenAt)}` })
        .bindTooltip(`${i + 1}. ${s.plate} · ${s.cameraId} · ${formatHkt(s.seenAt)}`)
        .addTo(m.layer);
    });
    m.map.fitBounds(L.latLngBounds(pts), { padding: [30, 30], maxZoom: 16, animate: false });
  }, [items]);

  return (
    <div className="map-wrap plates-map" data-testid="path-map" data-point-count={items.length} data-path={items.map((s) => s.cameraId).join(',')}>
      <div ref={el} className="map" role="application" aria-label={t('plates.search.mapLabel')} />
    </div>
  );
}
