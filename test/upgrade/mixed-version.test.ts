import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createAuditService } from '../../src/app/audit-service';
import { CameraRepository, type CameraRow } from '../../src/cameras/camera.repository';
import { OrganisationRepository } from '../../src/organisations/organisation.repository';
import { SiteKeyring } from '../../src/keys/site-keys';
import { SegmentRepository } from '../../src/record/segment.repository';
import { checkSchemaCompatibility, SCHEMA_REQUIRES_KEY } from '../../src/store/compat';
import { MIGRATIONS } from '../../src/store/migrations/index';
import { Store } from '../../src/store/store';
import { PG_ADMIN_URL } from '../support/engines';

/**
 * Rolling upgrade on PostgreSQL: a node of the PREVIOUS schema (every migration but the newest) keeps recording,
 * indexing and auditing while a newer node applies the newest migration, and after it. The compatibility check
 * lets the older node run against the newer schema, and refuses it only after a contract step says so.
 */
const OLD = MIGRATIONS.slice(0, -1);
const NEW = MIGRATIONS.at(-1)!;
let url: string;
let dbName: string;
let dir: string;

before(async () => {
  dbName = `sv_upgrade_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${dbName}`;
  url = u.toString();
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-upgrade-'));
});
after(async () => {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

/** What the previous release's `migrate()` did: its own migrations only, recorded in schema_migrations. */
async function migrateOld(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await sql`create table if not exists schema_migrations (name text primary key, applied_at bigint not null)`.execute(tx);
    for (const m of OLD) {
      await m.up(tx as unknown as Kysely<unknown>, { engine: 'postgres' });
      await sql`insert into schema_migrations (name, applied_at) values (${m.name}, ${Date.now()})`.execute(tx);
    }
  });
}

function camera(id: string): CameraRow {
  const now = Date.now();
  return {
    id, name: id, lat: 22.3, lon: 114.1, district: 'Central', address: '', owner: 'police', source_url: 'rtsp://10.0.0.1/main', sub_url: null, transport: 'tcp', bearing_deg: null, fov_deg: null,
    tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'online', status_changed_at: null, search_text: id, created_at: now, updated_at: now,
  };
}

test(`a node of the previous schema keeps working while a newer node applies ${NEW.name}, and after`, async () => {
  const old = await Store.open({ engine: 'postgres', postgresUrl: url, poolSize: 3 });
  await migrateOld(old);
  const audit = createAuditService({ store: old, keyring: new SiteKeyring(path.join(dir, 'keys')), node: 'old-node', partition: 'month', clock: { now: () => Date.now() } });
  const now = Date.now();
  await new OrganisationRepository(old.db).upsert({ id: 'police', name: 'Police', kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null }, createdAt: now, updatedAt: now });
  await new CameraRepository(old.db).insertMany([camera('cam-1')]);

  // the old node's work loop: index a segment and audit it, again and again
  let n = 0;
  let stop = false;
  const errors: unknown[] = [];
  const loop = (async () => {
    while (!stop) {
      try {
        const t = now + n * 10_000;
        await new SegmentRepository(old.db).insertMany([{ cameraId: 'cam-1', node: 'old-node', storage: 'local', path: `cam-1/${t}.ts`, startMs: t, endMs: t + 10_000, bytes: 100, codec: 'h264', width: 1, height: 1, keyframes: [0], sha256: 'x'.repeat(64), status: 'ok', createdAt: t }]);
        await old.transaction((tx) => audit.record(tx, { principal: null, ip: null, systemActor: 'system:test' }, { action: 'test.work', targetType: 'segment', targetId: String(n) }));
        n++;
      } catch (err) {
        errors.push(err);
        stop = true;
      }
    }
  })();
  while (n < 5) await new Promise((r) => setTimeout(r, 10));

  const fresh = await Store.open({ engine: 'postgres', postgresUrl: url, poolSize: 2 });
  assert.deepEqual(await fresh.migrate(), [NEW.name], 'the newer node applies only the newest migration');
  const during = n;
  while (n < during + 5) await new Promise((r) => setTimeout(r, 10));
  stop = true;
  await loop;
  assert.deepEqual(errors, [], 'the old node never failed');

  // the old node reads what it wrote, and its audit chain verifies, under the new schema
  const segs = await new SegmentRepository(old.db).inRange('cam-1', now - 1, now + n * 10_000 + 1);
  assert.equal(segs.length, n);
  assert.equal((await audit.verifyAll()).ok, true);
  assert.equal((await new CameraRepository(old.db).get('cam-1'))?.id, 'cam-1');

  // the compatibility check: newer migrations are tolerated ...
  const oldNames = OLD.map((m) => m.name);
  assert.deepEqual((await checkSchemaCompatibility(old.db, oldNames)).newer, [NEW.name]);
  assert.deepEqual((await checkSchemaCompatibility(fresh.db, MIGRATIONS.map((m) => m.name))).newer, []);
  // ... until a contract step requires the newest one: then the old node refuses to start, the new one is fine
  await fresh.db.insertInto('cluster_meta').values({ key: SCHEMA_REQUIRES_KEY, value: JSON.stringify([NEW.name]) }).execute();
  await assert.rejects(checkSchemaCompatibility(old.db, oldNames), /older than the database's schema contract.*upgrade this node/s);
  assert.deepEqual((await checkSchemaCompatibility(fresh.db, MIGRATIONS.map((m) => m.name))).newer, []);
  await old.close();
  await fresh.close();
});
