import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { MemoryBus } from '../bus/memory';
import { CameraRepository } from '../cameras/camera.repository';
import { silentLogger } from '../core/logger';
import { OrganisationRepository } from '../organisations/organisation.repository';
import { AnalysisJobRepository, type AnalysisJob } from './jobs.repository';
import { JobRunner } from './jobs.runner';
import { AnalysisJobService } from './jobs.service';

const NOW = Date.UTC(2026, 10, 20, 8, 0, 0);

function job(id: string, o: Partial<AnalysisJob> = {}): AnalysisJob {
  return {
    id, cameraId: 'cam-1', filePath: null, fileName: null, fromMs: NOW - 60_000, toMs: NOW, state: 'queued', progress: 0, frames: 0, events: 0, tracks: 0, mediaMs: 0,
    options: { fps: 1 }, node: 'site-1', error: null, createdBy: 'u-1', createdAt: NOW, startedAt: null, finishedAt: null, ...o,
  };
}

async function camera(ts: TestStore, id: string, owner: string): Promise<void> {
  await new OrganisationRepository(ts.store.db).upsert({ id: owner, name: owner, kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null }, createdAt: NOW, updatedAt: NOW });
  await new CameraRepository(ts.store.db).insertMany([{
    id, name: id, lat: 22.3, lon: 114.2, district: 'Central', address: '', owner, source_url: `rtsp://10.0.0.1/${id}`, sub_url: null, transport: 'tcp', bearing_deg: null, fov_deg: null,
    tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'active', status_changed_at: null, search_text: id, created_at: NOW, updated_at: NOW,
  }]);
}

for (const engine of ENGINES) {
  describe(`analysis jobs store on ${engine}`, () => {
    let ts: TestStore;
    before(async () => {
      ts = await openTestStore(engine);
      await camera(ts, 'cam-1', 'police');
      await camera(ts, 'cam-h', 'housing');
    });
    after(() => ts.cleanup());
    const repo = () => new AnalysisJobRepository(ts.store.db);

    test('a job goes queued → running → done once; progress only while running', async () => {
      await repo().insert(job('aj-1'));
      assert.equal(await repo().start('aj-1', NOW + 1), true);
      assert.equal(await repo().start('aj-1', NOW + 2), false, 'started once');
      await repo().progress('aj-1', { progress: 0.5, frames: 30, events: 2, tracks: 1, mediaMs: 30_000 });
      assert.equal(await repo().finish('aj-1', 'done', NOW + 5, { progress: 1, frames: 60, events: 4, tracks: 2, mediaMs: 60_000 }), true);
      assert.equal(await repo().finish('aj-1', 'cancelled', NOW + 6), false, 'an ended job stays ended');
      await repo().progress('aj-1', { progress: 0.1, frames: 1, events: 0, tracks: 0, mediaMs: 0 });
      const j = (await repo().get('aj-1'))!;
      assert.deepEqual([j.state, j.progress, j.frames, j.events, j.tracks, j.mediaMs, j.startedAt, j.finishedAt], ['done', 1, 60, 4, 2, 60_000, NOW + 1, NOW + 5]);
      assert.deepEqual(j.options, { fps: 1 });
      assert.equal(typeof j.createdAt, 'number');
    });

    test('lists are scoped by camera; file jobs are their creator\'s', async () => {
      await repo().insert(job('aj-h', { cameraId: 'cam-h', createdAt: NOW + 10 }));
      await repo().insert(job('aj-f', { cameraId: null, fromMs: null, toMs: null, fileName: 'a.mp4', createdBy: 'u-2', createdAt: NOW + 20 }));
      const police = [{ organisations: ['police'], districts: null }];
      const ids = async (o: Parameters<AnalysisJobRepository['list']>[0]) => (await repo().list(o)).map((j) => j.id);
      assert.deepEqual(await ids({ scopes: null, fileJobsOf: null, limit: 10 }), ['aj-f', 'aj-h', 'aj-1']);
      assert.deepEqual(await ids({ scopes: police, fileJobsOf: 'u-1', limit: 10 }), ['aj-1']);
      assert.deepEqual(await ids({ scopes: police, fileJobsOf: 'u-2', limit: 10 }), ['aj-f', 'aj-1']);
      assert.deepEqual(await ids({ scopes: null, fileJobsOf: null, limit: 10, state: 'queued' }), ['aj-f', 'aj-h']);
      assert.deepEqual(await ids({ scopes: null, fileJobsOf: null, limit: 10, beforeCreatedAt: NOW + 20 }), ['aj-h', 'aj-1']);
    });

    test('a restart marks this node\'s unfinished jobs failed, saying why; other nodes\' are left alone', async () => {
      await repo().insert(job('aj-run', { state: 'running', startedAt: NOW }));
      await repo().insert(job('aj-other', { node: 'site-2' }));
      const log = silentLogger();
      const never = () => {
        throw new Error('no job runs in this test');
      };
      const runner = new JobRunner({ store: ts.store, bus: new MemoryBus(), factory: { build: never }, reader: never, clock: { now: () => NOW + 100 }, log, concurrency: 1 });
      const svc = new AnalysisJobService({
        store: ts.store, audit: { record: async () => undefined, recordStandalone: async () => undefined }, runner, clock: { now: () => NOW + 100 }, log, node: 'site-1', dataDir: '/nonexistent',
        storageRoots: new Map(), jobs: { fps: 1, maxRangeMs: 3_600_000, uploadLimitBytes: 1000 },
      });
      assert.equal(await svc.recoverInterrupted(), 3, 'aj-run, and the queued aj-h and aj-f');
      const run = (await repo().get('aj-run'))!;
      assert.equal(run.state, 'failed');
      assert.match(run.error!, /^interrupted: the server stopped while this job was running; create it again$/);
      assert.equal((await repo().get('aj-other'))!.state, 'queued');
      assert.equal((await repo().get('aj-1'))!.state, 'done');
    });
  });
}
