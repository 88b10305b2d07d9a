import { ValidationError } from '../../core/errors';
import type { Bbox } from '../sightings/sighting.repository';

/** [lon, lat] pairs, GeoJSON order. */
export type Polygon = Array<[number, number]>;

export function polygonBbox(poly: Polygon): Bbox {
  if (poly.length < 3) throw new ValidationError('polygon: at least 3 points [lon, lat]');
  for (const [lon, lat] of poly) {
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) throw new ValidationError(`polygon: [${lon}, ${lat}] is not a [lon, lat] position`);
  }
  const lats = poly.map((p) => p[1]);
  const lons = poly.map((p) => p[0]);
  return { minLat: Math.min(...lats), maxLat: Math.max(...lats), minLon: Math.min(...lons), maxLon: Math.max(...lons) };
}

/** Ray casting; points on the boundary may fall either way (cameras are not that precise). */
export function inPolygon(lat: number, lon: number, poly: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
