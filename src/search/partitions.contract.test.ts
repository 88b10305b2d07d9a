import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { PG_ADMIN_URL } from '../../test/support/engines';
import { MIGRATIONS } from '../store/migrations/index';
import type { SearchTrackTable } from '../store/schema';
import { Store } from '../store/store';
import { trackMonthStart, TrackPartitionRepository, TrackPartitions } from './partitions';
import { TrackIndexRepository } from './tracks.repository';

const DAY = 86_400_000;
const ALL = [{ organisations: null, districts: null }];

function row(i: number, startedAt: number): SearchTrackTable {
  return {
    id: `t${String(i).padStart(6, '0')}`, camera_id: `cam-${i % 5}`, owner: 'police', district: 'Wan Chai', lat: 22.28, lon: 114.17, started_at: startedAt, ended_at: startedAt + 4000,
    class: 'person', upper_colour: i % 2 ? 'red' : 'black', lower_colour: 'blue', carried: 0, height_class: null, vehicle_colour: null, plate: null, direction: 'left',
    speed: 0.4, score: 0.9, crop_path: null, embedding: null, embedding_model: null, job_id: null, track_no: i,
  };
}

test('PostgreSQL: 0013 turns an existing search_tracks with rows into monthly partitions; reads prune to the months asked', { skip: process.env.SMARTVIEW_SKIP_PG === '1' ? 'no PostgreSQL' : false }, async () => {
  const name = `sv_test_part_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const store = await Store.open({ engine: 'postgres', postgresUrl: u.toString(), poolSize: 2 });
  try {
    // The schema as it was before 0013, with a year of tracks in the plain table.
    const before = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === '0013_search_partitions'));
    await store.db.transaction().execute(async (tx) => {
      await sql`create table schema_migrations (name text primary key, applied_at bigint not null)`.execute(tx);
      for (const m of before) {
        await m.up(tx as unknown as Kysely<unknown>, { engine: 'postgres' });
        await sql`insert into schema_migrations (name, applied_at) values (${m.name}, ${Date.now()})`.execute(tx);
      }
    });
    const start = Date.UTC(2025, 9, 15); // mid-October 2025 … a year of rows
    const rows = Array.from({ length: 3000 }, (_, i) => row(i, start + Math.floor((i / 3000) * 365 * DAY)));
    const repo = new TrackIndexRepository(store.db);
    for (let i = 0; i < rows.length; i += 500) await repo.insertMany(rows.slice(i, i + 500));
    const applied = await store.migrate();
    assert.equal(applied[0], '0013_search_partitions', `applied: ${applied.join(', ')}`);

    const parts = await new TrackPartitionRepository(store.db).list();
    assert.ok(parts.includes('search_tracks_202510') && parts.includes('search_tracks_202610'), parts.join(','));
    assert.equal(await repo.count(), 3000, 'every row survived the migration');
    const { rows: inMonth } = await sql<{ n: string }>`select count(*) as n from search_tracks_202603`.execute(store.db);
    assert.equal(Number(inMonth[0]!.n), rows.filter((r) => trackMonthStart(r.started_at) === Date.UTC(2026, 2, 1)).length);

    // A search over one week reads one partition only.
    const from = Date.UTC(2026, 2, 3);
    const page = await repo.search({ from, to: from + 7 * DAY, upperColour: ['red'] }, ALL, 20);
    assert.deepEqual(page.items.map((t) => t.id), rows.filter((r) => r.started_at >= from && r.started_at < from + 7 * DAY && r.upper_colour === 'red').sort((a, b) => b.started_at - a.started_at).slice(0, 20).map((r) => r.id));
    const plan = (await sql<{ 'QUERY PLAN': string }>`explain select id from search_tracks where started_at >= ${from} and started_at < ${from + 7 * DAY} and upper_colour = 'red' order by started_at desc limit 20`.execute(store.db)).rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /search_tracks_202603/);
    assert.doesNotMatch(plan, /search_tracks_2026(0[^3]|1)/, `only March is read:\n${plan}`);

    // One track by id (no time): still found, through the per-partition id index.
    assert.equal((await repo.get(rows[1234]!.id, ALL))?.startedAt, rows[1234]!.started_at);
    // The key holds the partition column: the same id at the same time cannot be stored twice.
    await assert.rejects(repo.insert(rows[10]!), /duplicate key/);
    // A month far ahead (old or future footage) is created on demand.
    const far = Date.UTC(2030, 0, 10);
    await assert.rejects(repo.insert(row(9001, far)), /no partition/);
    await new TrackPartitions(store).ensureFor([far]);
    await repo.insert(row(9001, far));
    assert.ok((await new TrackPartitionRepository(store.db).list()).includes('search_tracks_203001'));
  } finally {
    await store.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
});
