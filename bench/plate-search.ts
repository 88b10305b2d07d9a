/**
 * Plate search over many sightings (default 10,000,000) on SQLite and PostgreSQL.
 *
 *   npx tsx bench/plate-search.ts [--smoke] [--rows 10000000] [--engine sqlite|postgres|both] [--queries 200]
 *
 * Data: a city's worth of reads — 600 cameras in 18 districts, 60 days ending now, vehicles seen with a
 * skewed frequency (a few thousand taxis and buses everywhere, most cars a few times), Hong Kong marks
 * (two letters without I/O/Q, 1–9999) plus some personalised and mainland plates. Rows go in in time
 * order, in batches (PostgreSQL: insert … select from unnest, one parameter per column).
 *
 * Queries go through PlateSearchService (scope condition, purpose/case check, the audit record
 * written per search: what the API does), limit 100, no time range:
 *   exact (AB1234), prefix of 3 (AB1) and of 2 (AB), wildcard (AB?12*), fuzzy (one substitution,
 *   deletion or insertion away from a real plate, confusables folded).
 * Baselines in the same run: the plain indexed exact lookup in the repository (no audit, no scope), and a
 * few full-table scans (`plate like '%12%'`) — what any of these would cost without the indexes.
 * Targets (issue #5): p95 < 100 ms exact and prefix, < 500 ms fuzzy, on both engines.
 * Prints a table on stderr and one JSON line on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createAuditService } from '../src/app/audit-service';
import { CaseRepository } from '../src/cases/cases.repository';
import type { Principal } from '../src/auth/permissions';
import { SiteKeyring } from '../src/keys/site-keys';
import { plateKey } from '../src/plates/grammar/index';
import { deletionVariants } from '../src/plates/search/fuzzy';
import { planQuery, type SearchMode } from '../src/plates/search/pattern';
import { PlateSearchService } from '../src/plates/search/search.service';
import { PartitionRepository } from '../src/plates/sightings/partition.repository';
import { monthStart } from '../src/plates/sightings/partitions';
import { SightingRepository, type SightingRow } from '../src/plates/sightings/sighting.repository';
import { Store } from '../src/store/store';
import { openTestStore } from '../test/support/engines';
import { prng } from '../test/support/prng';
import { args, enginesArg, finish, intArg, log, machine } from './lib/common';
import { DISTRICTS } from './lib/hk';
import { latencyStats, round, type LatencyStats } from './lib/stats';

const a = args({ smoke: 'boolean', rows: 'string', engine: 'string', queries: 'string' });
const smoke = a.smoke === true;
const ROWS = intArg(a.rows, smoke ? 200_000 : 10_000_000);
const QUERIES = intArg(a.queries, smoke ? 40 : 200);
const engines = enginesArg(a.engine, 'both', true);
const DAY = 86_400_000;
const END = Date.now();
const START = END - 60 * DAY;
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const PROVINCES = '粤京沪川皖浙苏鲁';

const r = prng(2026);
const pick = (s: string) => s[Math.floor(r() * s.length)]!;
function plate(): string {
  const x = r();
  if (x < 0.9) return (r() < 0.95 ? pick(LETTERS) + pick(LETTERS) : pick(LETTERS)) + String(1 + Math.floor(r() * 9999));
  if (x < 0.96) return Array.from({ length: 3 + Math.floor(r() * 5) }, () => (r() < 0.7 ? pick(LETTERS) : pick('0123456789'))).join('');
  return pick(PROVINCES) + pick(LETTERS) + Array.from({ length: 5 }, () => pick('0123456789ABCDEFGHJK')).join('');
}

// ~1 distinct vehicle per 8 reads; a 3% "fleet" makes up a third of the reads.
const VEHICLES = Math.max(1000, Math.floor(ROWS / 8));
const vehicles = Array.from({ length: VEHICLES }, plate);
const fleet = Math.floor(VEHICLES * 0.03);
const vehicleOf = () => (r() < 0.33 ? vehicles[Math.floor(r() * fleet)]! : vehicles[Math.floor(r() * VEHICLES)]!);
const cameras = Array.from({ length: 600 }, (_, i) => {
  const d = DISTRICTS[i % DISTRICTS.length]!;
  return { id: `anpr-${String(i).padStart(4, '0')}`, owner: i % 5 === 0 ? 'transport' : 'police', district: d.name, lat: d.lat + (r() - 0.5) * d.sigma * 2, lon: d.lon + (r() - 0.5) * d.sigma * 2 };
});

async function load(store: Store): Promise<{ seconds: number; rowsSeconds: number; indexSeconds: number; rowsPerSecond: number }> {
  const repo = new SightingRepository(store.db, store.engine);
  if (store.engine === 'postgres') {
    const months = [];
    for (let m = monthStart(START); m <= END; m = monthStart(m, 1)) months.push(m);
    await new PartitionRepository(store.db).ensure(months);
  } else {
    await sql`pragma cache_size = -1500000`.execute(store.db);
    await sql`pragma synchronous = off`.execute(store.db);
  }
  // Bulk load: the secondary indexes are dropped and rebuilt from their own definitions afterwards
  // (one sorted build is far faster than ten million random inserts into four B-trees).
  const defs = await indexDefinitions(store);
  for (const d of defs) await sql.raw(`drop index ${d.name}`).execute(store.db);
  const t0 = performance.now();
  const BATCH = store.engine === 'postgres' ? 20_000 : 10_000;
  const step = (END - START) / ROWS;
  const keys = new Set<string>();
  for (let i = 0; i < ROWS; i += BATCH) {
    const rows: SightingRow[] = [];
    for (let j = i; j < Math.min(ROWS, i + BATCH); j++) {
      const p = vehicleOf();
      const c = cameras[Math.floor(r() * cameras.length)]!;
      rows.push({
        id: j.toString(36).padStart(7, '0'), plate: p, plate_key: plateKey(p), grammar: 'hk', camera_id: c.id, owner: c.owner, district: c.district, lat: c.lat, lon: c.lon,
        seen_at: Math.floor(START + j * step), confidence: 0.6 + r() * 0.4, vehicle_class: 'car', vehicle_colour: null, direction: null,
        plate_crop: null, vehicle_crop: null, track_id: null, job_id: null,
      });
    }
    const fresh = [...new Set(rows.map((x) => x.plate_key))].filter((k) => !keys.has(k));
    for (const k of fresh) keys.add(k);
    await store.transaction(async (tx) => {
      const t = new SightingRepository(tx, store.engine);
      await t.insertBulk(rows);
      await t.addKeyVariants(fresh.flatMap((k) => deletionVariants(k).map((variant) => ({ variant, plate_key: k }))));
    });
    if ((i / BATCH) % 50 === 0) log(`${store.engine}: ${i + rows.length} / ${ROWS} rows, ${Math.round((i + rows.length) / ((performance.now() - t0) / 1000))} rows/s`);
  }
  const rowsSeconds = (performance.now() - t0) / 1000;
  log(`${store.engine}: rows in ${Math.round(rowsSeconds)} s; building ${defs.length} indexes`);
  if (store.engine === 'postgres') await sql`set maintenance_work_mem = '1GB'`.execute(store.db);
  for (const d of defs) await sql.raw(d.sql).execute(store.db);
  await sql`analyze`.execute(store.db);
  const seconds = (performance.now() - t0) / 1000;
  void repo;
  return { seconds: round(seconds, 1), rowsSeconds: round(rowsSeconds, 1), indexSeconds: round(seconds - rowsSeconds, 1), rowsPerSecond: Math.round(ROWS / seconds) };
}

/** The secondary indexes of plate_sightings as the migration made them (name and CREATE statement). */
async function indexDefinitions(store: Store): Promise<Array<{ name: string; sql: string }>> {
  if (store.engine === 'sqlite') {
    const r = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and tbl_name = 'plate_sightings' and sql is not null`.execute(store.db);
    return r.rows;
  }
  const r = await sql<{ name: string; sql: string }>`select indexname as name, indexdef as sql from pg_indexes where tablename = 'plate_sightings' and indexname like 'plate_sightings_%' and indexname <> 'plate_sightings_pkey'`.execute(store.db);
  // The parent's definition reads ON ONLY (an index of the parent alone); without ONLY it is built on every partition.
  return r.rows.map((x) => ({ name: x.name, sql: x.sql.replace(' ON ONLY ', ' ON ') }));
}

function queriesFor(mode: SearchMode | 'prefix2'): string[] {
  const q = prng(7 + mode.length);
  const real = () => vehicles[Math.floor(q() * VEHICLES)]!;
  return Array.from({ length: QUERIES }, () => {
    const p = real();
    const cps = [...p];
    switch (mode) {
      case 'exact': return p;
      case 'prefix': return cps.slice(0, 3).join('');
      case 'prefix2': return cps.slice(0, 2).join('');
      case 'wildcard': return `${cps.slice(0, 2).join('')}?${cps.slice(3, 5).join('')}*`;
      case 'fuzzy': {
        const i = Math.floor(q() * cps.length);
        const e = q();
        if (e < 0.4) cps[i] = pick('0123456789ABCDEFGH');
        else if (e < 0.7 && cps.length > 2) cps.splice(i, 1);
        else cps.splice(i, 0, pick('0123456789'));
        return cps.join('');
      }
    }
  });
}

async function timed(fn: () => Promise<number>, n: number): Promise<{ stats: LatencyStats; meanResults: number }> {
  const ms: number[] = [];
  let results = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    results += await fn();
    ms.push(performance.now() - t0);
  }
  return { stats: latencyStats(ms), meanResults: round(results / n, 1) };
}

const investigator: Principal = { userId: 'u-bench', username: 'bench', displayName: 'bench', grants: [{ role: 'investigator', organisations: null, districts: null }], via: 'token' };
const ctx = { principal: investigator, ip: '127.0.0.1', purpose: 'benchmark', caseRef: 'BENCH-1' };

async function runEngine(engine: 'sqlite' | 'postgres'): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-plate-bench-'));
  let store: Store;
  let cleanup: () => Promise<void>;
  if (engine === 'sqlite') {
    store = await Store.open({ engine: 'sqlite', sqlitePath: path.join(dir, 'bench.db') });
    await store.migrate();
    cleanup = () => store.close();
  } else {
    const ts = await openTestStore('postgres');
    store = ts.store;
    cleanup = ts.cleanup;
  }
  try {
    log(`${engine}: loading ${ROWS} sightings (${VEHICLES} vehicles)`);
    const loaded = await load(store);
    log(`${engine}: loaded in ${loaded.seconds} s (${loaded.rowsPerSecond} rows/s)`);
    const audit = createAuditService({ store, keyring: new SiteKeyring(path.join(dir, 'keys')), node: 'bench', partition: 'month', clock: { now: () => Date.now() } });
    // Plate search runs inside an open case the investigator is authorised for (the access policy, src/access).
    await new CaseRepository(store.db).insert({ ref: ctx.caseRef, purpose: ctx.purpose, authorisedUsers: [{ id: investigator.userId, username: investigator.username }], expiresAt: Date.now() + 365 * DAY, status: 'open', createdBy: investigator.userId, createdAt: Date.now(), closedAt: null, closedBy: null, closeReason: null }, investigator.userId);
    const svc = new PlateSearchService(store, audit);
    const repo = new SightingRepository(store.db, store.engine);
    const out: Record<string, unknown> = { engine, rows: ROWS, vehicles: VEHICLES, load: loaded };
    // Warm the caches the same way for every mode.
    for (const p of queriesFor('exact').slice(0, 20)) await svc.search(ctx, { plate: p, limit: 100 });

    const exactQs = queriesFor('exact');
    let k = 0;
    out.baselineIndexedExact = await timed(async () => (await repo.search({ plan: planQuery(exactQs[k++ % QUERIES]!), filter: {} }, [{ organisations: null, districts: null }], 100)).rows.length, QUERIES);
    const scans = smoke ? 2 : 3;
    out.baselineFullScan = await timed(async () => {
      const rr = await sql<{ n: number }>`select count(*) as n from plate_sightings where plate like ${`%${String(10 + k++)}%`}`.execute(store.db);
      return Number(rr.rows[0]!.n);
    }, scans);
    for (const mode of ['exact', 'prefix', 'prefix2', 'wildcard', 'fuzzy'] as const) {
      const qs = queriesFor(mode);
      let i = 0;
      out[mode] = await timed(async () => (await svc.search(ctx, { plate: qs[i++]!, mode: mode === 'prefix2' ? 'prefix' : mode, limit: 100 })).items.length, QUERIES);
    }
    return out;
  } finally {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const e of engines) {
  const res = await runEngine(e);
  results.push(res);
  log(`── ${e}, ${ROWS} rows ──`);
  for (const m of ['baselineIndexedExact', 'baselineFullScan', 'exact', 'prefix', 'prefix2', 'wildcard', 'fuzzy']) {
    const x = res[m] as { stats: LatencyStats; meanResults: number };
    log(`${m.padEnd(22)} p50 ${String(x.stats.p50).padStart(9)} ms   p95 ${String(x.stats.p95).padStart(9)} ms   (n ${x.stats.n}, mean results ${x.meanResults})`);
  }
}
finish({ bench: 'plate-search', smoke, machine: machine(), targets: { exactPrefixP95Ms: 100, fuzzyP95Ms: 500 }, results });
