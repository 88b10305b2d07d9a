import type { LatLngBounds } from 'leaflet';
import type { BBox } from '../../../api/types';

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Leaflet bounds → [minLon, minLat, maxLon, maxLat], clamped to valid coordinates. */
export function toBBox(b: LatLngBounds): BBox {
  return [
    clamp(b.getWest(), -180, 180),
    clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180),
    clamp(b.getNorth(), -90, 90),
  ];
}

export function sameBBox(a: BBox | null, b: BBox | null): boolean {
  if (!a || !b) return a === b;
  return a.every((v, i) => Math.abs(v - (b[i] ?? NaN)) < 1e-9);
}
