import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { PrivacyRepository, type ReleaseRecord } from './privacy.repository';

// Migration 0011 and the one repository of the privacy room, on both engines.
for (const engine of ENGINES) {
  describe(`privacy repository on ${engine}`, () => {
    let t: TestStore;
    before(async () => (t = await openTestStore(engine)));
    after(() => t.cleanup());

    test('masks: absent = none (version 0); put increases the version; counts per camera', async () => {
      const repo = new PrivacyRepository(t.store.db);
      assert.deepEqual(await repo.masks('cam-1'), { cameraId: 'cam-1', polygons: [], version: 0, updatedBy: null, updatedAt: null });
      const poly = { label: 'windows', points: [[0.1, 0.1], [0.4, 0.1], [0.4, 0.3]] as Array<[number, number]> };
      assert.equal(await repo.putMasks('cam-1', [poly], 'u1', 1_700_000_000_000), 1);
      assert.equal(await repo.putMasks('cam-1', [poly, poly], 'u2', 1_700_000_000_001), 2);
      await repo.putMasks('cam-2', [], 'u2', 1_700_000_000_002);
      const m = await repo.masks('cam-1');
      assert.equal(m.version, 2);
      assert.equal(m.updatedBy, 'u2');
      assert.equal(m.updatedAt, 1_700_000_000_001);
      assert.deepEqual(m.polygons[1], poly);
      assert.deepEqual([...(await repo.maskCounts())].sort(), [['cam-1', 2], ['cam-2', 0]]);
    });

    test('releases: insert, update, by export, by status, running', async () => {
      const repo = new PrivacyRepository(t.store.db);
      const base: ReleaseRecord = {
        id: 'rel-1', exportId: 'ex-1', cameraId: 'cam-1', kind: 'redacted', caseRef: 'HK-1', requestRef: 'SAR-1', status: 'running', error: null,
        keepTracks: [], tracks: [], path: '/tmp/x', originalManifestSha256: 'a'.repeat(64), manifestSha256: null, createdBy: 'u1', createdAt: 1_700_000_000_000,
        reviewedBy: null, reviewedAt: null, reviewNote: null,
      };
      await repo.insertRelease(base);
      await repo.insertRelease({ ...base, id: 'rel-2', kind: 'masked', requestRef: null, createdAt: 1_700_000_000_500 });
      assert.deepEqual((await repo.running()).map((r) => r.id).sort(), ['rel-1', 'rel-2']);
      const track = { id: 1, kind: 'face' as const, firstFrame: 0, lastFrame: 9, firstS: 0, lastS: 0.36, detections: 3, box: [0.1, 0.1, 0.05, 0.08] as [number, number, number, number] };
      await repo.updateRelease('rel-1', { status: 'pending_review', tracks: [track], keepTracks: [1], manifestSha256: 'b'.repeat(64) });
      await repo.updateRelease('rel-1', { status: 'approved', reviewedBy: 'u2', reviewedAt: 1_700_000_001_000, reviewNote: 'ok' });
      const r = (await repo.release('rel-1'))!;
      assert.equal(r.status, 'approved');
      assert.deepEqual(r.tracks, [track]);
      assert.deepEqual(r.keepTracks, [1]);
      assert.equal(r.reviewedAt, 1_700_000_001_000);
      assert.equal(r.requestRef, 'SAR-1');
      assert.deepEqual((await repo.releasesOf('ex-1')).map((x) => x.id), ['rel-2', 'rel-1'], 'newest first');
      assert.deepEqual((await repo.listReleases('approved', 10)).map((x) => x.id), ['rel-1']);
      assert.equal(await repo.release('nope'), undefined);
    });
  });
}
