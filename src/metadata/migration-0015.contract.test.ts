import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { PG_ADMIN_URL } from '../../test/support/engines';
import { AuditLog } from '../audit/index';
import { SiteKeyring } from '../keys/site-keys';
import { eventRow, seeded, synthCameras } from '../simulate/rows';
import { MIGRATIONS } from '../store/migrations/index';
import { Store } from '../store/store';
import { listPartitions } from './partitions';

test('PostgreSQL: 0015 partitions existing analytics_events and audit_records with their rows; the audit chain still verifies and keeps counting', { skip: process.env.SMARTVIEW_SKIP_PG === '1' ? 'no PostgreSQL' : false }, async () => {
  const name = `sv_test_m15_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const store = await Store.open({ engine: 'postgres', postgresUrl: u.toString(), poolSize: 2 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-m15-'));
  try {
    const before = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === '0015_metadata_partitions'));
    await store.db.transaction().execute(async (tx) => {
      await sql`create table schema_migrations (name text primary key, applied_at bigint not null)`.execute(tx);
      for (const m of before) {
        await m.up(tx as unknown as Kysely<unknown>, { engine: 'postgres' });
        await sql`insert into schema_migrations (name, applied_at) values (${m.name}, ${Date.now()})`.execute(tx);
      }
    });
    const rng = seeded(9);
    const cam = synthCameras(1)[0]!;
    const events = Array.from({ length: 50 }, (_, i) => eventRow(rng, cam, Date.UTC(2025, 0, 1) + i * 9 * 86_400_000));
    await store.db.insertInto('analytics_events').values(events).execute();
    let t = Date.UTC(2025, 3, 1);
    const audit = new AuditLog({ node: 'site-1', partition: 'month', keyring: new SiteKeyring(path.join(dir, 'keys')), clock: { now: () => t } });
    const add = (at: number) => store.transaction((tx) => audit.append(tx, { actor: { id: 'u', name: 'alice' }, action: 'camera.view_live', cameraIds: [cam.id], details: {}, at }));
    for (let i = 0; i < 30; i++) await add(Date.UTC(2025, 3, 1) + i * 5 * 86_400_000);

    // 0015 and the migrations after it (0016 … are not this test's subject).
    assert.deepEqual(await store.migrate(), MIGRATIONS.slice(before.length).map((m) => m.name));
    assert.ok((await listPartitions(store.db, 'analytics_events')).includes('analytics_events_202501'));
    assert.ok((await listPartitions(store.db, 'audit_records')).includes('audit_records_202504'));
    const n = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db)).rows[0]!.n);
    assert.equal(await n('analytics_events'), 50);
    assert.equal(await n('audit_records'), 30);
    const maxSeq = Number((await sql<{ m: string }>`select max(seq) as m from audit_records`.execute(store.db)).rows[0]!.m);
    t = Date.UTC(2025, 7, 20);
    await add(t);
    const next = Number((await sql<{ m: string }>`select max(seq) as m from audit_records`.execute(store.db)).rows[0]!.m);
    assert.ok(next > maxSeq, 'seq keeps counting after the migration');
    assert.equal((await audit.verify(store.db)).ok, true, 'the audit trail verifies after the migration');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    const a = new pg.Client({ connectionString: PG_ADMIN_URL });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  }
});
