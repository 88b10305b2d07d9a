/**
 * GeoJSON planner layers. Demand: Point (one point), MultiPoint (each point carries the feature's
 * weight), Polygon/MultiPolygon (an area: sampled on a grid, the feature's weight spread evenly
 * over the samples). Obstacles: Polygon/MultiPolygon footprints with an optional `height` (m).
 */
import { LocalProjection, pointInRings } from '../geo';
import type { Obstacle } from '../types';
import type { RawDemandPoint } from './csv';
import { type Area, checkLatLon, type InputReport, markDuplicates } from './report';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Feature {
  index: number;
  id: string | null;
  geometry: Json | null;
  props: Json;
  errors: string[];
}

function features(text: string, source: string, report: InputReport): Feature[] | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    report.file(source, `not valid JSON: ${err.message.split('"')[0]}`);
    return null;
  }
  const list = isObject(doc) && doc.type === 'FeatureCollection' && Array.isArray(doc.features) ? doc.features : isObject(doc) && doc.type === 'Feature' ? [doc] : null;
  if (!list) {
    report.file(source, 'not a GeoJSON FeatureCollection (expected {"type":"FeatureCollection","features":[…]})');
    return null;
  }
  const out = list.map((f: unknown, k: number): Feature => {
    if (!isObject(f) || f.type !== 'Feature') return { index: k + 1, id: null, geometry: null, props: {}, errors: ['not a GeoJSON Feature'] };
    const props = isObject(f.properties) ? f.properties : {};
    const rawId = f.id ?? props.id;
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : null;
    return { index: k + 1, id, geometry: isObject(f.geometry) ? f.geometry : null, props, errors: f.geometry === null || isObject(f.geometry) ? [] : ['geometry: not an object'] };
  });
  markDuplicates(out.map((f) => Object.assign(f, { row: f.index })));
  return out;
}

const isPos = (p: unknown): p is [number, number] => Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number';

function ringsOf(coords: unknown, errors: string[]): Array<Array<[number, number]>> | null {
  if (!Array.isArray(coords) || coords.length === 0) {
    errors.push('geometry: a Polygon needs an array of rings');
    return null;
  }
  const rings: Array<Array<[number, number]>> = [];
  for (const ring of coords) {
    if (!Array.isArray(ring) || ring.length < 4 || !ring.every(isPos)) {
      errors.push('geometry: each Polygon ring needs at least 4 [lon, lat] positions');
      return null;
    }
    rings.push(ring.map((p: [number, number]) => [p[0], p[1]]));
  }
  return rings;
}

function polygonsOf(g: Json, errors: string[]): Array<Array<Array<[number, number]>>> | null {
  if (g.type === 'Polygon') {
    const r = ringsOf(g.coordinates, errors);
    return r ? [r] : null;
  }
  if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) {
    const out = g.coordinates.map((c) => ringsOf(c, errors));
    return out.every((r) => r) ? (out as Array<Array<Array<[number, number]>>>) : null;
  }
  return null;
}

function weightOf(f: Feature): number | null {
  const w = f.props.weight;
  if (w === undefined || w === null) return 1;
  if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
    f.errors.push('weight: must be a number ≥ 0');
    return null;
  }
  return w;
}

/** Grid samples inside a polygon (spacing in metres); at least its first vertex's centroid-ish point. */
function samplePolygon(rings: Array<Array<[number, number]>>, spacingM: number): Array<[number, number]> {
  const outer = rings[0]!;
  const lat0 = outer.reduce((a, p) => a + p[1], 0) / outer.length;
  const lon0 = outer.reduce((a, p) => a + p[0], 0) / outer.length;
  const proj = new LocalProjection(lat0, lon0);
  const flat = rings.map((r) => Float64Array.from(r.flatMap(([lon, lat]) => [proj.x(lon), proj.y(lat)])));
  const xs = outer.map((p) => proj.x(p[0]));
  const ys = outer.map((p) => proj.y(p[1]));
  const out: Array<[number, number]> = [];
  const kx = proj.x(lon0 + 1);
  const ky = proj.y(lat0 + 1);
  for (let x = Math.min(...xs) + spacingM / 2; x < Math.max(...xs) && out.length < 10_000; x += spacingM) {
    for (let y = Math.min(...ys) + spacingM / 2; y < Math.max(...ys); y += spacingM) {
      if (pointInRings(x, y, flat)) out.push([lon0 + x / kx, lat0 + y / ky]);
    }
  }
  return out.length ? out : [[lon0, lat0]];
}

export function parseDemandGeoJson(text: string, source: string, area: Area | null, report: InputReport, spacingM = 25): RawDemandPoint[] {
  const list = features(text, source, report);
  if (!list) return [];
  const out: RawDemandPoint[] = [];
  for (const f of list) {
    const id = f.id ?? `${source}#${f.index}`;
    const weight = weightOf(f);
    const district = typeof f.props.district === 'string' ? f.props.district : null;
    const pts: Array<[number, number]> = [];
    const g = f.geometry;
    if (!g) f.errors.push('geometry: missing (expected Point, MultiPoint or Polygon)');
    else if (g.type === 'Point') {
      if (isPos(g.coordinates)) pts.push(g.coordinates);
      else f.errors.push('geometry: a Point needs [lon, lat]');
    } else if (g.type === 'MultiPoint') {
      if (Array.isArray(g.coordinates) && g.coordinates.length && g.coordinates.every(isPos)) pts.push(...(g.coordinates as Array<[number, number]>));
      else f.errors.push('geometry: a MultiPoint needs a non-empty array of [lon, lat]');
    } else if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
      const polys = polygonsOf(g, f.errors);
      if (polys) for (const p of polys) pts.push(...samplePolygon(p, spacingM));
    } else f.errors.push(`geometry: type '${String(g.type)}' is not supported (expected Point, MultiPoint or Polygon)`);
    for (const [lon, lat] of pts) {
      const e = checkLatLon(lat, lon, area);
      if (e.length) {
        f.errors.push(...e);
        break;
      }
    }
    report.row(source, f.index, f.id, f.errors);
    if (f.errors.length || weight === null) continue;
    const each = g?.type === 'Polygon' || g?.type === 'MultiPolygon' ? weight / pts.length : weight;
    pts.forEach(([lon, lat], k) => out.push({ id: pts.length > 1 ? `${id}#${k + 1}` : id, lat, lon, weight: each, district, row: f.index }));
  }
  return out;
}

export function parseObstaclesGeoJson(text: string, source: string, report: InputReport): Obstacle[] {
  const list = features(text, source, report);
  if (!list) return [];
  const out: Obstacle[] = [];
  for (const f of list) {
    const h = f.props.height;
    let height: number | null = null;
    if (h !== undefined && h !== null) {
      if (typeof h === 'number' && Number.isFinite(h) && h >= 0) height = h;
      else f.errors.push('height: must be a number of metres ≥ 0');
    }
    const polys = f.geometry ? polygonsOf(f.geometry, f.errors) : null;
    if (!polys && !f.errors.length) f.errors.push('geometry: an obstacle must be a Polygon or MultiPolygon');
    if (polys) {
      for (const p of polys) for (const r of p) for (const [lon, lat] of r) {
        if (f.errors.length) break;
        f.errors.push(...checkLatLon(lat, lon, null));
      }
    }
    report.row(source, f.index, f.id, f.errors);
    if (!f.errors.length && polys) polys.forEach((rings, k) => out.push({ id: `${f.id ?? f.index}${polys.length > 1 ? `#${k + 1}` : ''}`, rings, height }));
  }
  return out;
}
