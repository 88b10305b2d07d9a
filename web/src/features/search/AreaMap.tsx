import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { api } from '../../api/endpoints';
import type { BBox, Camera } from '../../api/types';
import { useSite } from '../../app/site';
import { createBaseMap } from '../cameras/map/base-map';

interface Props {
  bbox: BBox | null;
  selected: readonly string[];
  onArea(b: BBox | null): void;
  onToggleCamera(id: string): void;
}

/**
 * The cameras in scope on the map (click one to add or remove it from the search) and the search area:
 * "Draw area", then drag a rectangle (the map does not pan while drawing).
 */
export function AreaMap({ bbox, selected, onArea, onToggleCamera }: Props) {
  const { t } = useTranslation();
  const { site } = useSite();
  const mapCfg = site.map;
  const el = useRef<HTMLDivElement>(null);
  const ref = useRef<{ map: L.Map; renderer: L.Canvas; cams: L.LayerGroup; area: L.LayerGroup } | null>(null);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [drawing, setDrawing] = useState(false);
  const cb = useRef({ onArea, onToggleCamera });
  cb.current = { onArea, onToggleCamera };

  useEffect(() => {
    const ac = new AbortController();
    api.cameras({ limit: 1000 }, ac.signal).then(
      (p) => setCameras(p.items),
      (err: unknown) => {
        if (!isAbort(err)) console.error('Cameras for the search map could not be read', err);
      },
    );
    return () => ac.abort();
  }, []);

  useEffect(() => {
    if (!el.current) return;
    const base = createBaseMap(el.current, mapCfg);
    const { map, canvas: renderer } = base;
    ref.current = { map, renderer, cams: L.layerGroup().addTo(map), area: L.layerGroup().addTo(map) };
    return () => {
      base.dispose();
      ref.current = null;
    };
  }, [mapCfg.center, mapCfg.zoom, mapCfg.tileUrl, mapCfg.attribution]);

  // Camera markers (selected ones filled); fitted to the cameras once they are known.
  const fitted = useRef(false);
  useEffect(() => {
    const m = ref.current;
    if (!m) return;
    m.cams.clearLayers();
    for (const c of cameras) {
      const on = selected.includes(c.id);
      L.circleMarker([c.location.lat, c.location.lon], { renderer: m.renderer, radius: on ? 8 : 6, color: '#1f6feb', weight: 2, fillColor: on ? '#1f6feb' : '#ffffff', fillOpacity: 0.9 })
        .bindTooltip(`${c.name} (${c.id})`)
        .on('click', () => cb.current.onToggleCamera(c.id))
        .addTo(m.cams);
    }
    if (!fitted.current && cameras.length > 0) {
      fitted.current = true;
      m.map.fitBounds(L.latLngBounds(cameras.map((c) => [c.location.lat, c.location.lon] as [number, number])), { padding: [40, 40], maxZoom: 17, animate: false });
    }
  }, [cameras, selected]);

  useEffect(() => {
    const m = ref.current;
    if (!m) return;
    m.area.clearLayers();
    if (bbox) L.rectangle([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], { color: '#d9480f', weight: 2, fillOpacity: 0.08, interactive: false }).addTo(m.area);
  }, [bbox]);

  // Drawing: mouse down sets a corner, moving stretches the rectangle, mouse up ends it.
  useEffect(() => {
    const m = ref.current;
    if (!m || !drawing) return;
    const { map } = m;
    map.dragging.disable();
    map.getContainer().style.cursor = 'crosshair';
    let start: L.LatLng | null = null;
    let rect: L.Rectangle | null = null;
    const down = (e: L.LeafletMouseEvent) => {
      start = e.latlng;
      rect = L.rectangle(L.latLngBounds(start, start), { color: '#d9480f', weight: 2, dashArray: '4 4', fillOpacity: 0.05, interactive: false }).addTo(map);
    };
    const move = (e: L.LeafletMouseEvent) => {
      if (start && rect) rect.setBounds(L.latLngBounds(start, e.latlng));
    };
    const up = (e: L.LeafletMouseEvent) => {
      if (!start) return;
      const b = L.latLngBounds(start, e.latlng);
      rect?.remove();
      start = null;
      rect = null;
      setDrawing(false);
      if (b.getNorth() !== b.getSouth() && b.getEast() !== b.getWest()) cb.current.onArea([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
    };
    map.on('mousedown', down);
    map.on('mousemove', move);
    map.on('mouseup', up);
    return () => {
      map.off('mousedown', down);
      map.off('mousemove', move);
      map.off('mouseup', up);
      rect?.remove();
      map.dragging.enable();
      map.getContainer().style.cursor = '';
    };
  }, [drawing]);

  const inArea = bbox ? cameras.filter((c) => c.location.lon >= bbox[0] && c.location.lon <= bbox[2] && c.location.lat >= bbox[1] && c.location.lat <= bbox[3]).length : null;
  return (
    <div className="search-area">
      <div className="toolbar">
        <button type="button" className={drawing ? 'primary small' : 'small'} onClick={() => setDrawing((d) => !d)} data-testid="area-draw" aria-pressed={drawing}>
          {drawing ? t('searchPage.area.drawing') : t('searchPage.area.draw')}
        </button>
        {bbox && (
          <button type="button" className="small" onClick={() => onArea(null)} data-testid="area-clear">
            {t('searchPage.area.clear')}
          </button>
        )}
        <span className="muted small" data-testid="area-summary" data-bbox={bbox ? bbox.map((n) => n.toFixed(5)).join(',') : ''}>
          {inArea === null ? t('searchPage.area.none') : t('searchPage.area.cameras', { count: inArea })}
        </span>
      </div>
      <div className="map-wrap search-map" data-testid="area-map" data-cameras={cameras.length}>
        <div ref={el} className="map" role="application" aria-label={t('searchPage.area.label')} />
      </div>
    </div>
  );
}
