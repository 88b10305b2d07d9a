import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { openTestStore } from '../../test/support/engines';
import { AuditLog } from '../audit/index';
import type { AnalyticsEventTable } from '../store/schema';
import { SiteKeyring } from '../keys/site-keys';
import { EVENT_COLUMNS, SIGHTING_COLUMNS, TRACK_COLUMNS, eventRow, seeded, sightingRow, synthCameras, trackRow } from '../simulate/rows';
import { BulkWriter } from './bulk-writer';
import { MetadataMaintenance } from './maintenance';
import { listPartitions, monthPartitionName, monthStartUtc, tableOf } from './partitions';
import { tableSink } from './table-sink';

const DAY = 86_400_000;
const log = pino({ level: 'silent' });
const PG = process.env.SMARTVIEW_SKIP_PG === '1' ? 'no PostgreSQL' : false;
const rules = { eventsDays: 90, tracksDays: 30, sightingsDays: 30, auditDays: 365 };

describe('metadata at scale (PostgreSQL)', { skip: PG }, () => {
  test('events, tracks, sightings and audit are monthly partitions; time-bound reads prune to their months (EXPLAIN)', async () => {
    const ts = await openTestStore('postgres');
    try {
      const now = Date.now();
      for (const kind of ['events', 'tracks', 'sightings', 'audit'] as const) {
        const t = tableOf(kind);
        const parts = await listPartitions(ts.store.db, t.table);
        assert.ok(parts.includes(monthPartitionName(t.table, monthStartUtc(now))), `${t.table} has this month's partition (${parts.join(', ')})`);
        assert.ok(parts.includes(monthPartitionName(t.table, monthStartUtc(now, 2))), `${t.table} has two months ahead`);
      }
      const from = monthStartUtc(now);
      const plan = await sql<{ 'QUERY PLAN': string }>`explain select count(*) from analytics_events where started_at >= ${from} and started_at < ${from + DAY}`.execute(ts.store.db);
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      assert.match(text, new RegExp(monthPartitionName('analytics_events', from)));
      assert.doesNotMatch(text, new RegExp(monthPartitionName('analytics_events', monthStartUtc(now, 1))), `only this month is scanned:\n${text}`);
      const auditPlan = await sql<{ 'QUERY PLAN': string }>`explain select * from audit_records where at >= ${from} and at < ${from + DAY}`.execute(ts.store.db);
      assert.equal(auditPlan.rows.filter((r) => /audit_records_\d{6}/.test(r['QUERY PLAN'])).length, 1, auditPlan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    } finally {
      await ts.cleanup();
    }
  });

  test('bulk writer: rows of every kind stored (partitions of old months made on demand), back-pressure waits, nothing lost', async () => {
    const ts = await openTestStore('postgres');
    try {
      const rng = seeded(7);
      const cams = synthCameras(20);
      const old = Date.UTC(2024, 2, 10);
      const w = new BulkWriter({ name: 'sightings', log, maxQueued: 500, maxBatch: 400, sink: tableSink(ts.store, 'plate_sightings', SIGHTING_COLUMNS, tableOf('sightings')) });
      const n = 6000;
      for (let i = 0; i < n; i++) await w.push(sightingRow(rng, cams[i % 20]!, (i % 3 === 0 ? old : Date.now()) + i));
      await w.flush();
      assert.equal(w.stats.written, n);
      assert.equal(w.stats.dropped + w.stats.failed, 0);
      assert.ok(w.stats.waitedMs > 0 || w.stats.maxQueued === 500, 'the bounded queue filled and producers waited');
      const c = await sql<{ n: string }>`select count(*) as n from plate_sightings`.execute(ts.store.db);
      assert.equal(Number(c.rows[0]!.n), n);
      assert.ok((await listPartitions(ts.store.db, 'plate_sightings')).includes('plate_sightings_202403'));
      const ev = new BulkWriter({ name: 'events', log, sink: tableSink(ts.store, 'analytics_events', EVENT_COLUMNS, tableOf('events')) });
      const tr = new BulkWriter({ name: 'tracks', log, sink: tableSink(ts.store, 'search_tracks', TRACK_COLUMNS, tableOf('tracks')) });
      for (let i = 0; i < 1000; i++) {
        await ev.push(eventRow(rng, cams[i % 20]!, Date.now() + i));
        await tr.push(trackRow(rng, cams[i % 20]!, old + i));
      }
      await Promise.all([ev.flush(), tr.flush()]);
      assert.deepEqual([ev.stats.written, tr.stats.written, ev.stats.failed, tr.stats.failed], [1000, 1000, 0, 0]);
    } finally {
      await ts.cleanup();
    }
  });

  test('retention drops expired months of each kind, keeps recent ones; an audit month is refused until its chains are archived', async () => {
    const ts = await openTestStore('postgres');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-meta-'));
    try {
      const db = ts.store.db;
      const now = Date.UTC(2027, 5, 15);
      const rng = seeded(3);
      const cam = synthCameras(1)[0]!;
      const m = new MetadataMaintenance(ts.store, rules, log);
      await m.ensureAhead(now);
      // one row in a month long expired (2026-12) and one this month (2027-06) for each kind
      for (const at of [Date.UTC(2026, 11, 5), Date.UTC(2027, 5, 2)]) {
        await tableSink(ts.store, 'analytics_events', EVENT_COLUMNS, tableOf('events'))([eventRow(rng, cam, at)]);
        await tableSink(ts.store, 'search_tracks', TRACK_COLUMNS, tableOf('tracks'))([trackRow(rng, cam, at)]);
        await tableSink(ts.store, 'plate_sightings', SIGHTING_COLUMNS, tableOf('sightings'))([sightingRow(rng, cam, at)]);
      }
      // audit: a chain in 2025-03 (older than 365 days), closed by a record in 2025-04, and this month's
      const keyring = new SiteKeyring(path.join(dir, 'keys'));
      const clock = { now: () => now };
      const audit = new AuditLog({ node: 'site-1', partition: 'month', keyring, clock });
      const add = (at: number) => ts.store.transaction((tx) => audit.append(tx, { actor: { id: 'u-1', name: 'alice' }, action: 'camera.view_live', target: { type: 'camera', id: cam.id }, cameraIds: [cam.id], ip: '10.0.0.1', details: {}, at }));
      for (const at of [Date.UTC(2025, 2, 3), Date.UTC(2025, 2, 4), Date.UTC(2025, 3, 1), Date.UTC(2027, 5, 1)]) await add(at);

      const first = await m.expire(now);
      const dropped = first.dropped.map((d) => d.partition);
      for (const p of ['analytics_events_202612', 'search_tracks_202612', 'plate_sightings_202612']) assert.ok(dropped.includes(p), `${p} dropped (${dropped.join(', ')})`);
      assert.ok(!dropped.some((p) => p.endsWith('_202706')), 'this month kept');
      assert.deepEqual(first.refused.map((r) => r.partition).sort(), ['audit_records_202503', 'audit_records_202504']);
      assert.match(first.refused[0]!.reason, /not archived/);
      for (const t of ['analytics_events', 'search_tracks', 'plate_sightings']) {
        const c = await sql<{ n: string }>`select count(*) as n from ${sql.table(t)}`.execute(db);
        assert.equal(Number(c.rows[0]!.n), 1, `${t}: the recent row stays`);
      }
      // archive the 2025-03 chain (checkpointed when 2025-04 opened): its month may go, 2025-04 (open chain) may not
      const res = await audit.archive(db, '2025-04', path.join(dir, 'archive'));
      assert.deepEqual(res.archived.map((a) => a.chain), ['site-1:2025-03']);
      const second = await m.expire(now);
      assert.deepEqual(second.dropped.map((d) => d.partition), ['audit_records_202503']);
      assert.deepEqual(second.refused.map((r) => r.partition), ['audit_records_202504']);
      assert.equal((await audit.verify(db)).ok, true, 'the remaining audit trail still verifies');
    } finally {
      await ts.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('drop policy: a full queue refuses droppable rows and counts them; the rest is written', async () => {
    const ts = await openTestStore('postgres');
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const sink = tableSink<AnalyticsEventTable>(ts.store, 'analytics_events', EVENT_COLUMNS, tableOf('events'));
      const w = new BulkWriter({ name: 'events', log, policy: 'drop', maxQueued: 100, maxBatch: 50, concurrency: 1, sink: async (rows: AnalyticsEventTable[]) => { await gate; await sink(rows); } });
      const rng = seeded(1);
      const cam = synthCameras(1)[0]!;
      let refused = 0;
      for (let i = 0; i < 300; i++) if (!(await w.push(eventRow(rng, cam, Date.now() + i)))) refused++;
      release();
      await w.flush();
      assert.equal(refused, w.stats.dropped);
      assert.ok(w.stats.dropped > 0);
      assert.equal(w.stats.written + w.stats.dropped, 300, 'every row is either written or counted as dropped');
      const c = await sql<{ n: string }>`select count(*) as n from analytics_events`.execute(ts.store.db);
      assert.equal(Number(c.rows[0]!.n), w.stats.written);
    } finally {
      await ts.cleanup();
    }
  });
});

describe('metadata at scale (SQLite)', () => {
  test('retention deletes expired rows of events, tracks and sightings in batches', async () => {
    const ts = await openTestStore('sqlite');
    try {
      const now = Date.UTC(2027, 5, 15);
      const rng = seeded(5);
      const cam = synthCameras(1)[0]!;
      const w = new BulkWriter({ name: 'tracks', log, sink: tableSink(ts.store, 'search_tracks', TRACK_COLUMNS) });
      for (let i = 0; i < 300; i++) await w.push(trackRow(rng, cam, now - (i < 200 ? 40 : 5) * DAY + i));
      await w.flush();
      await tableSink(ts.store, 'analytics_events', EVENT_COLUMNS)([eventRow(rng, cam, now - 100 * DAY), eventRow(rng, cam, now - DAY)]);
      const r = await new MetadataMaintenance(ts.store, rules, log).expire(now);
      assert.deepEqual(r.deleted, { events: 1, tracks: 200, sightings: 0 });
    } finally {
      await ts.cleanup();
    }
  });

  test('flush is a barrier: it waits for every row pushed before it, not for rows pushed after it', async () => {
    const ts = await openTestStore('sqlite');
    try {
      const rng = seeded(7);
      const cam = synthCameras(1)[0]!;
      const sink = tableSink<object>(ts.store, 'analytics_events', EVENT_COLUMNS);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const later = Date.UTC(2027, 5, 2);
      // Rows of the later day are held back until released (a slow database for them only).
      const w = new BulkWriter<object>({ name: 'events', log, maxBatch: 10, concurrency: 2, sink: async (rows) => {
        if (rows.some((r) => (r as { started_at: number }).started_at >= later)) await gate;
        await sink(rows);
      } });
      for (let i = 0; i < 35; i++) await w.push(eventRow(rng, cam, Date.UTC(2027, 5, 1) + i));
      await w.flush();
      assert.equal(w.stats.written, 35, 'everything pushed before flush() is stored when it resolves');
      const c = await sql<{ n: number }>`select count(*) as n from analytics_events`.execute(ts.store.db);
      assert.equal(Number(c.rows[0]!.n), 35);
      for (let i = 0; i < 5; i++) await w.push(eventRow(rng, cam, later + i));
      const second = w.flush();
      let done = false;
      void second.then(() => (done = true));
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(done, false, 'a held-back row keeps the later barrier waiting');
      release();
      await second;
      assert.equal(w.stats.written, 40);
    } finally {
      await ts.cleanup();
    }
  });

  test('a failing batch is retried, then written row by row: only the bad row fails (onFailed), the rest is stored (onWritten)', async () => {
    const ts = await openTestStore('sqlite');
    try {
      const rng = seeded(8);
      const cam = synthCameras(1)[0]!;
      const rows = Array.from({ length: 20 }, (_, i) => eventRow(rng, cam, Date.UTC(2027, 5, 1) + i));
      const dup = { ...rows[3]! }; // same primary key: that insert fails inside the database
      const written: object[] = [];
      const failed: { row: object; err: unknown }[] = [];
      const w = new BulkWriter<object>({
        name: 'events', log, maxBatch: 100, concurrency: 1, retries: 1, retryDelayMs: 5, sink: tableSink<object>(ts.store, 'analytics_events', EVENT_COLUMNS),
        onWritten: (r) => void written.push(...r), onFailed: (row, err) => void failed.push({ row, err }),
      });
      await w.push(rows[3]!);
      await w.flush();
      for (const r of [...rows.slice(0, 3), ...rows.slice(4), dup]) await w.push(r);
      await w.flush();
      assert.equal(w.stats.retried, 1);
      assert.deepEqual([w.stats.written, w.stats.failed, written.length, failed.length], [20, 1, 20, 1]);
      assert.equal(failed[0]!.row, dup);
      assert.match(String(failed[0]!.err), /UNIQUE|constraint/i);
      const c = await sql<{ n: number }>`select count(*) as n from analytics_events`.execute(ts.store.db);
      assert.equal(Number(c.rows[0]!.n), 20);
    } finally {
      await ts.cleanup();
    }
  });
});
