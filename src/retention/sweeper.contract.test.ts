import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { SYSTEM } from '../core/context';
import { deleteBatch } from './deleter';
import { StorageFiles } from './files';
import { StorageGateStore } from './gate';
import { DAY, NOW, openRetentionFixture, startsAgo, testSegment, type RetentionFixture } from './retention.fixtures';
import { RetentionRepository } from './retention.repository';

const HOLD = { ...SYSTEM, caseRef: 'CASE-1' };

async function deletions(f: RetentionFixture): Promise<Array<{ camera_id: string; rule: string; path: string; sha256: string }>> {
  return f.store.db.selectFrom('retention_deletions').select(['camera_id', 'rule', 'path', 'sha256']).orderBy('id').execute();
}

async function outbox(f: RetentionFixture, name: string): Promise<Array<Record<string, unknown>>> {
  const rows = await f.store.db.selectFrom('outbox').select('data').where('name', '=', name).orderBy('seq').execute();
  return rows.map((r) => JSON.parse(r.data) as Record<string, unknown>);
}

for (const engine of ENGINES) {
  describe(`retention sweep on ${engine}`, () => {
    let ts: TestStore;
    let f: RetentionFixture;
    before(async () => {
      ts = await openTestStore(engine);
    });
    after(() => ts.cleanup());
    beforeEach(async () => {
      f = await openRetentionFixture(engine, ts);
    });
    afterEach(() => f.cleanup());

    test('age: per-camera retention_days, the owner cap, the default, and deleted cameras', async () => {
      await f.addOrg('city', null);
      await f.addOrg('shop', 7);
      await f.addCamera('cam-a', 'city', 30);
      await f.addCamera('cam-b', 'shop', 30); // the owner lowered its cap to 7 days after the camera was set to 30
      await f.addCamera('cam-c', 'city', null); // default 10 days
      const ages = [40, 20, 9, 5, 1].map((d) => NOW - d * DAY);
      const paths: Record<string, string[]> = {};
      for (const cam of ['cam-a', 'cam-b', 'cam-c', 'cam-gone']) paths[cam] = await f.addSegments(cam, ages);
      const s = await f.sweeper().sweep();
      assert.deepEqual(await f.indexed('cam-a'), paths['cam-a']!.slice(1));
      assert.deepEqual(await f.indexed('cam-b'), paths['cam-b']!.slice(3));
      assert.deepEqual(await f.indexed('cam-c'), paths['cam-c']!.slice(2));
      assert.deepEqual(await f.indexed('cam-gone'), paths['cam-gone']!.slice(2), 'footage of a removed camera follows the default');
      for (const [cam, kept] of [['cam-a', 1], ['cam-b', 3], ['cam-c', 2]] as const) {
        paths[cam]!.forEach((p, i) => assert.equal(f.onDisk(p), i >= kept, `${cam} ${p} on disk`));
      }
      assert.equal(s.deleted.age.count, 1 + 2 + 2);
      assert.equal(s.deleted.owner_cap.count, 3);
      const rows = await deletions(f);
      assert.equal(rows.length, 8);
      assert.deepEqual(new Set(rows.filter((r) => r.camera_id === 'cam-b').map((r) => r.rule)), new Set(['owner_cap']));
      assert.ok(rows.every((r) => r.sha256 === testSegment().sha256));
      assert.ok(!existsSync(path.join(f.root, path.dirname(paths['cam-a']![0]!))), 'the emptied hour directory is removed');
      assert.ok(existsSync(path.join(f.root, 'cam-a')), 'the camera directory stays');
      assert.equal((await f.sweeper().sweep()).deleted.age.count, 0, 'a second sweep finds nothing more');
    });

    test('quota: the oldest footage of the storage goes first until it is under quotaBytes', async () => {
      const b = testSegment().bytes;
      const a = await f.addSegments('cam-a', startsAgo(DAY, 5, 20_000));
      const c = await f.addSegments('cam-c', startsAgo(DAY - 10_000, 5, 20_000)); // interleaved in time with cam-a
      const all = [a[0], c[0], a[1], c[1], a[2], c[2], a[3], c[3], a[4], c[4]];
      const s = await f.sweeper({ storages: [{ id: 'local', root: f.root, quotaBytes: 6 * b + 100 }] }).sweep();
      assert.equal(s.deleted.quota.count, 4);
      assert.deepEqual((await f.indexed()).sort(), all.slice(4).sort());
      for (const p of all.slice(0, 4)) assert.equal(f.onDisk(p!), false);
      assert.deepEqual(new Set((await deletions(f)).map((r) => r.rule)), new Set(['quota']));
      assert.equal(s.storages[0]!.paused, false);
    });

    test('emergency: low free space deletes the oldest footage of that storage until back above the minimum', async () => {
      const b = testSegment().bytes;
      const p = await f.addSegments('cam-a', startsAgo(DAY, 8));
      f.free.bytes = 1_000_000 - Math.round(2.5 * b); // injected statfs reading
      const s = await f.sweeper().sweep();
      assert.equal(s.deleted.emergency.count, 3);
      assert.deepEqual(await f.indexed(), p.slice(3));
      assert.equal(s.storages[0]!.freeBytes! >= 1_000_000, true);
      assert.equal(s.storages[0]!.paused, false);
    });

    test('a legal hold protects overlapping segments under age, owner cap, quota and emergency', async () => {
      await f.addOrg('shop', 1);
      await f.addCamera('cam-a', 'shop', 30);
      const p = await f.addSegments('cam-a', startsAgo(40 * DAY, 6));
      const holds = f.holds();
      // covers segments 1..2 (the hold range overlaps segment 2 by one ms only)
      await holds.place(HOLD, { cameraId: 'cam-a', startMs: NOW - 40 * DAY + 10_500, endMs: NOW - 40 * DAY + 20_001, reason: 'robbery at the gate' });
      f.free.bytes = 10; // emergency wants everything
      const s = await f.sweeper({ storages: [{ id: 'local', root: f.root, quotaBytes: 1 }] }).sweep();
      assert.deepEqual(await f.indexed(), [p[1], p[2]]);
      assert.ok(f.onDisk(p[1]!) && f.onDisk(p[2]!));
      assert.equal(s.deleted.owner_cap.count, 4);
      assert.equal(s.storages[0]!.paused, true, 'still short with only held footage left');
      assert.equal(s.storages[0]!.reason, 'storage_full_held');
    });

    test('a hold placed after candidates were chosen wins: the deleting transaction re-checks and puts files back', async () => {
      await f.addCamera('cam-a', 'city', 30);
      const p = await f.addSegments('cam-a', startsAgo(DAY, 3));
      const cands = await new RetentionRepository(f.store.db).oldestOnStorage({ storage: 'local', node: 'site-1', limit: 10 });
      await f.holds().place(HOLD, { cameraId: 'cam-a', startMs: NOW - DAY, endMs: NOW - DAY + 5000, reason: 'late hold' });
      const r = await deleteBatch({ store: f.store, clock: f.clock, log: f.log }, new StorageFiles(f.root), cands, 'quota');
      assert.equal(r.held, 1);
      assert.deepEqual(r.deleted.map((c) => c.path), p.slice(1));
      assert.deepEqual(await f.indexed(), [p[0]]);
      assert.ok(f.onDisk(p[0]!), 'the held file is back in place');
      assert.deepEqual(readdirSync(path.join(f.root, '.trash')), [], '.trash is left empty');
    });

    test('only held footage left: storage.critical, error log, persistent pause; release resumes recording', async () => {
      await f.addCamera('cam-a', 'city', 30);
      await f.addSegments('cam-a', startsAgo(DAY, 4));
      let kicked = 0;
      const holds = f.holds(() => kicked++);
      const h = await holds.place(HOLD, { cameraId: 'cam-a', startMs: 0, endMs: NOW + DAY, reason: 'everything' });
      const seen: boolean[] = [];
      f.gate.onChange((st) => seen.push(st.paused));
      const sweeper = f.sweeper({ storages: [{ id: 'local', root: f.root, quotaBytes: 2 * testSegment().bytes }] });
      const s1 = await sweeper.sweep();
      assert.equal(f.gate.paused('local'), true);
      assert.equal(s1.storages[0]!.heldBytes, 4 * testSegment().bytes);
      const crit = await outbox(f, 'storage.critical');
      assert.equal(crit.length, 1);
      assert.equal(crit[0]!.reason, 'storage_full_held');
      assert.ok(f.logs.some((l) => l.level === 50 && /CRITICAL: storage 'local'.*PAUSED/.test(l.msg)));
      const persisted = JSON.parse(readFileSync(path.join(f.dir, 'retention', 'storage-gate.json'), 'utf8')) as Array<{ storage: string; paused: boolean }>;
      assert.deepEqual(persisted.map((x) => [x.storage, x.paused]), [['local', true]]);
      assert.equal(new StorageGateStore(StorageGateStore.fileIn(f.dir), f.log).paused('local'), true, 'a restart remembers the pause');
      await sweeper.sweep();
      assert.equal((await outbox(f, 'storage.critical')).length, 1, 'no repeated alert while it stays paused');

      await holds.release({ ...SYSTEM, caseRef: 'CASE-1' }, h.id, 'case closed');
      assert.equal(kicked, 1, 'a release asks retention to sweep');
      const s2 = await sweeper.sweep();
      assert.equal(s2.deleted.quota.count, 3, 'down to quota minus the resume margin');
      assert.equal(f.gate.paused('local'), false);
      assert.equal((await outbox(f, 'storage.resumed')).length, 1);
      assert.deepEqual(seen, [true, false]);
    });

    test('files outside the storage root are never touched; a missing file is not an error', async () => {
      const outside = path.join(f.dir, 'outside');
      mkdirSync(outside, { recursive: true });
      writeFileSync(path.join(outside, 'victim.ts'), 'keep me');
      const [rel] = await f.addSegments('cam-x', [NOW - 40 * DAY]);
      const hourDir = path.join(f.root, path.dirname(rel!));
      writeFileSync(path.join(outside, path.basename(rel!)), 'keep me too');
      renameSync(hourDir, `${hourDir}.real`);
      symlinkSync(outside, hourDir); // the hour directory is now a link leaving the root
      const seg = testSegment();
      await f.store.db.insertInto('segments').values([
        { camera_id: 'cam-y', node: 'site-1', storage: 'local', path: '../outside/victim.ts', start_ms: NOW - 50 * DAY, end_ms: NOW - 50 * DAY + 1000, bytes: 7, codec: 'h264', width: null, height: null, keyframes: '[]', sha256: seg.sha256, status: 'ok', created_at: NOW },
        { camera_id: 'cam-y', node: 'site-1', storage: 'local', path: 'cam-y/2026/01/01/00/1.ts', start_ms: NOW - 45 * DAY, end_ms: NOW - 45 * DAY + 1000, bytes: 7, codec: 'h264', width: null, height: null, keyframes: '[]', sha256: seg.sha256, status: 'ok', created_at: NOW },
      ]).execute();
      const s = await f.sweeper().sweep();
      assert.equal(readFileSync(path.join(outside, 'victim.ts'), 'utf8'), 'keep me');
      assert.equal(readFileSync(path.join(outside, path.basename(rel!)), 'utf8'), 'keep me too');
      assert.equal(s.refused, 2);
      assert.deepEqual((await f.indexed()).sort(), ['../outside/victim.ts', rel!].sort(), 'refused rows stay for a person to look at');
      assert.ok(f.logs.some((l) => l.level === 50 && /refused to delete/.test(l.msg)));
      assert.equal(s.gone, 1, 'the missing file: row removed, deletion recorded');
      assert.deepEqual((await deletions(f)).map((d) => d.path), ['cam-y/2026/01/01/00/1.ts']);
      assert.ok(f.logs.some((l) => l.level === 40 && /already gone/.test(l.msg)));
    });

    test('incremental: a backlog is worked off in bounded batches over several sweeps', async () => {
      for (let c = 0; c < 3; c++) await f.addSegments(`cam-${c}`, startsAgo(30 * DAY, 12));
      const sweeper = f.sweeper({ batchSize: 5, maxBatchesPerPhase: 2 });
      const first = await sweeper.sweep();
      assert.equal(first.deleted.age.count, 10);
      assert.equal(first.more, true);
      let rounds = 1;
      for (let s = first; s.more; rounds++) s = await sweeper.sweep();
      assert.equal((await f.indexed()).length, 0);
      assert.equal((await deletions(f)).length, 36);
      assert.ok(rounds >= 4);
    });

    test('the runner sweeps on start, again at once while a backlog remains, and stops cleanly', async () => {
      await f.addSegments('cam-a', startsAgo(30 * DAY, 12));
      const sweeper = f.sweeper({ batchSize: 5, maxBatchesPerPhase: 1 });
      sweeper.start(3_600_000, 0);
      for (let i = 0; i < 100 && (await f.indexed()).length; i++) await new Promise((r) => setTimeout(r, 20));
      await sweeper.stop();
      assert.deepEqual(await f.indexed(), [], 'three sweeps ran back to back, not an hour apart');
    });

    test('only this node\'s segments on this node\'s storages are deleted', async () => {
      await f.addSegments('cam-a', [NOW - 40 * DAY], { node: 'other-node' });
      await f.addSegments('cam-a', [NOW - 41 * DAY], { storage: 'elsewhere' });
      await f.sweeper().sweep();
      assert.equal((await f.indexed()).length, 2);
    });

    test('files left in .trash by a crash go back when their row still exists, and are purged when it does not', async () => {
      const [kept, deleted] = await f.addSegments('cam-a', [NOW - DAY, NOW - DAY + 10_000]);
      for (const rel of [kept!, deleted!]) {
        mkdirSync(path.dirname(path.join(f.root, '.trash', rel)), { recursive: true });
        renameSync(path.join(f.root, rel), path.join(f.root, '.trash', rel));
      }
      await f.store.db.deleteFrom('segments').where('path', '=', deleted!).execute();
      await f.sweeper().sweep();
      assert.ok(f.onDisk(kept!));
      assert.ok(!f.onDisk(deleted!) && !existsSync(path.join(f.root, '.trash', deleted!)));
    });
  });
}
