import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../core/errors';
import type { Box, Detection, RgbImage } from '../detect/types';
import { ByteTracker } from './bytetrack';
import type { TrackEvent } from './types';

const det = (box: Box, score = 0.9, label = 'person'): Detection => ({ label, classId: label === 'person' ? 0 : 2, score, box });
const types = (evs: TrackEvent[]) => evs.map((e) => `${e.type}:${e.track.id}`);

/** A person walking right at 60 px/s, sampled at `fps`. */
const walker = (tMs: number, x0 = 100, vx = 60, y = 200): Box => [x0 + (vx * tMs) / 1000, y, 40, 100];

test('events: appeared when confirmed (with the tentative detections), updated while matched, lost at the end', () => {
  const t = new ByteTracker();
  const a = t.update({ tMs: 0, detections: [det(walker(0))] });
  assert.deepEqual(a.tracks, []);
  assert.deepEqual(a.events, [], 'a single detection is only tentative');
  const b = t.update({ tMs: 500, detections: [det(walker(500))] });
  assert.deepEqual(types(b.events), ['appeared:1']);
  assert.equal(b.tracks.length, 1);
  assert.equal(b.tracks[0]!.state, 'confirmed');
  assert.equal(b.tracks[0]!.firstMs, 0);
  assert.deepEqual(b.events[0]!.track.tentative!.map((x) => x.tMs), [0, 500]);
  const c = t.update({ tMs: 1000, detections: [det(walker(1000))] });
  assert.deepEqual(types(c.events), ['updated:1']);
  assert.equal(c.tracks[0]!.hits, 3);
  assert.equal(c.tracks[0]!.tentative, undefined);
  assert.deepEqual(c.tracks[0]!.trail.map((p) => p.tMs), [0, 500, 1000]);
  const end = t.flush(1200);
  assert.deepEqual(types(end), ['lost:1']);
  assert.equal(end[0]!.track.state, 'removed');
  assert.deepEqual(t.update({ tMs: 1300, detections: [] }).tracks, []);
});

test('ids stay stable through a short miss, and the track ends only after lostAfterMs', () => {
  const t = new ByteTracker({ lostAfterMs: 1000 });
  for (let ms = 0; ms <= 1000; ms += 200) t.update({ tMs: ms, detections: [det(walker(ms))] });
  // Two frames missed (occlusion): the Kalman prediction carries the box on.
  for (const ms of [1200, 1400]) {
    const r = t.update({ tMs: ms, detections: [] });
    assert.deepEqual(r.tracks, []);
    assert.deepEqual(r.events, []);
  }
  const back = t.update({ tMs: 1600, detections: [det(walker(1600))] });
  assert.deepEqual(types(back.events), ['updated:1'], 'the same id, no new track');
  // Now gone for good: no event until more than lostAfterMs has passed since the last match.
  assert.deepEqual(t.update({ tMs: 2400, detections: [] }).events, []);
  assert.deepEqual(t.update({ tMs: 2600, detections: [] }).events, []);
  const gone = t.update({ tMs: 2700, detections: [] });
  assert.deepEqual(types(gone.events), ['lost:1']);
  assert.equal(gone.events[0]!.track.lastMs, 1600);
  assert.deepEqual(t.flush(3000), []);
});

test('low-score detections rescue a tracked object but never start a track', () => {
  const t = new ByteTracker();
  t.update({ tMs: 0, detections: [det(walker(0))] });
  t.update({ tMs: 100, detections: [det(walker(100))] });
  // Partly occluded: the detector is unsure (0.3) — stage 2 keeps the track; a lone 0.3 elsewhere starts nothing.
  for (let ms = 200; ms <= 600; ms += 100) {
    const r = t.update({ tMs: ms, detections: [det(walker(ms), 0.3), det([600, 50, 40, 100], 0.3)] });
    assert.deepEqual(r.tracks.map((x) => x.id), [1], `at ${ms} ms`);
    assert.deepEqual(types(r.events), ['updated:1']);
  }
  // Below the low threshold the track is not matched.
  const r = t.update({ tMs: 700, detections: [det(walker(700), 0.05)] });
  assert.deepEqual(r.tracks, []);
  // And without stage 2 the same low detections lose the track.
  const strict = new ByteTracker({ lowThreshold: 0.5 });
  strict.update({ tMs: 0, detections: [det(walker(0))] });
  strict.update({ tMs: 100, detections: [det(walker(100))] });
  assert.deepEqual(strict.update({ tMs: 200, detections: [det(walker(200), 0.3)] }).tracks, []);
});

test('class aware: a person track never continues as a car', () => {
  const t = new ByteTracker();
  t.update({ tMs: 0, detections: [det([100, 100, 60, 60], 0.9, 'person')] });
  t.update({ tMs: 100, detections: [det([100, 100, 60, 60], 0.9, 'person')] });
  const r1 = t.update({ tMs: 200, detections: [det([100, 100, 60, 60], 0.95, 'car')] });
  assert.deepEqual(r1.tracks, [], 'the person is unmatched, the car only tentative');
  const r2 = t.update({ tMs: 300, detections: [det([100, 100, 60, 60], 0.95, 'car')] });
  assert.deepEqual(types(r2.events), ['appeared:2']);
  assert.equal(r2.tracks[0]!.label, 'car');
  // Low-score stage is class aware too.
  const r3 = t.update({ tMs: 400, detections: [det([100, 100, 60, 60], 0.3, 'person')] });
  assert.ok(!r3.tracks.some((x) => x.label === 'person'), 'a lost person is not rescued by stage 2');
});

test('crossing objects keep their ids, at video rate and at 2 fps', () => {
  for (const fps of [25, 2]) {
    const t = new ByteTracker();
    const step = 1000 / fps;
    const ids = new Map<number, Set<number>>(); // track id → the walkers (by direction) it was seen on
    for (let ms = 0; ms <= 6000; ms += step) {
      const right = walker(ms, 100, 60, 200);
      const left = walker(ms, 460, -60, 215);
      const { tracks } = t.update({ tMs: Math.round(ms), detections: [det(right, 0.9), det(left, 0.85)] });
      if (Math.abs(right[0] - left[0]) < 60) continue; // while they overlap, which is which is ambiguous
      for (const tr of tracks) {
        const cx = tr.box[0] + tr.box[2] / 2;
        const who = Math.abs(cx - (right[0] + 20)) < Math.abs(cx - (left[0] + 20)) ? 0 : 1;
        if (!ids.has(tr.id)) ids.set(tr.id, new Set());
        ids.get(tr.id)!.add(who);
      }
    }
    assert.deepEqual([...ids.keys()].sort(), [1, 2], `${fps} fps: exactly two ids`);
    for (const [id, who] of ids) assert.equal(who.size, 1, `${fps} fps: track ${id} switched objects`);
  }
});

test('at 1 fps an object moving its own width per frame still keeps one track (buffered IoU)', () => {
  const run = (opts: ConstructorParameters<typeof ByteTracker>[0]) => {
    const t = new ByteTracker(opts);
    const ids = new Set<number>();
    let frames = 0;
    for (let ms = 0; ms <= 10_000; ms += 1000) {
      const { tracks } = t.update({ tMs: ms, detections: [det(walker(ms, 100, 45))] });
      for (const tr of tracks) ids.add(tr.id);
      frames += tracks.length;
    }
    return { ids: [...ids], frames };
  };
  assert.deepEqual(run({}), { ids: [1], frames: 10 }, 'confirmed on the 2nd frame, then every frame');
  assert.deepEqual(run({ bufferPerS: 0 }), { ids: [], frames: 0 }, 'plain IoU: consecutive boxes never overlap');
});

test('time must not go backwards', () => {
  const t = new ByteTracker();
  t.update({ tMs: 1000, detections: [] });
  assert.throws(() => t.update({ tMs: 999, detections: [] }), ValidationError);
  assert.throws(() => new ByteTracker({ lowThreshold: 0.6, highThreshold: 0.5 }), ValidationError);
});

/** A frame whose pixel (x, y) is (x mod 256, y mod 256, 7). */
function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = x % 256;
      data[i + 1] = y % 256;
      data[i + 2] = 7;
    }
  }
  return { width, height, data };
}

test('best snapshot: the highest score × size, not cut at the border, with a copy of just the box pixels', () => {
  const img = gradient(640, 480);
  const t = new ByteTracker({ maxCropSide: 64 });
  t.update({ tMs: 0, detections: [det([10, 100, 40, 60], 0.6)], image: img });
  let r = t.update({ tMs: 100, detections: [det([10, 100, 40, 60], 0.9)], image: img });
  let best = r.tracks[0]!.best!;
  assert.equal(best.tMs, 100);
  assert.deepEqual(best.box, [10, 100, 40, 60]);
  const crop = best.crop!;
  assert.deepEqual([crop.width, crop.height], [40, 60]);
  assert.equal(crop.data.length, 40 * 60 * 3);
  assert.deepEqual([...crop.data.subarray(0, 3)], [10, 100, 7], 'top-left pixel of the box');
  const last = (59 * 40 + 39) * 3;
  assert.deepEqual([...crop.data.subarray(last, last + 3)], [49, 159, 7], 'bottom-right pixel of the box');
  assert.notEqual(crop.data.buffer, img.data.buffer, 'a copy, not a view of the frame');
  // A lower score: not better. A larger box cut by the left border: halved, so not better either.
  r = t.update({ tMs: 200, detections: [det([10, 100, 40, 60], 0.5)], image: img });
  assert.equal(r.tracks[0]!.best!.tMs, 100);
  r = t.update({ tMs: 300, detections: [det([0, 95, 56, 70], 0.9)], image: img });
  assert.equal(r.tracks[0]!.id, 1);
  assert.equal(r.tracks[0]!.best!.tMs, 100, 'cut at the left edge');
  // Larger and whole: better; the crop is subsampled so its longer side is maxCropSide.
  r = t.update({ tMs: 400, detections: [det([6, 80, 64, 120], 0.9)], image: img });
  assert.equal(r.tracks[0]!.id, 1);
  best = r.tracks[0]!.best!;
  assert.equal(best.tMs, 400);
  assert.deepEqual([best.crop!.width, best.crop!.height], [34, 64]);
  assert.deepEqual([...best.crop!.data.subarray(0, 3)], [6, 80, 7]);
  // Without an image there is a best box but no crop.
  const t2 = new ByteTracker();
  t2.update({ tMs: 0, detections: [det([100, 100, 40, 60])] });
  const r2 = t2.update({ tMs: 100, detections: [det([100, 100, 40, 60])] });
  assert.equal(r2.tracks[0]!.best!.crop, undefined);
});

test('tracks handed out are snapshots: later frames do not change them', () => {
  const t = new ByteTracker();
  t.update({ tMs: 0, detections: [det(walker(0))] });
  const r = t.update({ tMs: 100, detections: [det(walker(100))] });
  const before = JSON.stringify(r.tracks[0]);
  t.update({ tMs: 200, detections: [det(walker(200))] });
  assert.equal(JSON.stringify(r.tracks[0]), before);
});
