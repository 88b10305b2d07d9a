import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSite } from '../../app/site';
import { createBaseMap } from '../cameras/map/base-map';
import type { LatLon } from './types';

interface Props {
  camera: LatLon;
  points: LatLon[];
  /** Which pair a click places (the first image point without a ground point), null when every image point has one. */
  next: number | null;
  onPick(lat: number, lon: number): void;
}

/** The ground points of the calibration on the map, numbered like the image points; a click places the next. */
export function CalibrationMap({ camera, points, next, onPick }: Props) {
  const { t } = useTranslation();
  const { site } = useSite();
  const mapCfg = site.map;
  const el = useRef<HTMLDivElement>(null);
  const ref = useRef<{ map: L.Map; layer: L.LayerGroup } | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    if (!el.current) return;
    const base = createBaseMap(el.current, mapCfg, { svg: true, center: camera, zoom: 18, maxZoom: 21 });
    const { map } = base;
    map.on('click', (e: L.LeafletMouseEvent) => pick.current(Number(e.latlng.lat.toFixed(7)), Number(e.latlng.lng.toFixed(7))));
    ref.current = { map, layer: L.layerGroup().addTo(map) };
    return () => {
      base.dispose();
      ref.current = null;
    };
    // The map is made once per camera position; points are drawn by the next effect.
  }, [camera[0], camera[1], mapCfg.tileUrl, mapCfg.attribution]);

  useEffect(() => {
    const m = ref.current;
    if (!m) return;
    m.layer.clearLayers();
    L.circleMarker(camera, { radius: 6, color: '#ffffff', weight: 2, fillColor: '#1c7ed6', fillOpacity: 1 }).bindTooltip(t('crowdPage.calib.cameraHere')).addTo(m.layer);
    points.forEach((p, i) => {
      const icon = L.divIcon({ className: 'calib-point', html: `<span>${i + 1}</span>`, iconSize: [20, 20] });
      L.marker(p, { icon, title: `${i + 1}: ${p[0]}, ${p[1]}` }).addTo(m.layer);
    });
  }, [camera, points, t]);

  return (
    <div className="map-wrap crowd-calib-map" data-testid="calib-map" data-points={points.length}>
      <div ref={el} className="map" role="application" aria-label={t('crowdPage.calib.mapLabel')} />
      <div className="map-status">{next !== null ? t('crowdPage.calib.clickMap', { n: next + 1 }) : t('crowdPage.calib.clickImage')}</div>
    </div>
  );
}
