/**
 * Bulk camera import from GeoJSON: a FeatureCollection of Point features ([lon, lat]) whose
 * properties use the CSV column names, or the nested API shape (location, source, sharing, bearingDeg, fovDeg).
 */
import { describe, mapRow, PATH_TO_COLUMN, rawId, rejectDuplicateIds } from './row';
import { CAMERA_COLUMNS, type CameraColumn, type ParsedRow, type ParseResult, type RawRow } from './types';

type Json = Record<string, unknown>;
const KNOWN = new Set<string>(CAMERA_COLUMNS);
const NESTED_OBJECTS = new Set(['location', 'source', 'sharing']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const quote = (v: unknown): string => {
  const s = String(v);
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
};
const fileError = (message: string): ParseResult => ({ rows: [], fileErrors: [message] });

/** JSON.parse's reason and position, without the snippet of the text that V8 may quote (it could hold a password). */
function jsonError(err: SyntaxError, text: string): string {
  const m = /^(.*?)(?: in JSON)? at position (\d+)/.exec(err.message);
  // Keep the reason up to the first '"': V8 continues with `, "<the text>" is not valid JSON`.
  const reason = ((m ? m[1] : err.message) ?? '').split(/,\s*(?:\.\.\.)?"|"/, 1)[0]?.trim() ?? '';
  const safeReason = reason ? `: ${reason}` : '';
  if (!m) return `not valid JSON${safeReason}`;
  const before = text.slice(0, Number(m[2])).split(/\r\n|\n|\r/);
  return `not valid JSON (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})${safeReason}`;
}

interface Prepared {
  id: string | null;
  raw: RawRow;
  errors: string[];
  geometryOk: boolean;
}

/** Properties → raw values keyed by column; names that are neither columns nor API paths go to `unknown`. */
function flatten(props: Json, raw: RawRow, errors: string[], unknown: Set<string>): void {
  const put = (col: CameraColumn, name: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    const prev = raw[col];
    if (prev !== undefined && JSON.stringify(prev) !== JSON.stringify(value)) {
      errors.push(`${col}: given twice with different values (also as ${quote(name)})`);
      return;
    }
    raw[col] = value;
  };
  for (const [key, value] of Object.entries(props)) {
    if (KNOWN.has(key)) put(key as CameraColumn, key, value);
    else if (NESTED_OBJECTS.has(key)) {
      if (value === null || value === undefined) continue;
      if (!isObject(value)) {
        errors.push(`${key}: expected an object, got ${describe(value)}`);
        continue;
      }
      for (const [sub, v] of Object.entries(value)) {
        const col = PATH_TO_COLUMN[`${key}.${sub}`];
        if (col) put(col, `${key}.${sub}`, v);
        else unknown.add(`${key}.${sub}`);
      }
    } else if (PATH_TO_COLUMN[key]) put(PATH_TO_COLUMN[key], key, value);
    else unknown.add(key);
  }
}

function prepare(feature: unknown, unknown: Set<string>): Prepared {
  const raw: RawRow = {};
  const errors: string[] = [];
  if (!isObject(feature) || feature.type !== 'Feature') {
    const got = isObject(feature) ? `type ${quote(feature.type)}` : describe(feature);
    return { id: null, raw, errors: [`feature: expected a GeoJSON Feature, got ${got}`], geometryOk: false };
  }
  const props = feature.properties ?? {};
  if (isObject(props)) flatten(props, raw, errors, unknown);
  else errors.push(`properties: expected an object, got ${describe(props)}`);
  if (raw.id === undefined && (typeof feature.id === 'string' || typeof feature.id === 'number')) raw.id = feature.id;

  const g = feature.geometry;
  let geometryOk = false;
  if (g === null || g === undefined) errors.push('geometry: missing (expected a Point with coordinates [lon, lat])');
  else if (!isObject(g) || g.type !== 'Point') {
    errors.push(`geometry: expected a Point, got ${isObject(g) ? `type ${quote(g.type)}` : describe(g)}`);
  } else {
    const c = g.coordinates;
    if (!Array.isArray(c) || c.length < 2 || c.length > 3 || !c.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      errors.push('geometry: coordinates must be [lon, lat] (or [lon, lat, altitude]) as numbers');
    } else {
      const [lon, lat] = c as number[];
      for (const [col, value] of [['lat', lat], ['lon', lon]] as const) {
        const given = raw[col];
        if (given !== undefined && Number(given) !== value) {
          errors.push(`${col}: the property (${quote(given)}) differs from the geometry's coordinates (${value})`);
        }
        raw[col] = value;
      }
      geometryOk = true;
    }
  }
  return { id: rawId(raw), raw, errors, geometryOk };
}

/** Parse a camera GeoJSON FeatureCollection. Never throws on bad input. Row = 1-based feature index. */
export function parseCameraGeoJson(text: string): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (err) {
    if (err instanceof SyntaxError) return fileError(jsonError(err, text.replace(/^\ufeff/, '')));
    throw err;
  }
  if (!isObject(doc)) return fileError(`expected a GeoJSON FeatureCollection (a JSON object), got ${describe(doc)}`);
  if (doc.type !== 'FeatureCollection') {
    const hint = doc.type === 'Feature' ? ' (wrap a single Feature in a FeatureCollection)' : '';
    return fileError(`expected a GeoJSON FeatureCollection, got type ${quote(doc.type)}${hint}`);
  }
  if (!Array.isArray(doc.features)) return fileError(`FeatureCollection: "features" must be a list, got ${describe(doc.features)}`);

  const unknown = new Set<string>();
  const prepared = doc.features.map((f) => prepare(f, unknown));
  if (unknown.size > 0) {
    const names = [...unknown].slice(0, 20).map(quote).join(', ');
    return fileError(
      `unknown propert${unknown.size > 1 ? 'ies' : 'y'} ${names}${unknown.size > 20 ? ', …' : ''}; the known properties are ` +
        `${CAMERA_COLUMNS.join(', ')} (or the API shape: location.*, source.*, sharing.*, bearingDeg, fovDeg)`,
    );
  }
  const rows: ParsedRow[] = prepared.map((p, i) => {
    const row = i + 1;
    if (p.errors.length > 0 && Object.keys(p.raw).length === 0) return { row, id: p.id, errors: p.errors };
    const mapped = mapRow(p.raw);
    // Without a usable geometry, "lat: required" would only repeat the geometry error.
    const own = mapped.errors.filter((e) => p.geometryOk || !/^(lat|lon): /.test(e));
    const errors = [...p.errors, ...own];
    return errors.length === 0 && mapped.input ? { row, id: p.id, input: mapped.input, errors } : { row, id: p.id, errors };
  });
  rejectDuplicateIds(rows);
  return { rows, fileErrors: [] };
}
