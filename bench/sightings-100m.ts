/**
 * Plate and attribute queries with 100,000,000 plate sightings on PostgreSQL (monthly partitions).
 *
 *   npx tsx bench/sightings-100m.ts [--smoke] [--rows 100000000] [--keep <db>] [--reuse <db>]
 *
 * Builds its data OUTSIDE CI: a database `sv_bench_100m_*` filled server-side with generate_series
 * (12 months, 2,000 cameras, 5M distinct vehicles: plates AA0000…), indexes built after the load, then
 * ANALYZE. Disk needed: ~260 B/row with indexes (src/capacity/model.ts rowBytes.sighting) → ~26 GB for
 * 100M rows (measured: 3.1 GB per 10M), plus WAL during the load. Build time on this 2-core machine: 209 s for
 * 10M (rows ~78k/s, then the indexes), so roughly 35–60 min for 100M. `--reuse <db>` skips the build. --smoke: 200,000 rows.
 * Queries (200 each, p50/p95 ms), time range = none for plates (the investigator's "where has this car
 * been", all 12 partitions probed), 1 day for the attribute query:
 *   exact plate (plate = ? order by seen_at limit 100)        target p95 100 ms
 *   prefix of 3 characters                                      target p95 100 ms
 *   attribute: class + colour on one camera in a day            target p95 500 ms
 * Baseline in the same run: the exact plate lookup on one partition only (the month known).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { PG_ADMIN_URL } from '../test/support/engines';
import { MetadataMaintenance } from '../src/metadata/maintenance';
import { monthStartUtc } from '../src/metadata/partitions';
import { plateOf } from '../src/simulate/rows';
import { Store } from '../src/store/store';
import { args, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', rows: 'string', keep: 'boolean', reuse: 'string' });
const smoke = a.smoke === true;
const ROWS = intArg(a.rows, smoke ? 200_000 : 100_000_000);
const VEHICLES = 5_000_000;
const CAMERAS = 2000;
const END = monthStartUtc(Date.UTC(2026, 10, 1));
const START = monthStartUtc(END, -12);

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

async function main(): Promise<void> {
  const name = typeof a.reuse === 'string' ? a.reuse : `sv_bench_100m_${randomBytes(3).toString('hex')}`;
  if (typeof a.reuse !== 'string') await adminQuery(`create database ${name}`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const store = await Store.open({ engine: 'postgres', postgresUrl: u.toString(), poolSize: 2 });
  const db = store.db;
  try {
    let loadS = 0;
    if (typeof a.reuse !== 'string') {
      await store.migrate();
      const m = new MetadataMaintenance(store, { eventsDays: 9999, tracksDays: 9999, sightingsDays: 9999, auditDays: 9999 }, (await import('pino')).default({ level: 'warn' }), 14);
      await m.ensureAhead(START);
      for (const idx of ['plate_sightings_plate', 'plate_sightings_key', 'plate_sightings_camera', 'plate_sightings_seen']) await sql.raw(`drop index if exists ${idx}`).execute(db);
      const t = performance.now();
      const chunk = 1_000_000;
      const span = END - START;
      for (let off = 0; off < ROWS; off += chunk) {
        const n = Math.min(chunk, ROWS - off);
        // vehicle v = hash of the row number; plates built in SQL exactly as plateOf() does.
        await sql.raw(`
          insert into plate_sightings (id, plate, plate_key, grammar, camera_id, owner, district, lat, lon, seen_at, confidence, vehicle_class, vehicle_colour, direction, track_id)
          select 's' || g, p, p, 'hk', 'cam-' || (g % ${CAMERAS}), 'police', 'Wan Chai', 22.3, 114.17,
                 ${START} + ((g::bigint * 7919) % ${span}), 0.9, (array['car','bus','truck','motorcycle'])[(1 + g % 4)::int], (array['black','white','grey','red','blue','silver'])[(1 + (g / 7) % 6)::int], 'left', g % 100000
          from (select g, substr('ABCDEFGHJKLMNPRSTUVWXYZ', (1 + v % 23)::int, 1) || substr('ABCDEFGHJKLMNPRSTUVWXYZ', (1 + (v / 23) % 23)::int, 1) || lpad(((v / 529) % 10000)::text, 4, '0') as p
                from (select g, (g::bigint * 2654435761) % ${VEHICLES} as v from generate_series(${off}, ${off + n - 1}) g) s) t`).execute(db);
        log(`${off + n} rows (${round((off + n) / ((performance.now() - t) / 1000), 0)} rows/s)`);
      }
      log('indexes');
      await sql`create index plate_sightings_plate on plate_sightings (plate, seen_at)`.execute(db);
      await sql`create index plate_sightings_key on plate_sightings (plate_key, seen_at)`.execute(db);
      await sql`create index plate_sightings_camera on plate_sightings (camera_id, seen_at)`.execute(db);
      await sql`create index plate_sightings_seen on plate_sightings (seen_at)`.execute(db);
      await sql`analyze plate_sightings`.execute(db);
      loadS = (performance.now() - t) / 1000;
    }
    const size = await sql<{ s: string }>`select pg_size_pretty(pg_database_size(current_database())) as s`.execute(db);
    const vehicle = (i: number): string => plateOf((i * 104729) % VEHICLES);
    const exact = await timed(200, (i) => db.selectFrom('plate_sightings').select(['id', 'seen_at', 'camera_id']).where('plate', '=', vehicle(i)).orderBy('seen_at').limit(100).execute());
    const oneMonth = await timed(200, (i) => db.selectFrom('plate_sightings').select(['id', 'seen_at', 'camera_id']).where('plate', '=', vehicle(i)).where('seen_at', '>=', monthStartUtc(END, -1)).where('seen_at', '<', END).orderBy('seen_at').limit(100).execute());
    const prefix = await timed(200, (i) => {
      const p = vehicle(i).slice(0, 3);
      const hi = p.slice(0, 2) + String.fromCharCode(p.charCodeAt(2) + 1);
      return db.selectFrom('plate_sightings').select(['id', 'plate', 'seen_at']).where('plate', '>=', p).where('plate', '<', hi).orderBy(sql`seen_at + 0`).limit(100).execute();
    });
    const attribute = await timed(200, (i) => {
      const day = START + ((i * 37) % 360) * 86_400_000;
      return db.selectFrom('plate_sightings').select(['id', 'plate', 'seen_at']).where('camera_id', '=', `cam-${i % CAMERAS}`).where('seen_at', '>=', day).where('seen_at', '<', day + 86_400_000).where('vehicle_class', '=', 'car').where('vehicle_colour', '=', 'red').limit(100).execute();
    });
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select id from plate_sightings where plate = 'AB1234' and seen_at >= ${monthStartUtc(END, -1)} and seen_at < ${END}`.execute(db);
    const partitionsScanned = plan.rows.filter((r) => /plate_sightings_\d{6}/.test(r['QUERY PLAN'])).length;
    const result = { bench: 'sightings-100m', smoke, rows: ROWS, database: name, size: size.rows[0]?.s, loadSeconds: round(loadS, 1), queriesMs: { exactNoTimeRange: exact, exactOneMonthBaseline: oneMonth, prefix3: prefix, attributeOneCameraDay: attribute }, partitionsScannedWithOneMonth: partitionsScanned, targetsP95Ms: { exact: 100, prefix3: 100, attribute: 500 }, met: exact.p95 < 100 && prefix.p95 < 100 && attribute.p95 < 500, machine: machine(), loadavg: os.loadavg().map((x) => round(x, 1)) };
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
