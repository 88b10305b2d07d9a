import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSite } from '../../app/site';
import { formatHkt } from '../../time/format';
import { createBaseMap } from '../cameras/map/base-map';
import type { Track } from './types';

/** The confirmed journey on the map: the cameras in order as numbered markers joined by a line, with times. */
export function JourneyMap({ tracks }: { tracks: Track[] }) {
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
    if (tracks.length === 0) return;
    const pts = tracks.map((s) => [s.lat, s.lon] as [number, number]);
    L.polyline(pts, { color: '#d9480f', weight: 3, opacity: 0.8 }).addTo(m.layer);
    tracks.forEach((s, i) => {
      const icon = L.divIcon({ className: 'path-point journey-point', html: `<span>${i + 1}</span>`, iconSize: [22, 22] });
      L.marker([s.lat, s.lon], { icon, title: `${i + 1}. ${s.cameraId} ${formatHkt(s.startedAt)}` })
        // Labels alternate above and below, so neighbouring cameras' times stay readable.
        .bindTooltip(`${i + 1}. ${s.cameraId} ${formatHkt(s.startedAt).slice(11, 19)}`, { permanent: true, direction: i % 2 ? 'bottom' : 'top', offset: [0, i % 2 ? 12 : -12] })
        .addTo(m.layer);
    });
    m.map.fitBounds(L.latLngBounds(pts), { padding: [40, 40], maxZoom: 18, animate: false });
  }, [tracks]);

  return (
    <div className="map-wrap journey-map" data-testid="journey-map" data-point-count={tracks.length} data-path={tracks.map((s) => s.cameraId).join(',')}>
      <div ref={el} className="map" role="application" aria-label={t('searchPage.journey.mapLabel')} />
    </div>
  );
}
