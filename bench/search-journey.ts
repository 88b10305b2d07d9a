/**
 * Journey next-step proposals (src/search/journey.service.ts) on a realistically filled track index.
 *
 *   npx tsx bench/search-journey.ts [--smoke] [--tracks 1000000] [--cameras 50] [--engine sqlite|postgres|both] [--queries 30] [--horizon-min 15]
 *
 * Fills search_tracks with `--tracks` tracks across `--cameras` cameras 200 m apart on a grid, in time order at
 * 5,000 tracks per camera per day (busy streets: 1,000,000 tracks over 50 cameras = 4 days), 70 % people, each with
 * a 512-d unit embedding (the OSNet size; seeded random, so similarity is noise: the cost, not the ranking, is
 * measured). Then asks for the next steps of random person tracks of the middle days through the service itself
 * (case check, candidate read, similarity × plausibility for each, audit record): p50/p95/max per proposal.
 * Baseline in the same run: the candidate read alone (TrackIndexRepository.startedIn with the same window, box
 * and cap), i.e. what the database costs before any scoring. Target (issue #7): a proposal in under 1 s.
 * --smoke: 50,000 tracks over 10 cameras.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestStore } from '../test/support/engines';
import { createAuditService } from '../src/app/audit-service';
import { CameraRepository, searchText } from '../src/cameras/camera.repository';
import { CaseService } from '../src/cases/cases.service';
import type { ActionContext } from '../src/core/context';
import { silentLogger } from '../src/core/logger';
import { SiteKeyring } from '../src/keys/site-keys';
import { vectorToBytes } from '../src/reid/vector';
import { JourneyService } from '../src/search/journey.service';
import { monthsBetween, TrackPartitions } from '../src/search/partitions';
import { boxAround } from '../src/search/plausibility';
import { TrackIndexRepository } from '../src/search/tracks.repository';
import type { SearchTrackTable } from '../src/store/schema';
import { Store } from '../src/store/store';
import { args, enginesArg, finish, intArg, log, machine, type EngineName } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', tracks: 'string', cameras: 'string', engine: 'string', queries: 'string', 'horizon-min': 'string' });
const smoke = a.smoke === true;
const N = intArg(a.tracks, smoke ? 50_000 : 1_000_000);
const CAMS = intArg(a.cameras, smoke ? 10 : 50);
const ENGINES = enginesArg(a.engine, 'sqlite', true);
const Q = intArg(a.queries, smoke ? 10 : 30);
const HORIZON = intArg(a['horizon-min'], 15) * 60_000;
const DIM = 512;
const DAY = 86_400_000;
const PER_CAMERA_DAY = 5000;
const DAYS = N / (CAMS * PER_CAMERA_DAY);
const T_START = Date.UTC(2026, 9, 5);
const T_END = T_START + Math.ceil(DAYS * DAY);
const MODEL = 'osnet-bench-512';

let seed = 20261124;
const rnd = () => {
  let t = (seed = (seed + 0x6d2b79f5) >>> 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const side = Math.ceil(Math.sqrt(CAMS));
/** 200 m apart: 0.0018° of latitude, 0.00195° of longitude at 22.3° N. */
const camera = (i: number) => ({ id: `j-${String(i).padStart(3, '0')}`, lat: 22.28 + Math.floor(i / side) * 0.0018, lon: 114.15 + (i % side) * 0.00195 });

function embedding(): Uint8Array {
  const v = new Float32Array(DIM);
  let n = 0;
  for (let d = 0; d < DIM; d++) {
    const x = rnd() - 0.5;
    v[d] = x;
    n += x * x;
  }
  const k = 1 / Math.sqrt(n);
  for (let d = 0; d < DIM; d++) v[d]! *= k;
  return vectorToBytes(v);
}

function row(i: number): SearchTrackTable {
  const cam = camera(Math.floor(rnd() * CAMS));
  const started = T_START + Math.floor((i / N) * DAYS * DAY + rnd() * 30_000);
  const person = rnd() < 0.7;
  return {
    id: `j${i.toString(36).padStart(8, '0')}`, camera_id: cam.id, owner: 'police', district: 'Wan Chai', lat: cam.lat, lon: cam.lon,
    started_at: started, ended_at: started + 3000 + Math.floor(rnd() * 30_000), class: person ? 'person' : 'car',
    upper_colour: person ? 'black' : null, lower_colour: person ? 'blue' : null, carried: 0, height_class: null, vehicle_colour: person ? null : 'white', plate: null,
    direction: 'left', speed: 0.5, score: 0.8, crop_path: null, embedding: embedding(), embedding_model: MODEL, job_id: null, track_no: i,
  };
}

async function open(engine: EngineName): Promise<{ store: Store; cleanup(): Promise<void> }> {
  if (engine === 'postgres') return openTestStore('postgres');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-journey-bench-'));
  const store = await Store.open({ engine: 'sqlite', sqlitePath: path.join(dir, 'bench.db') });
  await store.migrate();
  return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function fill(store: Store): Promise<number> {
  await new TrackPartitions(store).ensureFor(monthsBetween(T_START, T_END));
  await store.db.insertInto('organisations').values({ id: 'police', name: 'police', kind: 'department', live_allowed: 1, playback_allowed: 1, retention_days_cap: null, created_at: T_START, updated_at: T_START }).execute();
  await new CameraRepository(store.db).insertMany(Array.from({ length: CAMS }, (_, i) => camera(i)).map((c) => ({
    id: c.id, name: c.id, lat: c.lat, lon: c.lon, district: 'Wan Chai', address: '', owner: 'police', source_url: 'rtsp://10.0.0.1/s', sub_url: null, transport: 'tcp',
    bearing_deg: null, fov_deg: null, tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'unknown', status_changed_at: null,
    search_text: searchText({ id: c.id, name: c.id, address: '', district: 'Wan Chai', tags: [] }), created_at: T_START, updated_at: T_START,
  })));
  const started = performance.now();
  const batch = 500;
  seed = 12345;
  for (let i = 0; i < N; i += batch * 10) {
    await store.transaction(async (tx) => {
      const repo = new TrackIndexRepository(tx);
      for (let j = i; j < Math.min(N, i + batch * 10); j += batch) {
        const rows: SearchTrackTable[] = [];
        for (let k = j; k < Math.min(N, j + batch); k++) rows.push(row(k));
        await repo.insertMany(rows);
      }
    });
    if ((i / (batch * 10)) % 40 === 0) log(`  ${store.engine}: ${Math.min(N, i + batch * 10).toLocaleString()} tracks (${round((performance.now() - started) / 1000, 0)} s)`);
  }
  return (performance.now() - started) / 1000;
}

async function measure(store: Store, dir: string): Promise<Record<string, unknown>> {
  let now = T_END + DAY;
  const clock = { now: () => now };
  const audit = createAuditService({ store, keyring: new SiteKeyring(path.join(dir, 'keys')), node: 'bench', partition: 'month', clock });
  const cases = new CaseService(store, audit, clock, silentLogger());
  const journeys = new JourneyService({ store, audit, cases, clock, walkingSpeedMs: 2.5, drivingSpeedMs: 25 });
  const ivy: ActionContext = { principal: { userId: 'id-ivy', username: 'ivy', displayName: 'Ivy', grants: [{ role: 'investigator', organisations: null, districts: null }], via: 'session' }, ip: '10.0.0.7' };
  await cases.create(ivy, { ref: 'BENCH-1', purpose: 'journey proposal benchmark', authorisedUsers: [], expiresAt: now + DAY });
  const ctx = { ...ivy, caseRef: 'BENCH-1' };
  const repo = new TrackIndexRepository(store.db);
  const ms: number[] = [];
  const base: number[] = [];
  let candidates = 0;
  for (let q = 0; q < Q; q++) {
    // a person track of the middle of the range (so the horizon after it is full)
    const at = T_START + Math.floor((0.25 + 0.5 * rnd()) * DAYS * DAY);
    const page = await repo.search({ from: at, to: at + 3_600_000, classes: ['person'] }, [{ organisations: null, districts: null }], 1);
    const from = page.items[0];
    if (!from) continue;
    const s = performance.now();
    const r = await journeys.propose(ctx, { trackId: from.id, horizonMs: HORIZON, limit: 20 });
    ms.push(performance.now() - s);
    candidates += r.candidates;
    const b = performance.now();
    await repo.startedIn({ from: from.endedAt, to: from.endedAt + HORIZON, cls: 'person', model: MODEL, bbox: boxAround(from.lat, from.lon, 25 * (HORIZON / 1000) + 100), cap: 5000 }, [{ organisations: null, districts: null }]);
    base.push(performance.now() - b);
    now += 1000;
  }
  const st = latencyStats(ms);
  const bs = latencyStats(base);
  log(`  ${store.engine}: proposal p50 ${round(st.p50, 1)} ms, p95 ${round(st.p95, 1)} ms, max ${round(st.max, 1)} ms (${round(candidates / ms.length, 0)} candidates); candidate read alone p50 ${round(bs.p50, 1)} ms, p95 ${round(bs.p95, 1)} ms`);
  return { proposals: ms.length, p50: round(st.p50, 1), p95: round(st.p95, 1), max: round(st.max, 1), meanCandidates: Math.round(candidates / ms.length), baselineCandidateRead: { p50: round(bs.p50, 1), p95: round(bs.p95, 1) }, met: st.max < 1000 };
}

const results: Record<string, unknown> = {};
for (const engine of ENGINES) {
  log(`${engine}: filling ${N.toLocaleString()} tracks (512-d embeddings) over ${CAMS} cameras, ${round(DAYS, 1)} days …`);
  const { store, cleanup } = await open(engine);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-journey-keys-'));
  try {
    const fillS = await fill(store);
    await store.db.executeQuery({ sql: engine === 'postgres' ? 'analyze search_tracks' : 'analyze', parameters: [], query: { kind: 'RawNode' } } as never);
    results[engine] = { fillSeconds: round(fillS, 1), ...(await measure(store, dir)) };
  } finally {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
finish({ bench: 'search-journey', smoke, tracks: N, cameras: CAMS, days: round(DAYS, 2), dim: DIM, horizonMin: HORIZON / 60_000, queries: Q, results, target: { proposalMs: 1000 }, machine: machine() });
