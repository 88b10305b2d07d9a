import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { CameraRepository } from '../cameras/camera.repository';
import { OrganisationRepository } from '../organisations/organisation.repository';
import { CrowdRepository, type SeriesRow } from './crowd.repository';
import { crowdSettingsInputSchema } from './model';

const NOW = Date.UTC(2026, 10, 20, 8, 0, 0);

async function camera(ts: TestStore, id: string): Promise<void> {
  await new OrganisationRepository(ts.store.db).upsert({ id: 'police', name: 'police', kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null }, createdAt: NOW, updatedAt: NOW });
  await new CameraRepository(ts.store.db).insertMany([{
    id, name: id, lat: 22.3, lon: 114.2, district: 'Central', address: '', owner: 'police', source_url: `rtsp://10.0.0.1/${id}`, sub_url: null, transport: 'tcp', bearing_deg: null, fov_deg: null,
    tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'active', status_changed_at: null, search_text: id, created_at: NOW, updated_at: NOW,
  }]);
}

const row = (cameraId: string, at: number, o: Partial<SeriesRow> = {}): SeriesRow => ({
  cameraId, at, samples: 10, countMax: 20, countAvg: 15, correctedMax: null, densityMax: 1.5, level: 'normal', crossedIn: 2, crossedOut: 1,
  zones: { z1: { name: 'Gate', countMax: 12, densityMax: 1.5 } }, jobId: null, ...o,
});

for (const engine of ENGINES) {
  describe(`crowd store on ${engine}`, () => {
    let ts: TestStore;
    before(async () => {
      ts = await openTestStore(engine);
      await camera(ts, 'cam-1');
      await camera(ts, 'cam-2');
    });
    after(() => ts.cleanup());
    const repo = () => new CrowdRepository(ts.store.db);

    test('settings round-trip; enabled cameras; the count calibration survives a settings change', async () => {
      const s = crowdSettingsInputSchema.parse({ enabled: true, kind: 'detector', zones: [{ id: 'z1', name: 'Gate', polygon: [[0, 0], [1, 0], [1, 1]] }] });
      await repo().putSettings('cam-1', s, NOW);
      await repo().putCountCalibration('cam-1', { a: 1.1, b: 2, samples: 3, expectedMae: 1, expectedErrorPct: 5 }, NOW + 1);
      await repo().putSettings('cam-1', { ...s, fps: 2 }, NOW + 2);
      const got = (await repo().settings('cam-1'))!;
      assert.equal(got.settings.fps, 2);
      assert.equal(got.settings.zones[0]!.name, 'Gate');
      assert.deepEqual(got.countCalibration, { a: 1.1, b: 2, samples: 3, expectedMae: 1, expectedErrorPct: 5 });
      assert.equal(got.updatedAt, NOW + 2);
      await repo().putSettings('cam-2', { ...s, enabled: false }, NOW);
      assert.deepEqual(await repo().enabledCameras(), ['cam-1']);
      assert.equal(await repo().settings('nope'), undefined);
    });

    test('samples: insert, list newest first, mark heads, retention', async () => {
      for (let i = 0; i < 3; i++) {
        await repo().insertSample({ id: `s${i}`, cameraId: 'cam-1', at: NOW + i, imagePath: `samples/cam-1/s${i}.jpg`, rawCount: 10 + i, points: [[0.1, 0.2]], heads: null, createdBy: 'u1', createdAt: NOW + i * 1000 });
      }
      await repo().setHeads('s1', [[0.5, 0.5], [0.6, 0.6]]);
      const list = await repo().samples('cam-1');
      assert.deepEqual(list.map((s) => s.id), ['s2', 's1', 's0']);
      assert.deepEqual(list[1]!.heads, [[0.5, 0.5], [0.6, 0.6]]);
      assert.equal(list[0]!.rawCount, 12);
      assert.deepEqual((await repo().deleteSamplesBefore(NOW + 1500)).sort(), ['samples/cam-1/s0.jpg', 'samples/cam-1/s1.jpg']);
      assert.deepEqual((await repo().samples('cam-1')).map((s) => s.id), ['s2']);
    });

    test('series: rows, buckets (max of max, weighted mean, summed crossings), latest, retention', async () => {
      await repo().insertSeries([
        row('cam-1', NOW, { countMax: 10, countAvg: 8, samples: 10, densityMax: 1 }),
        row('cam-1', NOW + 10_000, { countMax: 30, countAvg: 20, samples: 10, densityMax: 2.5 }),
        row('cam-1', NOW + 60_000, { countMax: 5, countAvg: 4, samples: 5, densityMax: null, crossedIn: 0, crossedOut: 0 }),
        row('cam-2', NOW, { countMax: 99 }),
        row('cam-1', NOW + 20_000, { countMax: 50, jobId: 'job-1' }),
      ]);
      const b = await repo().buckets('cam-1', NOW, NOW + 120_000, 60_000);
      assert.equal(b.length, 2);
      assert.deepEqual([b[0]!.at, b[0]!.countMax, b[0]!.densityMax, b[0]!.crossedIn, b[0]!.crossedOut], [NOW, 50, 2.5, 6, 3]);
      assert.ok(Math.abs(b[0]!.countAvg - (8 * 10 + 20 * 10 + 15 * 10) / 30) < 1e-9);
      assert.deepEqual([b[1]!.at, b[1]!.countMax, b[1]!.densityMax], [NOW + 60_000, 5, null]);
      const rows = await repo().series(['cam-1'], NOW, NOW + 120_000, false);
      assert.deepEqual(rows.map((r) => r.at), [NOW, NOW + 10_000, NOW + 60_000], 'live rows only');
      assert.deepEqual(rows[0]!.zones, { z1: { name: 'Gate', countMax: 12, densityMax: 1.5 } });
      const latest = await repo().latest(['cam-1', 'cam-2', 'cam-x']);
      assert.deepEqual([latest.get('cam-1')!.at, latest.get('cam-2')!.countMax, latest.has('cam-x')], [NOW + 60_000, 99, false]);
      assert.equal(await repo().deleteSeriesBefore(NOW + 10_000), 2);
      await repo().deleteJobSeries('job-1');
      assert.deepEqual((await repo().series(['cam-1', 'cam-2'], 0, NOW * 2)).map((r) => r.at), [NOW + 10_000, NOW + 60_000]);
    });

    test('events round-trip and update', async () => {
      const e = { id: 'e1', name: 'New Year', cameraIds: ['cam-1', 'cam-2'], startsAt: NOW, endsAt: NOW + 3_600_000, createdBy: 'u1', createdAt: NOW, updatedAt: NOW };
      await repo().insertEvent(e);
      await repo().insertEvent({ ...e, id: 'e0', name: 'Earlier', startsAt: NOW - 86_400_000 });
      await repo().updateEvent({ ...e, name: 'New Year countdown', updatedAt: NOW + 5 });
      assert.deepEqual(await repo().event('e1'), { ...e, name: 'New Year countdown', updatedAt: NOW + 5 });
      assert.deepEqual((await repo().events()).map((x) => x.id), ['e1', 'e0']);
    });
  });
}
