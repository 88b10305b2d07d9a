/** Fixtures for the import/export tests. */
import { stringify } from 'csv-stringify/sync';
import type { Camera } from '../camera.model';

/** A valid row, as CSV cells. */
export const GOOD_ROW: Readonly<Record<string, string>> = {
  id: 'cam-1', name: 'North gate', lat: '52.52', lon: '13.405', district: 'Mitte', owner: 'city', rtsp_url: 'rtsp://10.0.0.1:554/main',
};

/** CSV text with the union of the rows' keys as the header (in first-seen order), CRLF line ends. */
export function toCsv(rows: Array<Record<string, string>>): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return stringify([columns, ...rows.map((r) => columns.map((c) => r[c] ?? ''))], { record_delimiter: '\r\n' });
}

/** One good row with some cells changed, as a whole file. */
export const oneRow = (over: Record<string, string>): string => toCsv([{ ...GOOD_ROW, ...over }]);

export function camera(i: number, over: Partial<Camera> = {}): Camera {
  return {
    id: `cam-${i}`,
    name: `Camera ${i}`,
    location: { lat: 52.5 + (i % 1000) / 10_000, lon: 13.4 - (i % 777) / 10_000, district: `District ${i % 12}`, address: i % 3 === 0 ? '' : `Street ${i}, Berlin` },
    owner: 'city',
    source: { url: `rtsp://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:554/main`, subUrl: i % 2 === 0 ? null : `rtsp://10.0.0.1:554/sub${i}`, transport: 'auto', hasCredentials: i % 5 === 0 },
    bearingDeg: i % 4 === 0 ? null : i % 360,
    fovDeg: i % 4 === 0 ? null : 90.5,
    tags: i % 2 === 0 ? [] : ['entrance', `zone-${i % 7}`],
    sharing: { liveAllowed: i % 2 === 0, playbackAllowed: i % 3 === 0, retentionDays: i % 4 === 0 ? null : 30 },
    status: 'online',
    statusChangedAt: null,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...over,
  };
}
