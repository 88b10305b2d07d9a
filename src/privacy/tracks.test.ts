import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlurPlan, BoxTracker, pixelateYuv420, summarise } from './tracks';

test('the tracker joins moving detections into one track and starts new ones for new objects', () => {
  const tr = new BoxTracker(9);
  for (let f = 0; f <= 30; f += 3) {
    const dets = [{ box: [100 + f * 2, 50, 40, 40] as [number, number, number, number], score: 0.9 }];
    if (f >= 15) dets.push({ box: [400, 300, 30, 30], score: 0.8 });
    tr.update(f, 'face', dets);
  }
  tr.update(30, 'plate', [{ box: [400, 300, 60, 20], score: 0.7 }]);
  assert.deepEqual(tr.tracks.map((t) => [t.id, t.kind, t.obs.length]), [[1, 'face', 11], [2, 'face', 6], [3, 'plate', 1]]);
  const s = summarise(tr.tracks, 25, 640, 360);
  assert.equal(s[0]!.firstS, 0);
  assert.equal(s[0]!.lastS, 1.2);
});

test('blur boxes are held before the first and after the last detection, interpolated between, padded, and kept tracks skipped', () => {
  const tr = new BoxTracker(9);
  tr.update(10, 'face', [{ box: [100, 100, 20, 20], score: 0.9 }]);
  tr.update(13, 'face', [{ box: [127, 100, 20, 20], score: 0.9 }]);
  assert.equal(tr.tracks.length, 1);
  const plan = new BlurPlan(tr.tracks, { step: 3, hold: 4, padding: 0.25, frameCount: 100, width: 640, height: 360 });
  // step - 1 + hold = 6 frames before and after
  assert.equal(plan.boxes(3, new Set()).length, 0);
  assert.deepEqual(plan.boxes(4, new Set()), [[95, 95, 30, 30]]);
  assert.equal(plan.boxes(11, new Set())[0]![0], 104, 'interpolated a third of the way');
  assert.deepEqual(plan.boxes(19, new Set()), [[122, 95, 30, 30]]);
  assert.equal(plan.boxes(20, new Set()).length, 0);
  assert.equal(plan.boxes(11, new Set([1])).length, 0, 'a kept track is not blurred');
});

test('pixelation replaces a box by 2×2 block means in all three planes and touches nothing else', () => {
  const W = 64;
  const H = 32;
  const f = new Uint8Array((W * H * 3) / 2);
  for (let i = 0; i < f.length; i++) f[i] = (i * 37) % 251;
  const before = Uint8Array.from(f);
  pixelateYuv420(f, W, H, [8, 8, 16, 16]);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const inBox = x >= 8 && x < 24 && y >= 8 && y < 24;
    if (!inBox) assert.equal(f[y * W + x], before[y * W + x], `(${x}, ${y}) outside changed`);
  }
  const block = new Set<number>();
  for (let y = 8; y < 16; y++) for (let x = 8; x < 16; x++) block.add(f[y * W + x]!);
  assert.equal(block.size, 1, 'one block, one value');
});
