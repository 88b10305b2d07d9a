/**
 * Attribute search over the forensic track index (src/search/tracks.repository.ts) at 10,000,000 tracks.
 *
 *   npx tsx bench/track-search.ts [--smoke] [--tracks 10000000] [--engine sqlite|postgres|both] [--queries 60]
 *
 * Fills search_tracks (migrated schema, its indexes) with synthetic tracks in time order (as ingest writes them):
 * 2,000 cameras over 30 days,
 * 70 % people (colours drawn from a skewed distribution: black/grey/white/blue common, yellow rare),
 * 30 % vehicles (10 % of them with a plate), carried items on 15 % of people. Then runs the query mix an
 * investigator uses, each with fresh random values, newest first, 100 a page, through the repository's
 * own query (what POST /api/search/tracks runs after the case check): p50/p95 per kind and overall.
 * Baseline in the same run: the plain time-range query over the same window (no attribute filter), i.e. what
 * walking the (started_at, id) index alone costs; the attribute queries should stay near it.
 * Target (issue #7): p95 < 200 ms at 10,000,000 on SQLite and PostgreSQL. --smoke: 200,000 tracks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestStore, type TestStore } from '../test/support/engines';
import { Store } from '../src/store/store';
import type { SearchTrackTable } from '../src/store/schema';
import { COLOURS, CARRIED_ITEMS, DIRECTIONS } from '../src/search/attributes';
import type { TrackFilter } from '../src/search/model';
import { TrackIndexRepository } from '../src/search/tracks.repository';
import { monthsBetween, TrackPartitions } from '../src/search/partitions';
import { args, enginesArg, finish, intArg, log, machine, type EngineName } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', tracks: 'string', engine: 'string', queries: 'string' });
const smoke = a.smoke === true;
const N = intArg(a.tracks, smoke ? 200_000 : 10_000_000);
const ENGINES = enginesArg(a.engine, smoke ? 'sqlite' : 'both', true);
const Q = intArg(a.queries, smoke ? 20 : 60);
const DAY = 86_400_000;
const T_END = Date.UTC(2026, 10, 1);
const T_START = T_END - 30 * DAY;
const CAMERAS = 2000;
const ALL = [{ organisations: null, districts: null }];

let seed = 12345;
const rnd = () => {
  let t = (seed = (seed + 0x6d2b79f5) >>> 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
/** Clothing colours are far from uniform: dark and neutral colours dominate. */
const COLOUR_WEIGHTS: Record<string, number> = { black: 30, grey: 15, white: 14, blue: 14, red: 5, green: 4, brown: 6, pink: 3, purple: 2, orange: 2, yellow: 1 };
const weighted = Object.entries(COLOUR_WEIGHTS).flatMap(([c, w]) => Array<string>(w).fill(c));
const DISTRICTS = ['Central', 'Wan Chai', 'Eastern', 'Southern', 'Yau Tsim Mong', 'Sham Shui Po', 'Kowloon City', 'Wong Tai Sin', 'Kwun Tong', 'Sha Tin', 'Tai Po', 'Tuen Mun'];
const camera = (i: number) => ({ id: `cam-${String(i).padStart(4, '0')}`, district: DISTRICTS[i % DISTRICTS.length]!, lat: 22.2 + (i % 50) * 0.005, lon: 113.9 + Math.floor(i / 50) * 0.01 });
const plateOf = (i: number) => `${String.fromCharCode(65 + (i % 23))}${String.fromCharCode(65 + ((i >> 5) % 23))}${(i % 9999) + 1}`;

function row(i: number): SearchTrackTable {
  const cam = camera(Math.floor(rnd() * CAMERAS));
  // Tracks reach the index in time order (they are indexed when they end), a little out of order across cameras.
  const started = T_START + Math.floor((i / N) * 30 * DAY + rnd() * 60_000);
  const person = rnd() < 0.7;
  const vehicle = person ? null : pick(['car', 'car', 'car', 'bus', 'truck', 'motorcycle']);
  return {
    id: `t${i.toString(36).padStart(8, '0')}`, camera_id: cam.id, owner: 'police', district: cam.district, lat: cam.lat, lon: cam.lon,
    started_at: started, ended_at: started + 2000 + Math.floor(rnd() * 60_000), class: person ? 'person' : vehicle!,
    upper_colour: person ? pick(weighted) : null, lower_colour: person ? pick(weighted) : null,
    carried: person && rnd() < 0.15 ? 1 << Math.floor(rnd() * CARRIED_ITEMS.length) : 0, height_class: null,
    vehicle_colour: person ? null : pick(weighted), plate: !person && rnd() < 0.1 ? plateOf(i) : null,
    direction: pick(DIRECTIONS), speed: round(rnd() * 2, 2), score: 0.8, crop_path: null, embedding: null, embedding_model: null, job_id: null, track_no: i,
  };
}

async function fill(store: Store): Promise<number> {
  await new TrackPartitions(store).ensureFor(monthsBetween(T_START - DAY, T_END)); // PostgreSQL: the months of the data (monthly partitions)
  const started = performance.now();
  const batch = store.engine === 'sqlite' ? 2000 : 1000;
  seed = 12345;
  for (let i = 0; i < N; i += batch * 10) {
    await store.transaction(async (tx) => {
      const repo = new TrackIndexRepository(tx);
      for (let j = i; j < Math.min(N, i + batch * 10); j += batch) {
        const rows: SearchTrackTable[] = [];
        // SQLite allows 32,766 bound parameters per statement: 23 columns × 1,000 rows fits; PostgreSQL 65,535.
        for (let k = j; k < Math.min(N, j + batch); k++) rows.push(row(k));
        for (let s = 0; s < rows.length; s += 1000) await repo.insertMany(rows.slice(s, s + 1000));
      }
    });
    if ((i / (batch * 10)) % 25 === 0) log(`  ${store.engine}: ${Math.min(N, i + batch * 10).toLocaleString()} tracks (${round((performance.now() - started) / 1000, 0)} s)`);
  }
  return (performance.now() - started) / 1000;
}

type Kind = { name: string; filter: () => TrackFilter };
const window = (days: number) => {
  const to = T_START + days * DAY + Math.floor(rnd() * (30 - days) * DAY);
  return { from: to - days * DAY, to };
};
const KINDS: Kind[] = [
  { name: 'last hour, all cameras', filter: () => window(1 / 24) },
  { name: '24 h, 5 cameras', filter: () => ({ ...window(1), cameras: Array.from({ length: 5 }, () => camera(Math.floor(rnd() * CAMERAS)).id) }) },
  { name: '7 d, person red top + blue bottom', filter: () => ({ ...window(7), classes: ['person'], upperColour: ['red'], lowerColour: ['blue'] }) },
  { name: '7 d, dark top (black, grey or blue)', filter: () => ({ ...window(7), classes: ['person'], upperColour: ['black', 'grey', 'blue'] }) },
  { name: '24 h, person with backpack', filter: () => ({ ...window(1), classes: ['person'], carried: ['backpack'] }) },
  { name: '31 d, plate', filter: () => ({ from: T_START - DAY, to: T_START + 30 * DAY, plate: plateOf(Math.floor(rnd() * N)) }) },
  { name: '24 h, map area + person black bottom', filter: () => ({ ...window(1), bbox: [113.9, 22.2, 114.0, 22.3], classes: ['person'], lowerColour: ['black'] }) },
  { name: '7 d, white car', filter: () => ({ ...window(7), classes: ['car'], vehicleColour: ['white'] }) },
  { name: '30 d, rare: yellow top + suitcase + left', filter: () => ({ from: T_START, to: T_START + 30 * DAY, upperColour: ['yellow'], carried: ['suitcase'], direction: ['left'] }) },
];

async function measure(store: Store): Promise<Record<string, unknown>> {
  const repo = new TrackIndexRepository(store.db);
  const all: number[] = [];
  const perKind: Record<string, unknown>[] = [];
  const base: number[] = [];
  for (const k of KINDS) {
    const ms: number[] = [];
    let results = 0;
    for (let i = 0; i < Q; i++) {
      const f = k.filter();
      const s = performance.now();
      results += (await repo.search(f, ALL, 100)).items.length;
      ms.push(performance.now() - s);
      const b = performance.now();
      await repo.search({ from: f.from, to: f.to }, ALL, 100);
      base.push(performance.now() - b);
    }
    all.push(...ms);
    const st = latencyStats(ms);
    perKind.push({ kind: k.name, p50: round(st.p50, 1), p95: round(st.p95, 1), max: round(st.max, 1), meanResults: round(results / Q, 1) });
    log(`  ${store.engine} ${k.name}: p50 ${round(st.p50, 1)} ms, p95 ${round(st.p95, 1)} ms (${round(results / Q, 1)} results)`);
  }
  const st = latencyStats(all);
  const bs = latencyStats(base);
  return { p50: round(st.p50, 1), p95: round(st.p95, 1), max: round(st.max, 1), baselineTimeRangeOnly: { p50: round(bs.p50, 1), p95: round(bs.p95, 1) }, perKind, met: st.p95 < 200 };
}

async function open(engine: EngineName): Promise<{ store: Store; cleanup(): Promise<void> }> {
  if (engine === 'postgres') {
    const ts: TestStore = await openTestStore('postgres');
    return ts;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-track-search-'));
  const store = await Store.open({ engine: 'sqlite', sqlitePath: path.join(dir, 'bench.db') });
  await store.migrate();
  return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const results: Record<string, unknown> = {};
for (const engine of ENGINES) {
  log(`${engine}: filling ${N.toLocaleString()} tracks …`);
  const { store, cleanup } = await open(engine);
  try {
    const fillS = await fill(store);
    if (engine === 'postgres') await store.db.executeQuery({ sql: 'analyze search_tracks', parameters: [], query: { kind: 'RawNode' } } as never);
    else await store.db.executeQuery({ sql: 'analyze', parameters: [], query: { kind: 'RawNode' } } as never);
    results[engine] = { fillSeconds: round(fillS, 1), insertsPerSecond: Math.round(N / fillS), ...(await measure(store)) };
  } finally {
    await cleanup();
  }
}
finish({ bench: 'track-search', smoke, tracks: N, cameras: CAMERAS, days: 30, queriesPerKind: Q, results, target: { p95Ms: 200 }, machine: machine() });
