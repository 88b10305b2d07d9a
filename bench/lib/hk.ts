/**
 * Deterministic, realistic Hong Kong camera inventory for the benchmarks: 18 districts with
 * population-weighted camera counts clustered around their centres, several owner organisations,
 * street addresses, RTSP URLs (about one in four with `user:password@` inside), sub-streams,
 * bearings, tags. The same seed always gives the same cameras.
 */
import { randomBytes } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { prng as rng } from '../../test/support/prng';

/** Seedable PRNG (mulberry32), shared with the tests. */
export { rng };

export const HK_BOUNDS = { minLat: 22.15, maxLat: 22.56, minLon: 113.83, maxLon: 114.43 } as const;

interface District { name: string; code: string; lat: number; lon: number; sigma: number; weight: number; streets: string[] }

/** Centres (lat, lon), spread (degrees, one sigma) and weight (roughly population). */
export const DISTRICTS: District[] = [
  { name: 'Central and Western', code: 'cw', lat: 22.282, lon: 114.150, sigma: 0.010, weight: 24, streets: ["Queen's Road Central", 'Des Voeux Road Central', 'Connaught Road Central', 'Hollywood Road'] },
  { name: 'Wan Chai', code: 'wc', lat: 22.277, lon: 114.178, sigma: 0.008, weight: 18, streets: ['Hennessy Road', 'Lockhart Road', 'Gloucester Road', 'Harbour Road'] },
  { name: 'Eastern', code: 'ea', lat: 22.280, lon: 114.222, sigma: 0.012, weight: 53, streets: ["King's Road", 'Shau Kei Wan Road', 'Chai Wan Road', 'Java Road'] },
  { name: 'Southern', code: 'so', lat: 22.245, lon: 114.165, sigma: 0.015, weight: 27, streets: ['Aberdeen Main Road', 'Pok Fu Lam Road', 'Repulse Bay Road', 'Wong Chuk Hang Road'] },
  { name: 'Yau Tsim Mong', code: 'ytm', lat: 22.311, lon: 114.171, sigma: 0.008, weight: 31, streets: ['Nathan Road', 'Canton Road', 'Argyle Street', 'Jordan Road'] },
  { name: 'Sham Shui Po', code: 'ssp', lat: 22.330, lon: 114.160, sigma: 0.009, weight: 43, streets: ['Cheung Sha Wan Road', 'Lai Chi Kok Road', 'Castle Peak Road', 'Tai Po Road'] },
  { name: 'Kowloon City', code: 'kc', lat: 22.324, lon: 114.187, sigma: 0.010, weight: 41, streets: ['Prince Edward Road West', 'Ma Tau Wai Road', 'Waterloo Road', 'Chatham Road North'] },
  { name: 'Wong Tai Sin', code: 'wts', lat: 22.342, lon: 114.197, sigma: 0.008, weight: 41, streets: ['Lung Cheung Road', 'Choi Hung Road', 'Shatin Pass Road', 'Fung Tak Road'] },
  { name: 'Kwun Tong', code: 'kt', lat: 22.313, lon: 114.226, sigma: 0.010, weight: 67, streets: ['Kwun Tong Road', 'Hoi Bun Road', 'Hip Wo Street', 'Lei Yue Mun Road'] },
  { name: 'Kwai Tsing', code: 'kwt', lat: 22.355, lon: 114.125, sigma: 0.012, weight: 49, streets: ['Kwai Chung Road', 'Hing Fong Road', 'Tsing Yi Road', 'Castle Peak Road – Kwai Chung'] },
  { name: 'Tsuen Wan', code: 'tw', lat: 22.371, lon: 114.110, sigma: 0.012, weight: 32, streets: ['Sha Tsui Road', 'Tai Ho Road', 'Yeung Uk Road', 'Texaco Road'] },
  { name: 'Tuen Mun', code: 'tm', lat: 22.391, lon: 113.973, sigma: 0.015, weight: 51, streets: ['Tuen Mun Heung Sze Wui Road', 'Tsing Wun Road', 'Wong Chu Road', 'Hoi Wing Road'] },
  { name: 'Yuen Long', code: 'yl', lat: 22.445, lon: 114.022, sigma: 0.020, weight: 67, streets: ['Castle Peak Road – Yuen Long', 'Tin Shui Wai Road', 'Long Yip Street', 'Kau Yuk Road'] },
  { name: 'North', code: 'no', lat: 22.497, lon: 114.128, sigma: 0.018, weight: 32, streets: ['San Wan Road', 'Jockey Club Road', 'Po Shek Wu Road', 'Sha Tau Kok Road'] },
  { name: 'Tai Po', code: 'tp', lat: 22.451, lon: 114.168, sigma: 0.015, weight: 32, streets: ['Tai Po Road – Tai Po', 'Ting Kok Road', 'Kwong Fuk Road', 'Nam Wan Road'] },
  { name: 'Sha Tin', code: 'st', lat: 22.383, lon: 114.195, sigma: 0.014, weight: 69, streets: ['Tai Chung Kiu Road', 'Sha Tin Centre Street', 'Ma On Shan Road', 'Chap Wai Kon Street'] },
  { name: 'Sai Kung', code: 'sk', lat: 22.330, lon: 114.262, sigma: 0.020, weight: 49, streets: ['Hiram\'s Highway', 'Po Lam Road', 'Tong Ming Street', 'Clear Water Bay Road'] },
  { name: 'Islands', code: 'is', lat: 22.285, lon: 113.945, sigma: 0.025, weight: 19, streets: ['Tung Chung Road', 'Airport Road', 'Mui Wo Ferry Pier Road', 'Chek Lap Kok South Road'] },
];

export interface Owner { id: string; name: string; kind: 'police' | 'department' | 'public_body' | 'private_partner'; share: number; policy: { liveAllowed: boolean; playbackAllowed: boolean; retentionDaysCap: number | null } }

/** Camera owners, created through the API before the import. */
export const OWNERS: Owner[] = [
  { id: 'hkpf', name: 'Hong Kong Police Force', kind: 'police', share: 0.34, policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null } },
  { id: 'td', name: 'Transport Department', kind: 'department', share: 0.24, policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: 90 } },
  { id: 'hyd', name: 'Highways Department', kind: 'department', share: 0.10, policy: { liveAllowed: true, playbackAllowed: false, retentionDaysCap: 31 } },
  { id: 'hd', name: 'Housing Department', kind: 'department', share: 0.12, policy: { liveAllowed: true, playbackAllowed: false, retentionDaysCap: 31 } },
  { id: 'lcsd', name: 'Leisure and Cultural Services Department', kind: 'department', share: 0.08, policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: 60 } },
  { id: 'mtr', name: 'MTR Corporation', kind: 'private_partner', share: 0.08, policy: { liveAllowed: false, playbackAllowed: true, retentionDaysCap: 30 } },
  { id: 'aahk', name: 'Airport Authority Hong Kong', kind: 'public_body', share: 0.04, policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: 180 } },
];

const TAGS = ['traffic', 'junction', 'ptz', 'entrance', 'car-park', 'bus-stop', 'footbridge', 'tunnel', 'estate', 'station', 'pier', 'night-ir'];
const TRANSPORTS = ['auto', 'tcp', 'udp'] as const;


function pickWeighted<T>(r: () => number, items: T[], weight: (t: T) => number): T {
  const total = items.reduce((s, t) => s + weight(t), 0);
  let x = r() * total;
  for (const t of items) if ((x -= weight(t)) < 0) return t;
  return items[items.length - 1]!;
}

const gauss = (r: () => number): number => Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

export interface GenCamera {
  id: string; name: string; lat: number; lon: number; district: string; address: string; owner: string;
  url: string; subUrl: string | null; username: string | null; password: string | null;
  bearing: number | null; fov: number | null; tags: string[]; retentionDays: number | null; transport: string;
}

/** `n` cameras; ids are `<owner>-<district code>-<serial>` (unique, as organisations number them). */
export function generateCameras(n: number, seed = 20261124): GenCamera[] {
  const r = rng(seed);
  const out: GenCamera[] = [];
  for (let i = 0; i < n; i++) {
    const d = pickWeighted(r, DISTRICTS, (x) => x.weight);
    const o = d.code === 'is' && r() < 0.4 ? OWNERS.find((x) => x.id === 'aahk')! : pickWeighted(r, OWNERS, (x) => x.share);
    const street = d.streets[Math.floor(r() * d.streets.length)]!;
    const lat = Number(clamp(d.lat + gauss(r) * d.sigma, HK_BOUNDS.minLat, HK_BOUNDS.maxLat).toFixed(6));
    const lon = Number(clamp(d.lon + gauss(r) * d.sigma * 1.2, HK_BOUNDS.minLon, HK_BOUNDS.maxLon).toFixed(6));
    const host = `10.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    const withCreds = r() < 0.25;
    const username = withCreds ? (r() < 0.5 ? 'admin' : `svc_${o.id}`) : null;
    const password = withCreds ? `${o.id.toUpperCase()}-${Math.floor(r() * 1e8).toString(36)}!${i % 97}` : null;
    const path = r() < 0.5 ? '/Streaming/Channels/101' : '/cam/realmonitor?channel=1&subtype=0';
    const cap = o.policy.retentionDaysCap;
    const nTags = Math.floor(r() * 3);
    const tags = [...new Set(Array.from({ length: nTags }, () => TAGS[Math.floor(r() * TAGS.length)]!))];
    out.push({
      id: `${o.id}-${d.code}-${String(i).padStart(6, '0')}`,
      name: `${street} ${o.id.toUpperCase()} camera ${1 + (i % 400)}`,
      lat, lon, district: d.name,
      address: r() < 0.1 ? '' : `${1 + Math.floor(r() * 300)} ${street}, ${d.name}`,
      owner: o.id,
      url: `rtsp://${withCreds ? `${username}:${encodeURIComponent(password!)}@` : ''}${host}:554${path}`,
      subUrl: r() < 0.6 ? `rtsp://${host}:554${path.replace('101', '102').replace('subtype=0', 'subtype=1')}` : null,
      username, password,
      bearing: r() < 0.8 ? Math.floor(r() * 360) : null,
      fov: r() < 0.7 ? [60, 75, 90, 110][Math.floor(r() * 4)]! : null,
      tags,
      retentionDays: r() < 0.3 ? Math.min(cap ?? 30, 30) : null,
      transport: TRANSPORTS[Math.floor(r() * 3)]!,
    });
  }
  return out;
}

const CSV_COLUMNS = ['id', 'name', 'lat', 'lon', 'district', 'address', 'owner', 'rtsp_url', 'sub_url', 'bearing', 'fov', 'tags', 'live', 'playback', 'retention_days', 'transport'];

/** The import CSV (credentials only inside rtsp_url, as many real inventories have them). */
export function toCsv(cams: GenCamera[]): string {
  const rows = cams.map((c) => [
    c.id, c.name, String(c.lat), String(c.lon), c.district, c.address, c.owner, c.url, c.subUrl ?? '',
    c.bearing === null ? '' : String(c.bearing), c.fov === null ? '' : String(c.fov), c.tags.join(';'), '', '',
    c.retentionDays === null ? '' : String(c.retentionDays), c.transport,
  ]);
  return stringify([CSV_COLUMNS, ...rows], { record_delimiter: '\r\n' });
}

/** Rows as the product stores them (columns of `cameras` / `camera_credentials`), for the raw-insert baseline. */
export function toDbRows(cams: GenCamera[], now: number): { cameras: Array<Record<string, string | number | null>>; credentials: Array<Record<string, string | number>> } {
  const orgs = new Map(OWNERS.map((o) => [o.id, o]));
  const cameras = cams.map((c) => {
    const o = orgs.get(c.owner)!;
    return {
      id: c.id, name: c.name, lat: c.lat, lon: c.lon, district: c.district, address: c.address, owner: c.owner,
      source_url: c.url.replace(/\/\/[^@/]*@/, '//'), sub_url: c.subUrl, transport: c.transport, bearing_deg: c.bearing, fov_deg: c.fov,
      tags: JSON.stringify(c.tags), live_allowed: o.policy.liveAllowed ? 1 : 0, playback_allowed: o.policy.playbackAllowed ? 1 : 0,
      retention_days: c.retentionDays ?? o.policy.retentionDaysCap, status: 'unknown', status_changed_at: null,
      search_text: [c.id, c.name, c.address, c.district, ...c.tags].join(' ').toLowerCase(), created_at: now, updated_at: now,
    };
  });
  // A sealed secret is `v1:` + base64(iv 12 + tag 16 + ciphertext): same length, made up front.
  const credentials = cams.filter((c) => c.username !== null).map((c) => ({
    camera_id: c.id, username: c.username!, secret: `v1:${randomBytes(28 + Buffer.byteLength(c.password!)).toString('base64')}`, updated_at: now,
  }));
  return { cameras, credentials };
}
