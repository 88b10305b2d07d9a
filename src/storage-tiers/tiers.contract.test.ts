import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { segmentFile } from '../playback/segment-file';
import { DAY, openRetentionFixture, startsAgo, testSegment, type RetentionFixture } from '../retention/retention.fixtures';
import { parseConfig } from '../config/load';
import { coldStorageIds } from '../config/tiers.schema';
import { hashFile } from './copy';
import { INTENT_DIR, TierMover, type TierMoverOptions } from './mover';

const HOUR = 3_600_000;

/** Every regular file below `dir` (relative), skipping nothing: orphans and part files must show. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

for (const engine of ENGINES) {
  describe(`storage tiers on ${engine}`, () => {
    let ts: TestStore;
    let f: RetentionFixture;
    let nas: string;
    before(async () => {
      ts = await openTestStore(engine);
    });
    after(() => ts.cleanup());
    beforeEach(async () => {
      f = await openRetentionFixture(engine, ts);
      nas = path.join(f.dir, 'nas');
      mkdirSync(nas);
      await f.addCamera('cam-a', 'city', 30);
    });
    afterEach(() => f.cleanup());

    const roots = () => new Map([['local', f.root], ['nas', nas]]);
    const mover = (over: Partial<TierMoverOptions> = {}) =>
      new TierMover({ store: f.store, audit: f.audit, log: f.log, clock: f.clock, node: 'site-1', roots: roots(), tiers: { rules: [{ from: 'local', to: 'nas', afterHours: 24 }], intervalMs: 1000, bytesPerSecond: 50e6, batchSize: 100 }, ...over });
    const rows = async () => f.store.db.selectFrom('segments').select(['id', 'storage', 'path', 'node', 'sha256']).orderBy('start_ms').execute();

    /** Every indexed segment is playable where its row points (playback's own resolver) and has the indexed hash. */
    async function assertPlayable(): Promise<void> {
      for (const r of await rows()) {
        if (r.node !== 'site-1') continue;
        const file = segmentFile(roots(), { id: r.id, storage: r.storage, path: r.path, node: r.node }, f.log);
        assert.equal(await hashFile(file.path), r.sha256, `segment ${r.id} on ${r.storage}`);
      }
    }

    /** No file anywhere that no row points at (no orphan copy, no part file, no intent left). */
    async function assertNoOrphans(): Promise<void> {
      const want = new Set((await rows()).filter((r) => r.node === 'site-1').map((r) => `${r.storage}:${r.path}`));
      const have = [...files(f.root).map((p) => `local:${p}`), ...files(nas).map((p) => `nas:${p}`)];
      assert.deepEqual(have.sort(), [...want].sort());
    }

    test('moves segments older than the rule to the cold tier, index and file in one step; newer and other nodes stay', async () => {
      const old = await f.addSegments('cam-a', startsAgo(2 * DAY, 5));
      const fresh = await f.addSegments('cam-a', startsAgo(HOUR, 3));
      await f.addSegments('cam-a', startsAgo(3 * DAY, 2), { node: 'other-node', root: path.join(f.dir, 'elsewhere') });
      const p = await mover().pass();
      assert.equal(p.moved, 5);
      assert.equal(p.bytes, 5 * testSegment().bytes);
      const byPath = new Map((await rows()).filter((r) => r.node === 'site-1').map((r) => [r.path, r.storage]));
      for (const rel of old) assert.equal(byPath.get(rel), 'nas');
      for (const rel of fresh) assert.equal(byPath.get(rel), 'local');
      assert.equal((await rows()).filter((r) => r.node === 'other-node' && r.storage === 'local').length, 2, "another node's segments are never touched");
      await assertPlayable();
      await assertNoOrphans();
      const audit = await f.store.db.selectFrom('audit_records').select(['action', 'details']).where('action', '=', 'recording.tier_move').execute();
      assert.equal(audit.length, 1);
      assert.equal((JSON.parse(audit[0]!.details) as { moved: number }).moved, 5);
      assert.equal((await mover().pass()).moved, 0, 'a second pass has nothing to do');
    });

    for (const at of ['copied', 'indexed', 'unlinked'] as const) {
      test(`a crash after '${at}' leaves a playable segment, and recovery leaves no orphan`, async () => {
        await f.addSegments('cam-a', startsAgo(2 * DAY, 3));
        let n = 0;
        const crashing = mover({
          movesPerBatch: 1,
          step: (name) => {
            if (name === at && ++n === 2) throw new Error(`simulated crash after ${at}`);
          },
        });
        const p = await crashing.pass();
        assert.equal(p.failed, 1);
        await assertPlayable();
        const intents = files(path.join(f.root, INTENT_DIR));
        assert.equal(intents.length, 1, 'the interrupted move left its intent');
        // a new process starts: recovery first, then the next pass finishes the work
        const fresh = mover();
        assert.equal(await fresh.recover(), 1);
        await assertPlayable();
        await assertNoOrphans();
        await fresh.pass();
        assert.deepEqual((await rows()).map((r) => r.storage), ['nas', 'nas', 'nas']);
        await assertNoOrphans();
      });
    }

    test('a damaged source is not moved (hash differs from the index) and leaves nothing behind', async () => {
      const [rel] = await f.addSegments('cam-a', startsAgo(2 * DAY, 1));
      writeFileSync(path.join(f.root, rel!), 'not the recorded bytes');
      const p = await mover().pass();
      assert.equal(p.failed, 1);
      assert.equal((await rows())[0]!.storage, 'local');
      assert.deepEqual(files(nas), []);
      assert.deepEqual(files(path.join(f.root, INTENT_DIR)), []);
      // a known failure never blocks the others: with a batch of 1, the next pass moves the next segment
      await f.addSegments('cam-a', startsAgo(DAY + HOUR, 1));
      const m = mover({ tiers: { rules: [{ from: 'local', to: 'nas', afterHours: 24 }], intervalMs: 1000, bytesPerSecond: 50e6, batchSize: 1 } });
      assert.equal((await m.pass()).failed, 1);
      assert.equal((await m.pass()).moved, 1);
    });

    test('a row deleted by retention during the copy: the copy is discarded', async () => {
      await f.addSegments('cam-a', startsAgo(2 * DAY, 2));
      const p = await mover({
        step: async (name, segs) => {
          if (name === 'copied') await f.store.db.deleteFrom('segments').where('id', '=', segs[0]!.id).execute();
        },
      }).pass();
      assert.equal(p.moved, 1);
      assert.equal(p.vanished, 1);
      const left = await rows();
      for (const r of left) assert.equal(r.storage, 'nas');
      assert.equal(files(nas).length, left.length, 'no copy without a row on the cold tier');
    });

    test('a held segment moves like any other and stays held on the cold tier (retention cannot take it there)', async () => {
      const starts = startsAgo(5 * DAY, 4);
      await f.addSegments('cam-a', starts);
      await f.holds().place({ principal: null, ip: null, systemActor: 'system:test', caseRef: 'CASE-1' }, { cameraId: 'cam-a', startMs: starts[0]!, endMs: starts[1]! + 1, reason: 'theft on the bus' });
      assert.equal((await mover().pass()).moved, 4);
      const s = await f.sweeper({ storages: [{ id: 'local', root: f.root, quotaBytes: null }, { id: 'nas', root: nas, quotaBytes: 1 }] }).sweep();
      assert.equal(s.deleted.quota.count, 2, 'the two unheld segments go for the quota');
      const left = await rows();
      assert.equal(left.length, 2);
      assert.ok(left.every((r) => r.storage === 'nas'));
      await assertPlayable();
    });

    test('config: tier rules name configured storages, differ, and leave a storage to record into', () => {
      const base = { storages: [{ id: 'fast', path: 'a' }, { id: 'nas', path: 'b' }] };
      assert.deepEqual(parseConfig({ recording: { ...base, tiers: { rules: [{ from: 'fast', to: 'nas', afterHours: 24 }] } } }).recording.tiers.rules, [{ from: 'fast', to: 'nas', afterHours: 24 }]);
      assert.throws(() => parseConfig({ recording: { ...base, tiers: { rules: [{ from: 'fast', to: 'tape', afterHours: 24 }] } } }), /'tape' is not a storage id/);
      assert.throws(() => parseConfig({ recording: { ...base, tiers: { rules: [{ from: 'fast', to: 'fast', afterHours: 1 }] } } }), /must differ/);
      assert.throws(() => parseConfig({ recording: { ...base, tiers: { rules: [{ from: 'fast', to: 'nas', afterHours: 1 }, { from: 'nas', to: 'fast', afterHours: 2 }] } } }), /at least one storage must stay a recording/);
      assert.deepEqual([...coldStorageIds({ rules: [{ from: 'fast', to: 'nas', afterHours: 1 }] })], ['nas']);
    });

    test('quota applies per tier: retention trims the cold storage by its own quota', async () => {
      await f.addSegments('cam-a', startsAgo(5 * DAY, 6));
      await mover().pass();
      const seg = testSegment();
      const s = await f.sweeper({ storages: [{ id: 'local', root: f.root, quotaBytes: null }, { id: 'nas', root: nas, quotaBytes: seg.bytes * 4 }] }).sweep();
      assert.equal(s.deleted.quota.count, 2);
      assert.equal((await rows()).length, 4);
      await assertPlayable();
    });
  });
}
