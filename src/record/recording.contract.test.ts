import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CameraRepository, type CameraRow } from '../cameras/camera.repository';
import { OrganisationRepository } from '../organisations/organisation.repository';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { StoreRecordingIndex } from './recording-index';
import { RecordingRepository } from './recording.repository';
import { SegmentRepository, type NewSegment } from './segment.repository';

const T = Date.parse('2026-11-20T08:00:00Z');

function seg(cameraId: string, startMs: number, endMs: number): NewSegment {
  return {
    cameraId, node: 'site-1', storage: 'local', path: `${cameraId}/${startMs}.ts`, startMs, endMs, bytes: 1000, codec: 'h264', width: 320, height: 180,
    keyframes: [0, 1000], sha256: 'a'.repeat(64), status: 'ok', createdAt: T,
  };
}

for (const engine of ENGINES) {
  describe(`recording index on ${engine}`, () => {
    let t: TestStore;
    before(async () => {
      t = await openTestStore(engine);
      await new OrganisationRepository(t.store.db).upsert({ id: 'police', name: 'Police', kind: 'police', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null }, createdAt: T, updatedAt: T });
      const row: CameraRow = {
        id: 'cam-1', name: 'cam-1', lat: 22.3, lon: 114.1, district: 'Sha Tin', address: '', owner: 'police', source_url: 'rtsp://10.0.0.1/main', sub_url: null, transport: 'tcp',
        bearing_deg: null, fov_deg: null, tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'unknown', status_changed_at: null, search_text: 'cam-1', created_at: T, updated_at: T,
      };
      await new CameraRepository(t.store.db).insertMany([row]);
    });
    after(() => t.cleanup());

    test('journal ops apply in order, idempotently; gaps open, take precise reasons, split after planned stops and close', async () => {
      const idx = new StoreRecordingIndex(t.store);
      const rec = new RecordingRepository(t.store.db);
      await idx.apply([{ op: 'gap_open', cameraId: 'cam-1', startMs: null, orMs: T, reason: 'stopped' }]); // never recorded: from orMs
      await idx.apply([{ op: 'gap_open', cameraId: 'cam-1', startMs: T + 100, reason: 'auth_failed' }]); // a failure ends the planned stop
      const ops = [{ op: 'gap_close' as const, cameraId: 'cam-1', endMs: T + 1000 }, { op: 'segment' as const, seg: seg('cam-1', T + 1000, T + 3000) }, { op: 'segment' as const, seg: seg('cam-1', T + 3000, T + 5000) }];
      await idx.apply(ops);
      await idx.apply(ops); // a replayed spool changes nothing
      await idx.apply([{ op: 'gap_open', cameraId: 'cam-1', startMs: T + 5000, reason: 'exited' }]);
      await idx.apply([{ op: 'gap_open', cameraId: 'cam-1', startMs: T + 6000, reason: 'unreachable' }]); // same outage, precise reason
      await idx.apply([{ op: 'gap_open', cameraId: 'cam-1', startMs: T + 7000, reason: 'stopped' }]); // a planned stop does not hide a failure
      await idx.apply([{ op: 'gap_close', cameraId: 'cam-1', endMs: T + 9000 }]);
      await idx.apply([{ op: 'gap_open', cameraId: 'cam-1', startMs: null, reason: 'stopped' }]); // at the latest segment's end
      const gaps = (await rec.gapsInRange('cam-1', T - 1, T + 100_000)).sort((a, b) => a.startMs - b.startMs || a.id - b.id);
      assert.deepEqual(gaps.map((g) => [g.startMs - T, g.endMs === null ? null : g.endMs - T, g.reason]), [
        [0, 100, 'stopped'],
        [100, 1000, 'auth_failed'],
        [5000, 9000, 'unreachable'],
        [5000, null, 'stopped'],
      ]);
      assert.equal((await new SegmentRepository(t.store.db).inRange('cam-1', T, T + 10_000)).length, 2);
      assert.deepEqual(await new SegmentRepository(t.store.db).spans('cam-1', T + 2000, T + 4000), [{ startMs: T + 1000, endMs: T + 3000 }, { startMs: T + 3000, endMs: T + 5000 }]);
    });

    test('health upserts touch only the given columns; a status change updates the camera and adds one event', async () => {
      const idx = new StoreRecordingIndex(t.store);
      const rec = new RecordingRepository(t.store.db);
      await idx.health('cam-1', { state: 'starting', reconnects: 0 }, T);
      await rec.upsertHealth('cam-1', { probe: '{"codec":"h264"}' }, T + 1);
      await idx.status({ cameraId: 'cam-1', status: 'online', at: T + 2, health: { state: 'online', lastSegmentAt: T + 2, lastError: null } });
      await idx.status({ cameraId: 'cam-1', status: 'online', at: T + 3, health: { state: 'online', lastSegmentAt: T + 3 } }); // no change: no event
      await idx.status({ cameraId: 'cam-1', status: 'offline', reason: 'auth_failed', at: T + 4, health: { state: 'offline', reconnects: 2, lastError: 'auth_failed: …' } });
      assert.deepEqual(await rec.health('cam-1'), { state: 'offline', reconnects: 2, lastSegmentAt: T + 3, lastError: 'auth_failed: …', probe: '{"codec":"h264"}' });
      const cam = await new CameraRepository(t.store.db).get('cam-1');
      assert.equal(cam?.status, 'offline');
      assert.equal(cam?.statusChangedAt, T + 4);
      const events = await t.store.db.selectFrom('outbox').select(['name', 'data']).where('name', '=', 'camera.status_changed').orderBy('seq').execute();
      assert.deepEqual(events.map((e) => JSON.parse(e.data) as unknown), [
        { cameraId: 'cam-1', owner: 'police', district: 'Sha Tin', status: 'online', previous: 'unknown', at: T + 2 },
        { cameraId: 'cam-1', owner: 'police', district: 'Sha Tin', status: 'offline', previous: 'online', at: T + 4, reason: 'auth_failed' },
      ]);
      await idx.status({ cameraId: 'gone', status: 'online', at: T, health: { state: 'online' } }); // a deleted camera: health only, no event
      assert.equal((await t.store.db.selectFrom('outbox').select('seq').where('name', '=', 'camera.status_changed').execute()).length, 2);
    });
  });
}
