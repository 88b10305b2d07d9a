import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openTestStore } from '../../test/support/engines';
import { CameraRepository, searchText } from '../cameras/camera.repository';
import { silentLogger } from '../core/logger';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { descriptorEmbedder } from '../reid/descriptor';
import { RulesRepository } from '../rules/rules.repository';
import { analyticsSettingsSchema } from '../rules/model';
import type { CalibrationPair } from '../rules/calibration';
import { heightClassOf, HeightEstimator } from './height';
import { TrackIndexer } from './indexer';
import { BLUE, personCrop, RED, track } from './search.fixtures';

/**
 * A synthetic pinhole camera 6 m up, looking north and 30° down, 1280×720 pixels, focal length 1000 px;
 * the world is metres east (X), north (Y), up (Z). The calibration is made the way an installer does it:
 * ground spots with their [lat, lon] and where they appear in the picture.
 */
const W = 1280;
const H = 720;
const F = 1000;
const C = [0, -10, 6] as const;
const tilt = (30 * Math.PI) / 180;
const xc = [1, 0, 0];
const zc = [0, Math.cos(tilt), -Math.sin(tilt)];
const yc = [0, -Math.sin(tilt), -Math.cos(tilt)];
const project = (p: readonly [number, number, number]): [number, number] => {
  const d = [p[0] - C[0], p[1] - C[1], p[2] - C[2]];
  const dot = (a: number[]) => a[0]! * d[0]! + a[1]! * d[1]! + a[2]! * d[2]!;
  return [F * (dot(xc) / dot(zc)) + W / 2, F * (dot(yc) / dot(zc)) + H / 2];
};
const LAT0 = 22.3;
const LON0 = 114.17;
const R = 6_371_008.8;
const latLon = (x: number, y: number): [number, number] => [LAT0 + (y / R) * (180 / Math.PI), LON0 + (x / (R * Math.cos((LAT0 * Math.PI) / 180))) * (180 / Math.PI)];
const pairs: CalibrationPair[] = [];
for (const x of [-4, 0, 4]) for (const y of [0, 6, 12]) {
  const [u, v] = project([x, y, 0]);
  pairs.push({ image: [u / W, v / H], ground: latLon(x, y) });
}
/** The box [x, y, w, h] (pixels) of a person `m` metres tall standing at (x, y). */
const boxOf = (x: number, y: number, m: number): [number, number, number, number] => {
  const [u, vf] = project([x, y, 0]);
  const [, vh] = project([x, y, m]);
  return [u - 0.15 * (vf - vh), vh, 0.3 * (vf - vh), vf - vh];
};

test('height from one box with a ground calibration: within a few cm across the view; bands documented', () => {
  const est = HeightEstimator.fromCalibration(pairs);
  assert.ok(est, 'the calibration pins the camera down');
  for (const [x, y] of [[0, 3], [2.5, 8], [-3, 12], [1, 11]] as const) {
    for (const m of [1.45, 1.7, 1.9]) {
      const got = est.heightOfBox(boxOf(x, y, m), { width: W, height: H });
      assert.ok(got !== null && Math.abs(got - m) < 0.03, `person ${m} m at (${x}, ${y}): estimated ${got}`);
    }
  }
  assert.deepEqual([1.45, 1.7, 1.9, 0.6, 2.9, null].map(heightClassOf), ['short', 'medium', 'tall', null, null, null]);
  assert.equal(est.heightOfBox([600, 0, 40, 200], { width: W, height: H }), null, 'a box cut by the top of the frame');
  assert.equal(est.heightOfBox(boxOf(1, 20, 1.8), { width: W, height: H }), null, 'far away: the head is above the frame');
});

test('the indexer fills the height class with a calibration and the frame size, and leaves it null without', async () => {
  const ts = await openTestStore('sqlite');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-height-'));
  try {
    const at = Date.UTC(2026, 10, 20);
    await ts.store.db.insertInto('organisations').values({ id: 'police', name: 'police', kind: 'department', live_allowed: 1, playback_allowed: 1, retention_days_cap: null, created_at: at, updated_at: at }).execute();
    await new CameraRepository(ts.store.db).insertMany(['cal', 'plain'].map((id) => ({
      id, name: id, lat: LAT0, lon: LON0, district: 'Wan Chai', address: '', owner: 'police', source_url: 'rtsp://10.0.0.1/s', sub_url: null, transport: 'tcp',
      bearing_deg: null, fov_deg: null, tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'unknown', status_changed_at: null,
      search_text: searchText({ id, name: id, address: '', district: 'Wan Chai', tags: [] }), created_at: at, updated_at: at,
    })));
    await new RulesRepository(ts.store.db).putSettings('cal', analyticsSettingsSchema.parse({ calibration: { points: pairs } }), at);
    const idx = new TrackIndexer({ store: ts.store, tools: DEFAULT_TOOLS, log: silentLogger(), embedder: async () => descriptorEmbedder, cropRoot: dir, minHits: 3 });
    const person = (id: number, m: number) => ({ ...track(id, 'person', at + id * 1000, at + id * 1000 + 500), box: boxOf(1, 6, m) });
    for (const cam of ['cal', 'plain']) idx.observeFrame(cam, [], [], undefined, { width: W, height: H });
    idx.onTrackLost('cal', person(1, 1.92), personCrop(RED, BLUE, 1));
    idx.onTrackLost('cal', person(2, 1.5), personCrop(RED, BLUE, 2));
    idx.onTrackLost('plain', person(3, 1.92), personCrop(RED, BLUE, 3));
    await idx.idle();
    const rows = await ts.store.db.selectFrom('search_tracks').select(['camera_id', 'track_no', 'height_class']).orderBy('track_no').execute();
    assert.deepEqual(rows.map((r) => [r.camera_id, r.height_class]), [['cal', 'tall'], ['cal', 'short'], ['plain', null]]);
  } finally {
    await ts.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
