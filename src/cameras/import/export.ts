/**
 * Camera export to CSV and GeoJSON, in the formats the importers read back. Never any credential:
 * no username/password columns, and URLs are stripped of `user:pass@` again for good measure.
 */
import { stringify } from 'csv-stringify/sync';
import { splitCredentials, type Camera, type CameraInput } from '../camera.model';
import { escapeFormula, FORMULA_COLUMNS, redactHard } from './row';
import { EXPORT_COLUMNS, type CameraColumn } from './types';

const CSV_OPTIONS = { record_delimiter: '\r\n' } as const;

function safeUrl(url: string): string {
  // Stored URLs were validated and split already; an unparseable one is redacted rather than trusted.
  return URL.canParse(url) ? splitCredentials(url).url : redactHard(url);
}

/** A camera's values by column, as in the CSV (GeoJSON keeps numbers, booleans and the tag list). */
function values(c: Camera): Record<Exclude<CameraColumn, 'username' | 'password'>, string | number | boolean | string[] | null> {
  return {
    id: c.id,
    name: c.name,
    lat: c.location.lat,
    lon: c.location.lon,
    district: c.location.district,
    address: c.location.address,
    owner: c.owner,
    rtsp_url: safeUrl(c.source.url),
    sub_url: c.source.subUrl === null ? null : safeUrl(c.source.subUrl),
    bearing: c.bearingDeg,
    fov: c.fovDeg,
    tags: c.tags,
    live: c.sharing.liveAllowed,
    playback: c.sharing.playbackAllowed,
    retention_days: c.sharing.retentionDays,
    transport: c.source.transport,
  };
}

function csvRecord(c: Camera): string[] {
  const v = values(c);
  return EXPORT_COLUMNS.map((col) => {
    const x = v[col as keyof typeof v];
    const s = x === null ? '' : Array.isArray(x) ? x.join(';') : String(x);
    return FORMULA_COLUMNS.includes(col) ? escapeFormula(s) : s;
  });
}

const csvHeader = (): string => stringify([EXPORT_COLUMNS as string[]], CSV_OPTIONS);
const csvRows = (cameras: Camera[]): string => (cameras.length === 0 ? '' : stringify(cameras.map(csvRecord), CSV_OPTIONS));

function feature(c: Camera): string {
  const { lat, lon, ...properties } = values(c);
  return JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties });
}

const GEOJSON_HEAD = '{"type":"FeatureCollection","features":[\n';
const GEOJSON_TAIL = '\n]}\n';

/** All cameras as one CSV text (header: the import columns without username/password). */
export function camerasToCsv(cameras: Iterable<Camera>): string {
  return csvHeader() + csvRows(Array.from(cameras));
}

/** All cameras as one GeoJSON FeatureCollection (Point [lon, lat]; properties named as the CSV columns). */
export function camerasToGeoJson(cameras: Iterable<Camera>): string {
  return GEOJSON_HEAD + Array.from(cameras, feature).join(',\n') + GEOJSON_TAIL;
}

/** CSV in chunks, one per page, so a large export never sits in one string. */
export async function* camerasToCsvChunks(pages: AsyncIterable<Camera[]>): AsyncGenerator<string> {
  yield csvHeader();
  for await (const page of pages) if (page.length > 0) yield csvRows(page);
}

/** GeoJSON in chunks, one per page; the concatenation equals camerasToGeoJson of all pages. */
export async function* camerasToGeoJsonChunks(pages: AsyncIterable<Camera[]>): AsyncGenerator<string> {
  yield GEOJSON_HEAD;
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield (first ? '' : ',\n') + page.map(feature).join(',\n');
    first = false;
  }
  yield GEOJSON_TAIL;
}

/** The input that recreates a camera (without its credentials, which are never exported). */
export function cameraToInput(c: Camera): CameraInput {
  return {
    id: c.id,
    name: c.name,
    location: { ...c.location },
    owner: c.owner,
    source: { url: c.source.url, transport: c.source.transport, ...(c.source.subUrl !== null && { subUrl: c.source.subUrl }) },
    ...(c.bearingDeg !== null && { bearingDeg: c.bearingDeg }),
    ...(c.fovDeg !== null && { fovDeg: c.fovDeg }),
    tags: [...c.tags],
    sharing: {
      liveAllowed: c.sharing.liveAllowed,
      playbackAllowed: c.sharing.playbackAllowed,
      ...(c.sharing.retentionDays !== null && { retentionDays: c.sharing.retentionDays }),
    },
  };
}
