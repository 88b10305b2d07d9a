import L from 'leaflet';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BBox, Camera, SiteInfo } from '../../../api/types';
import { toBBox } from './bbox';
import { addGraticule } from './graticule';
import { popupContent } from './popup';

function markerStyle(fill: string, selected: boolean): L.CircleMarkerOptions {
  return {
    radius: selected ? 8 : 5,
    color: selected ? '#111111' : '#ffffff',
    weight: selected ? 2 : 1,
    fillColor: fill,
    fillOpacity: 0.9,
  };
}

interface Props {
  map: SiteInfo['map'];
  cameras: Camera[];
  selectedId: string | null;
  colorOf(owner: string): string;
  nameOf(owner: string): string;
  onBounds(bbox: BBox): void;
  onSelect(id: string): void;
  /** Overlays drawn above the map (count, legend). */
  children?: ReactNode;
  /** Peer sites' cameras (#10): dashed markers, never merged with local ones; a click follows `href`. */
  remote?: { ref: string; name: string; site: string; lat: number; lon: number; stale: boolean; href: string }[];
}

/**
 * Cameras as circle markers on one canvas (fast with thousands), over a plain background and a
 * graticule; a tile layer only when the site configures one. The drawn count is exposed as
 * data-marker-count for tests and tools.
 */
export function CameraMap({ map: mapCfg, cameras, selectedId, colorOf, nameOf, onBounds, onSelect, children, remote }: Props) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const rendererRef = useRef<L.Canvas | null>(null);
  const layerRef = useRef<L.LayerGroup | null>(null);
  const markersRef = useRef<{ markers: Map<string, L.CircleMarker>; selected: string | null }>({
    markers: new Map(),
    selected: null,
  });
  const callbacks = useRef({ onBounds, onSelect });
  const [drawn, setDrawn] = useState(0);
  const [remoteDrawn, setRemoteDrawn] = useState(0);

  useEffect(() => {
    callbacks.current = { onBounds, onSelect };
  }, [onBounds, onSelect]);

  // Create the map once per configuration.
  useEffect(() => {
    if (!el.current) return;
    const renderer = L.canvas({ padding: 0.2 });
    const map = L.map(el.current, {
      preferCanvas: true,
      renderer,
      center: mapCfg.center,
      zoom: mapCfg.zoom,
      minZoom: 3,
      maxZoom: 19,
      worldCopyJump: false,
      attributionControl: Boolean(mapCfg.tileUrl),
    });
    if (mapCfg.tileUrl) {
      L.tileLayer(mapCfg.tileUrl, { attribution: mapCfg.attribution ?? '', maxZoom: 19 }).addTo(map);
    }
    const removeGraticule = mapCfg.tileUrl ? () => undefined : addGraticule(map, renderer);
    const layer = L.layerGroup().addTo(map);
    const report = () => callbacks.current.onBounds(toBBox(map.getBounds()));
    map.on('moveend', report);
    mapRef.current = map;
    rendererRef.current = renderer;
    layerRef.current = layer;
    report();
    return () => {
      removeGraticule();
      map.off('moveend', report);
      map.remove();
      mapRef.current = null;
      rendererRef.current = null;
      layerRef.current = null;
    };
  }, [mapCfg.center, mapCfg.zoom, mapCfg.tileUrl, mapCfg.attribution]);

  // Remote cameras on their own layer: hollow dashed markers (grey when the owner is unreachable).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !remote?.length) return;
    const group = L.layerGroup().addTo(map);
    for (const r of remote) {
      const m = L.circleMarker([r.lat, r.lon], { renderer: rendererRef.current ?? undefined, radius: 6, color: r.stale ? '#888888' : '#6a1b9a', weight: 2, dashArray: '3 2', fillOpacity: 0.15 });
      m.bindTooltip(`${r.name} · ${r.site}`);
      m.on('click', () => {
        window.location.hash = r.href;
      });
      m.addTo(group);
    }
    setRemoteDrawn(remote.length);
    return () => {
      group.remove();
      setRemoteDrawn(0);
    };
  }, [remote, mapCfg]);

  // Redraw the markers when the cameras (or language, for popups) change.
  useEffect(() => {
    const layer = layerRef.current;
    const renderer = rendererRef.current;
    if (!layer || !renderer) return;
    layer.clearLayers();
    const markers = new Map<string, L.CircleMarker>();
    for (const cam of cameras) {
      const marker = L.circleMarker([cam.location.lat, cam.location.lon], { renderer, ...markerStyle(colorOf(cam.owner), false) });
      marker.bindPopup(() => popupContent(t, cam, nameOf(cam.owner)));
      marker.on('click', () => callbacks.current.onSelect(cam.id));
      marker.addTo(layer);
      markers.set(cam.id, marker);
    }
    markersRef.current = { markers, selected: null };
    setDrawn(cameras.length);
  }, [cameras, colorOf, nameOf, t]);

  // Highlight the selected camera without redrawing (which would close an open popup).
  useEffect(() => {
    const state = markersRef.current;
    if (state.selected && state.selected !== selectedId) {
      const prev = state.markers.get(state.selected);
      const cam = cameras.find((c) => c.id === state.selected);
      if (prev && cam) prev.setStyle(markerStyle(colorOf(cam.owner), false)).setRadius(5);
    }
    const next = selectedId ? state.markers.get(selectedId) : undefined;
    const cam = selectedId ? cameras.find((c) => c.id === selectedId) : undefined;
    if (next && cam) next.setStyle(markerStyle(colorOf(cam.owner), true)).setRadius(8).bringToFront();
    state.selected = next ? selectedId : null;
  }, [selectedId, cameras, colorOf]);

  return (
    <div className="map-wrap" data-testid="camera-map" data-marker-count={drawn} data-remote-count={remoteDrawn}>
      <div ref={el} className="map" role="application" aria-label={t('map.label')} />
      {children}
    </div>
  );
}
