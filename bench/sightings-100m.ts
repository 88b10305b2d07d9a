/**
 * Plate and attribute queries with 100,000,000 plate sightings on PostgreSQL (monthly partitions).
 *
 *   npx tsx bench/sightings-100m.ts [--smoke] [--rows 100000000] [--keep] [--reuse <db>] [--queries 200]
 *
 * Builds its data OUTSIDE CI: a database `sv_bench_100m_*` filled server-side with generate_series
 * (12 months, 2,000 cameras, 5M distinct vehicles: plates AA0000…, plate_key folded as plateKey() does),
 * the fuzzy dictionary plate_key_variants for those 5M keys, then the migrations' own secondary indexes of
 * plate_sightings (read from pg_indexes, dropped before the load and rebuilt after it: the plate, key,
 * camera, time and — since migration 0016 — the 2/3-character prefix indexes), then ANALYZE.
 * Disk needed (measured at 100M): 40.5 GB — heap 13 GB, the 7 indexes 23.6 GB (the two prefix indexes 3.15 GB
 * each), the dictionary 2.4 GB — plus WAL during the load: have ~50 GB free. Build time on this 2-core machine:
 * 52 min under load 13–17 (rows 20 min, dictionary 6 min, indexes 27 min; docs/BENCHMARKS.md, #11 100M run).
 * `--reuse <db>` skips the build; `--keep` keeps the database. --smoke: 200,000 rows.
 * Queries (--queries each, default 200; p50/p95/p99 ms) go through SightingRepository.search, the query the
 * plate search API runs (limit 100, oldest first, no scope restriction, no time range: the investigator's
 * "where has this car been", all 12 partitions probed), 1 day for the attribute query:
 *   exact plate                                    target p95 100 ms (issue #5/#11)
 *   prefix of 3 characters, of 2 characters        target p95 100 ms
 *   wildcard AB?12*                                (no target of its own; reported)
 *   fuzzy (one substitution away, confusables)     target p95 500 ms
 *   attribute: class + colour on one camera in a day  target p95 500 ms
 * Baselines in the same run: the exact plate lookup on one partition only (the month known), and the
 * 3-character prefix as it ran before migration 0016 (a range of the plate index, every match sorted by time).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { PG_ADMIN_URL } from '../test/support/engines';
import { MetadataMaintenance } from '../src/metadata/maintenance';
import { monthStartUtc } from '../src/metadata/partitions';
import { plateKey } from '../src/plates/grammar/index';
import { withinOne } from '../src/plates/search/fuzzy';
import { planQuery, type SearchMode } from '../src/plates/search/pattern';
import { SightingRepository } from '../src/plates/sightings/sighting.repository';
import { plateOf } from '../src/simulate/rows';
import { Store } from '../src/store/store';
import { args, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', rows: 'string', keep: 'boolean', reuse: 'string', queries: 'string' });
const smoke = a.smoke === true;
const ROWS = intArg(a.rows, smoke ? 200_000 : 100_000_000);
const QUERIES = intArg(a.queries, smoke ? 40 : 200);
const BASELINE_QUERIES = smoke ? 10 : 40;
const VEHICLES = 5_000_000;
const CAMERAS = 2000;
const END = monthStartUtc(Date.UTC(2026, 10, 1));
const START = monthStartUtc(END, -12);
const ALL = [{ organisations: null, districts: null }];
/** plateKey()'s confusable folding (src/plates/grammar CONFUSABLE_GROUPS) as SQL translate() arguments. */
const FOLD_FROM = 'ODQIBSZ';
const FOLD_TO = '0001852';

async function adminQuery(q: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

async function timed(n: number, f: (i: number) => Promise<unknown>): Promise<ReturnType<typeof latencyStats>> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    xs.push(performance.now() - t);
  }
  return latencyStats(xs);
}

/** plateOf(v) in SQL (v: a bigint expression). */
const plateSql = (v: string): string =>
  `substr('ABCDEFGHJKLMNPRSTUVWXYZ', (1 + ${v} % 23)::int, 1) || substr('ABCDEFGHJKLMNPRSTUVWXYZ', (1 + (${v} / 23) % 23)::int, 1) || lpad(((${v} / 529) % 10000)::text, 4, '0')`;

async function build(store: Store): Promise<{ rowsSeconds: number; indexSeconds: number; dictionarySeconds: number; indexes: string[] }> {
  const db = store.db;
  await store.migrate();
  const m = new MetadataMaintenance(store, { eventsDays: 9999, tracksDays: 9999, sightingsDays: 9999, auditDays: 9999 }, (await import('pino')).default({ level: 'warn' }), 14);
  await m.ensureAhead(START);
  // The migrations' secondary indexes, dropped for the load and rebuilt from their own definitions.
  const defs = (await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where tablename = 'plate_sightings' and indexname <> 'plate_sightings_pkey'`.execute(db)).rows
    .map((r) => ({ name: r.name, def: r.def.replace(' ON ONLY ', ' ON ') }));
  if (!defs.some((d) => d.name === 'plate_sightings_prefix3')) throw new Error('plate_sightings_prefix3 is missing: migration 0016 did not run');
  for (const d of defs) await sql.raw(`drop index if exists ${d.name}`).execute(db);
  const t = performance.now();
  const chunk = 1_000_000;
  const span = END - START;
  for (let off = 0; off < ROWS; off += chunk) {
    const n = Math.min(chunk, ROWS - off);
    // vehicle v = hash of the row number; plates built in SQL exactly as plateOf() does, keys as plateKey().
    await sql.raw(`
      insert into plate_sightings (id, plate, plate_key, grammar, camera_id, owner, district, lat, lon, seen_at, confidence, vehicle_class, vehicle_colour, direction, track_id)
      select 's' || g, p, translate(p, '${FOLD_FROM}', '${FOLD_TO}'), 'hk', 'cam-' || (g % ${CAMERAS}), 'police', 'Wan Chai', 22.3, 114.17,
             ${START} + ((g::bigint * 7919) % ${span}), 0.9, (array['car','bus','truck','motorcycle'])[(1 + g % 4)::int], (array['black','white','grey','red','blue','silver'])[(1 + (g / 7) % 6)::int], 'left', g % 100000
      from (select g, ${plateSql('v')} as p
            from (select g, (g::bigint * 2654435761) % ${VEHICLES} as v from generate_series(${off}, ${off + n - 1}) g) s) t`).execute(db);
    log(`${off + n} rows (${round((off + n) / ((performance.now() - t) / 1000), 0)} rows/s)`);
  }
  const rowsSeconds = (performance.now() - t) / 1000;
  // Fuzzy dictionary (symmetric delete): every vehicle's key under itself and each one-character deletion.
  const td = performance.now();
  await sql`alter table plate_key_variants drop constraint plate_key_variants_pkey`.execute(db);
  await sql.raw(`
    insert into plate_key_variants (variant, plate_key)
    select distinct v, k from (
      select k, unnest(array[k] || array(select left(k, i - 1) || substr(k, i + 1) from generate_series(1, length(k)) i)) as v
      from (select distinct translate(${plateSql('v::bigint')}, '${FOLD_FROM}', '${FOLD_TO}') as k from generate_series(0, ${Math.min(VEHICLES, ROWS) - 1}) v) s) t`).execute(db);
  await sql`alter table plate_key_variants add primary key (variant, plate_key)`.execute(db);
  const dictionarySeconds = (performance.now() - td) / 1000;
  log(`dictionary in ${round(dictionarySeconds, 0)} s; building ${defs.length} indexes: ${defs.map((d) => d.name).join(', ')}`);
  const ti = performance.now();
  // One connection, so the session setting applies to the index builds.
  await db.connection().execute(async (c) => {
    await sql`set maintenance_work_mem = '1GB'`.execute(c);
    for (const d of defs) {
      const t1 = performance.now();
      await sql.raw(d.def).execute(c);
      log(`index ${d.name} in ${round((performance.now() - t1) / 1000, 0)} s`);
    }
    await sql`analyze plate_sightings`.execute(c);
    await sql`analyze plate_key_variants`.execute(c);
  });
  return { rowsSeconds: round(rowsSeconds, 1), dictionarySeconds: round(dictionarySeconds, 1), indexSeconds: round((performance.now() - ti) / 1000, 1), indexes: defs.map((d) => d.name) };
}

async function main(): Promise<void> {
  const name = typeof a.reuse === 'string' ? a.reuse : `sv_bench_100m_${randomBytes(3).toString('hex')}`;
  if (typeof a.reuse !== 'string') await adminQuery(`create database ${name}`);
  log(`database ${name}`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const store = await Store.open({ engine: 'postgres', postgresUrl: u.toString(), poolSize: 2 });
  const db = store.db;
  try {
    const built = typeof a.reuse !== 'string' ? await build(store) : null;
    const size = await sql<{ s: string; b: string }>`select pg_size_pretty(pg_database_size(current_database())) as s, pg_database_size(current_database())::text as b`.execute(db);
    const idx = await sql<{ name: string; bytes: string }>`
      select i.indexname as name, (select coalesce(sum(pg_relation_size(relid)), 0) from pg_partition_tree(i.indexname::regclass))::text as bytes
      from pg_indexes i where i.tablename = 'plate_sightings' order by 1`.execute(db);
    const indexGb = Object.fromEntries(idx.rows.map((r) => [r.name, round(Number(r.bytes) / 1e9, 2)]));
    const repo = new SightingRepository(db, 'postgres');
    const vehicle = (i: number): string => plateOf((i * 104729) % Math.min(VEHICLES, ROWS));
    const run = (plate: string, mode: SearchMode, fuzzyKeys?: string[]) => repo.search({ plan: planQuery(plate, mode), filter: {}, ...(fuzzyKeys ? { fuzzyKeys } : {}) }, ALL, 100);
    // Sanity: the SQL folding is plateKey()'s, and a prefix query returns what the plain range query returns.
    const sample = await db.selectFrom('plate_sightings').select(['plate', 'plate_key']).limit(1000).execute();
    const badKeys = sample.filter((r) => plateKey(r.plate) !== r.plate_key).length;
    if (badKeys) throw new Error(`${badKeys} plate keys differ from plateKey()`);
    for (const p of [vehicle(1).slice(0, 3), vehicle(2).slice(0, 2)]) {
      const got = (await run(p, 'prefix')).rows.map((r) => r.id);
      const hi = p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);
      const want = (await db.selectFrom('plate_sightings').select('id').where('plate', '>=', p).where('plate', '<', hi).orderBy(sql`seen_at + 0`).orderBy('id').limit(100).execute()).map((r) => r.id);
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`prefix ${p}: the indexed prefix query and the plain range query disagree`);
    }
    const warm = await timed(20, (i) => run(vehicle(i + 7), 'exact'));
    void warm;
    const exact = await timed(QUERIES, (i) => run(vehicle(i), 'exact'));
    const oneMonth = await timed(QUERIES, (i) => db.selectFrom('plate_sightings').select(['id', 'seen_at', 'camera_id']).where('plate', '=', vehicle(i)).where('seen_at', '>=', monthStartUtc(END, -1)).where('seen_at', '<', END).orderBy('seen_at').limit(100).execute());
    const prefix3 = await timed(QUERIES, (i) => run(vehicle(i + 1000).slice(0, 3), 'prefix'));
    const prefix2 = await timed(QUERIES, (i) => run(vehicle(i + 2000).slice(0, 2), 'prefix'));
    const prefix3Baseline = await timed(BASELINE_QUERIES, (i) => {
      const p = vehicle(i + 3000).slice(0, 3);
      const hi = p.slice(0, 2) + String.fromCharCode(p.charCodeAt(2) + 1);
      return db.selectFrom('plate_sightings').selectAll().where('plate', '>=', p).where('plate', '<', hi).orderBy(sql`seen_at + 0`).orderBy('id').limit(101).execute();
    });
    const wildcard = await timed(QUERIES, (i) => {
      const p = vehicle(i + 4000);
      return run(`${p.slice(0, 2)}?${p.slice(3, 5)}*`, 'wildcard');
    });
    const digits = '0123456789';
    const fuzzy = await timed(QUERIES, async (i) => {
      const p = [...vehicle(i + 5000)];
      const at = 2 + (i % 4);
      p[at] = digits[(Number(p[at]) + 1 + (i % 9)) % 10]!;
      const plan = planQuery(p.join(''), 'fuzzy');
      if (plan.mode !== 'fuzzy') throw new Error('expected a fuzzy plan');
      const keys = (await repo.keysForVariants(plan.variants)).filter((k) => withinOne(k, plan.key));
      return run(p.join(''), 'fuzzy', keys);
    });
    const attribute = await timed(QUERIES, (i) => {
      const day = START + ((i * 37) % 360) * 86_400_000;
      return db.selectFrom('plate_sightings').select(['id', 'plate', 'seen_at']).where('camera_id', '=', `cam-${i % CAMERAS}`).where('seen_at', '>=', day).where('seen_at', '<', day + 86_400_000).where('vehicle_class', '=', 'car').where('vehicle_colour', '=', 'red').limit(100).execute();
    });
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select id from plate_sightings where plate = 'AB1234' and seen_at >= ${monthStartUtc(END, -1)} and seen_at < ${END}`.execute(db);
    const partitionsScanned = plan.rows.filter((r) => /plate_sightings_\d{6}/.test(r['QUERY PLAN'])).length;
    const pplan = (await sql<{ 'QUERY PLAN': string }>`explain select * from plate_sightings where substr(plate, 1, 3) = 'AB1' order by seen_at, id limit 101`.execute(db)).rows.map((r) => r['QUERY PLAN']);
    // The plan's nodes (costs left out): with migration 0016, index scans of the prefix index under an (ordered) Append.
    const prefixPlan = { nodes: [...new Set(pplan.map((l) => l.replace(/\s*\(cost=.*$/, '').replace(/^\s*(->\s*)?/, '').replace(/ on plate_sightings_\d{6}.*$/, '').replace(/_\d{6}_/, '_YYYYMM_')).filter((l) => !/^(Index Cond|Sort Key|Presorted Key|Filter):/.test(l)))], fullSort: pplan.some((l) => /^\s*(->\s*)?Sort\s+\(/.test(l)), prefixIndexScans: pplan.filter((l) => /Index Scan using \S*substr/.test(l)).length };
    const targets = { exact: 100, prefix3: 100, prefix2: 100, fuzzy: 500, attribute: 500 };
    const metEach = { exact: exact.p95 < targets.exact, prefix3: prefix3.p95 < targets.prefix3, prefix2: prefix2.p95 < targets.prefix2, fuzzy: fuzzy.p95 < targets.fuzzy, attribute: attribute.p95 < targets.attribute };
    const result = {
      bench: 'sightings-100m', smoke, rows: ROWS, database: name, size: size.rows[0]?.s, sizeGb: round(Number(size.rows[0]?.b ?? 0) / 1e9, 1), indexGb, build: built,
      queriesMs: { exactNoTimeRange: exact, exactOneMonthBaseline: oneMonth, prefix3, prefix2, prefix3BaselineRangeAndSort: prefix3Baseline, wildcard, fuzzy, attributeOneCameraDay: attribute },
      prefixPlan, partitionsScannedWithOneMonth: partitionsScanned, targetsP95Ms: targets, metEach, met: Object.values(metEach).every(Boolean), machine: machine(), loadavg: os.loadavg().map((x) => round(x, 1)),
    };
    log(result);
    finish(result);
  } finally {
    await store.close();
    if (!a.keep && typeof a.reuse !== 'string') await adminQuery(`drop database if exists ${name} with (force)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
