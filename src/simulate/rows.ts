import { randomBytes } from 'node:crypto';
import type { SinkColumn } from '../metadata/table-sink';
import type { AnalyticsEventTable, PlateSightingTable, SearchTrackTable } from '../store/schema';

/**
 * Synthetic metadata rows of the load simulator and the metadata benchmarks: the real tables' columns,
 * plausible values (Hong Kong-like plates, colours, classes), deterministic from a seeded PRNG.
 */
export type Rng = () => number;

/** mulberry32: small, fast, seeded. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const COLOURS = ['black', 'white', 'grey', 'red', 'blue', 'green', 'yellow', 'brown'];
const CLASSES = ['person', 'car', 'bus', 'truck', 'motorcycle', 'bicycle'];
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** A plate of a city of `vehicles` distinct vehicles: vehicle n always has the same plate. */
export function plateOf(n: number): string {
  const a = LETTERS[n % LETTERS.length]!;
  const b = LETTERS[Math.floor(n / LETTERS.length) % LETTERS.length]!;
  return `${a}${b}${String(Math.floor(n / (LETTERS.length * LETTERS.length)) % 10000).padStart(4, '0')}`;
}

/** The confusable folding of src/plates/grammar plateKey for the synthetic alphabet (O/D/Q are not used). */
export function keyOf(plate: string): string {
  return plate.replace(/[I]/g, '1').replace(/B/g, '8').replace(/S/g, '5').replace(/Z/g, '2');
}

export interface SynthCamera {
  id: string;
  owner: string;
  district: string;
  lat: number;
  lon: number;
}

export function synthCameras(n: number, prefix = 'sim'): SynthCamera[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-cam-${i}`, owner: 'police', district: ['Wan Chai', 'Sha Tin', 'Kowloon City', 'Yau Tsim Mong'][i % 4]!, lat: 22.2 + (i % 100) / 500, lon: 114.1 + Math.floor(i / 100) / 500 }));
}

let serial = 0;
/** Unique across processes (simulator nodes start in the same millisecond): a random per-process part. */
const PROC = randomBytes(4).toString('hex');
const nextId = (p: string): string => `${p}${Date.now().toString(36)}${PROC}${(serial++).toString(36).padStart(6, '0')}`;

export function sightingRow(rng: Rng, cam: SynthCamera, at: number, vehicles = 1_000_000): PlateSightingTable {
  const plate = plateOf(Math.floor(rng() * vehicles));
  return {
    id: nextId('s'), plate, plate_key: keyOf(plate), grammar: 'hk', camera_id: cam.id, owner: cam.owner, district: cam.district, lat: cam.lat, lon: cam.lon,
    seen_at: at, confidence: 0.8 + rng() * 0.2, vehicle_class: pick(rng, ['car', 'bus', 'truck', 'motorcycle']), vehicle_colour: pick(rng, COLOURS), direction: rng() < 0.5 ? 'left' : 'right',
    plate_crop: null, vehicle_crop: null, track_id: Math.floor(rng() * 1e6), job_id: null,
  };
}

export function trackRow(rng: Rng, cam: SynthCamera, at: number): SearchTrackTable {
  const cls = pick(rng, CLASSES);
  return {
    id: nextId('t'), camera_id: cam.id, owner: cam.owner, district: cam.district, lat: cam.lat, lon: cam.lon, started_at: at, ended_at: at + Math.floor(2000 + rng() * 20000),
    class: cls, upper_colour: cls === 'person' ? pick(rng, COLOURS) : null, lower_colour: cls === 'person' ? pick(rng, COLOURS) : null, carried: 0, height_class: null,
    vehicle_colour: cls === 'person' ? null : pick(rng, COLOURS), plate: null, direction: rng() < 0.5 ? 'left' : 'right', speed: rng() * 3, score: 0.5 + rng() * 0.5,
    crop_path: null, embedding: null, embedding_model: null, job_id: null, track_no: Math.floor(rng() * 1e6),
  } as SearchTrackTable;
}

export function eventRow(rng: Rng, cam: SynthCamera, at: number): AnalyticsEventTable {
  return {
    id: nextId('e'), camera_id: cam.id, owner: cam.owner, district: cam.district, kind: 'rule', type: pick(rng, ['zone_enter', 'line_cross', 'loitering']), label: pick(rng, CLASSES),
    track_id: Math.floor(rng() * 1e6), rule_id: 'sim-rule', rule_name: 'simulated rule', severity: 'low', started_at: at, ended_at: null, score: rng(), box: '[0.1,0.2,0.1,0.3]', detail: '{}',
    snapshot: null, job_id: null, created_at: at,
  };
}

const T = (name: string): SinkColumn => ({ name, pgType: 'text' });
const B = (name: string): SinkColumn => ({ name, pgType: 'bigint' });
const I = (name: string): SinkColumn => ({ name, pgType: 'integer' });
const F = (name: string): SinkColumn => ({ name, pgType: 'double precision' });

export const SIGHTING_COLUMNS: SinkColumn[] = [T('id'), T('plate'), T('plate_key'), T('grammar'), T('camera_id'), T('owner'), T('district'), F('lat'), F('lon'), B('seen_at'), F('confidence'), T('vehicle_class'), T('vehicle_colour'), T('direction'), T('plate_crop'), T('vehicle_crop'), I('track_id'), T('job_id')];
export const TRACK_COLUMNS: SinkColumn[] = [T('id'), T('camera_id'), T('owner'), T('district'), F('lat'), F('lon'), B('started_at'), B('ended_at'), T('class'), T('upper_colour'), T('lower_colour'), I('carried'), T('height_class'), T('vehicle_colour'), T('plate'), T('direction'), F('speed'), F('score'), T('crop_path'), T('embedding_model'), T('job_id'), I('track_no')];
export const EVENT_COLUMNS: SinkColumn[] = [T('id'), T('camera_id'), T('owner'), T('district'), T('kind'), T('type'), T('label'), I('track_id'), T('rule_id'), T('rule_name'), T('severity'), B('started_at'), B('ended_at'), F('score'), T('box'), T('detail'), T('snapshot'), T('job_id'), B('created_at')];
