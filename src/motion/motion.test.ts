import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box, RgbImage } from '../detect/types';
import { iou } from '../detect/tfjs/geometry';
import { prng } from '../../test/support/prng';
import { MotionGate } from './gate';
import { MotionDetector, components, toSmallGrey } from './motion';

const W = 416;
const H = 234;

/** A textured scene (gradient + fixed pattern) with fresh sensor noise each frame, an optional square and brightness shift. */
function scene(seed: number, o: { square?: Box; shift?: number; noise?: number } = {}): RgbImage {
  const rnd = prng(seed);
  const data = new Uint8Array(W * H * 3);
  const noise = o.noise ?? 6;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sq = o.square && x >= o.square[0] && x < o.square[0] + o.square[2] && y >= o.square[1] && y < o.square[1] + o.square[3];
      const base = sq ? 235 : 60 + ((x * 90) / W) + (((x >> 4) + (y >> 4)) % 2) * 25;
      const v = base + (o.shift ?? 0) + (rnd() - 0.5) * 2 * noise;
      const p = (y * W + x) * 3;
      data[p] = Math.max(0, Math.min(255, v));
      data[p + 1] = Math.max(0, Math.min(255, v * 0.9));
      data[p + 2] = Math.max(0, Math.min(255, v * 0.8));
    }
  }
  return { width: W, height: H, data };
}

function warmed(d: MotionDetector, frames = 5): void {
  for (let i = 0; i < frames; i++) d.detect(scene(100 + i));
}

test('toSmallGrey box-averages to 160 px wide, aspect kept', () => {
  const g = toSmallGrey(scene(1, { noise: 0 }), 160);
  assert.equal(g.width, 160);
  assert.equal(g.height, 90);
  const white = toSmallGrey({ width: 8, height: 4, data: new Uint8Array(8 * 4 * 3).fill(255) }, 4);
  assert.deepEqual([...white.data], [255, 255, 255, 255, 255, 255, 255, 255]);
});

test('connected components: two blobs, noise below the minimum left out', () => {
  const w = 10;
  const bits = new Uint8Array(w * 6);
  for (const [x, y] of [[1, 1], [2, 1], [1, 2], [2, 2], [7, 4], [8, 4], [8, 5], [5, 0]]) bits[y! * w + x!] = 1;
  assert.deepEqual(components(bits, w, 6, 2), [[1, 1, 2, 2], [7, 4, 2, 2]]);
});

test('a still, noisy scene gives no motion; a first frame only warms up', () => {
  const d = new MotionDetector();
  assert.equal(d.detect(scene(1)).warmingUp, true);
  for (let i = 2; i < 12; i++) {
    const r = d.detect(scene(i));
    assert.deepEqual(r.boxes, [], `frame ${i}: ${JSON.stringify(r.boxes)}`);
  }
});

test('a moving square is found with the right box, in frame pixels', () => {
  const d = new MotionDetector();
  warmed(d);
  const square: Box = [100, 80, 40, 40];
  const r = d.detect(scene(50, { square }));
  assert.equal(r.boxes.length, 1, JSON.stringify(r.boxes));
  assert.ok(iou(r.boxes[0]!, square) >= 0.6, `box ${JSON.stringify(r.boxes[0])} vs ${JSON.stringify(square)}`);
  const moved: Box = [250, 120, 40, 40];
  const r2 = d.detect(scene(51, { square: moved }));
  // The square is at its new place, and a fading ghost remains where the background still holds it.
  assert.ok(r2.boxes.some((b) => iou(b, moved) >= 0.6), JSON.stringify(r2.boxes));
});

test('a masked area is ignored; motion elsewhere is still found', () => {
  const d = new MotionDetector({ masks: [[[0.2, 0.25], [0.4, 0.25], [0.4, 0.6], [0.2, 0.6]]] });
  warmed(d);
  assert.deepEqual(d.detect(scene(60, { square: [100, 80, 40, 40] })).boxes, [], 'the square lies inside the mask');
  const r = d.detect(scene(61, { square: [300, 150, 40, 40] }));
  assert.equal(r.boxes.length, 1);
  assert.ok(iou(r.boxes[0]!, [300, 150, 40, 40]) >= 0.6);
  assert.throws(() => new MotionDetector({ masks: [[[0, 0], [2, 0], [1, 1]]] }), /0\.\.1/);
});

test('a global brightness change is not motion everywhere; a mover within it is still found', () => {
  const d = new MotionDetector();
  warmed(d);
  const brighter = d.detect(scene(70, { shift: 45 }));
  assert.deepEqual(brighter.boxes, [], `a +45 brightness step: ${JSON.stringify(brighter.boxes)}`);
  const d2 = new MotionDetector();
  warmed(d2);
  const r = d2.detect(scene(71, { shift: -35, square: [180, 60, 48, 48] }));
  assert.equal(r.boxes.length, 1, JSON.stringify(r.boxes));
  assert.ok(iou(r.boxes[0]!, [180, 60, 48, 48]) >= 0.5);
});

test('a change of most of the picture is taken as lighting: no boxes, the background restarts', () => {
  const d = new MotionDetector();
  warmed(d);
  const inverted = scene(80);
  for (let i = 0; i < inverted.data.length; i++) inverted.data[i] = 255 - inverted.data[i]!;
  const r = d.detect(inverted);
  assert.equal(r.lighting, true);
  assert.deepEqual(r.boxes, []);
  const inverted2 = scene(81);
  for (let i = 0; i < inverted2.data.length; i++) inverted2.data[i] = 255 - inverted2.data[i]!;
  assert.deepEqual(d.detect(inverted2).boxes, [], 'the new picture is the background now');
});

test('gate: idle without motion or tracks, regions on motion, full frame on large motion and as a safety net', () => {
  const g = new MotionGate({ fullFrameEveryMs: 10_000 });
  let t = 0;
  const first = g.gate(scene(1), [], t);
  assert.deepEqual({ run: first.run, regions: first.regions, reason: first.reason }, { run: true, regions: undefined, reason: 'safety-net' });
  for (let i = 2; i < 10; i++) {
    t += 500;
    const r = g.gate(scene(i), [], t);
    assert.equal(r.run, false, `still frame ${i}: ${r.reason}`);
  }
  t += 500;
  const moving = g.gate(scene(20, { square: [100, 80, 40, 40] }), [], t);
  assert.equal(moving.run, true);
  assert.equal(moving.reason, 'motion');
  assert.equal(moving.regions!.length, 1);
  const [x, y, w, h] = moving.regions![0]!;
  assert.ok(x <= 100 && y <= 80 && x + w >= 140 && y + h >= 120, `region ${JSON.stringify(moving.regions)} holds the square`);
  assert.ok(w * h < 0.2 * W * H, 'a small region, not the frame');

  t += 500;
  const big = g.gate(scene(21, { square: [40, 30, 260, 150] }), [], t);
  assert.equal(big.run, true);
  assert.equal(big.regions, undefined, 'most of the frame moves → full frame');
  assert.equal(big.reason, 'large-motion');

  const g2 = new MotionGate({ fullFrameEveryMs: 3000 });
  const reasons = Array.from({ length: 14 }, (_, i) => g2.gate(scene(30 + i), [], i * 500).reason);
  assert.deepEqual(reasons.map((r, i) => (r === 'safety-net' ? i : -1)).filter((i) => i >= 0), [0, 6, 12], 'a full frame every 3 s of frame time');
});

test('gate: active tracks keep the detector running around them; stationary ones are re-examined only when due', () => {
  const track: Box = [300, 100, 30, 60];
  const g = new MotionGate({ fullFrameEveryMs: 0 });
  g.gate(scene(1), [], 0);
  const r = g.gate(scene(2), [track], 500);
  assert.equal(r.run, true);
  assert.equal(r.reason, 'tracks');
  const [x, y, w, h] = r.regions![0]!;
  assert.ok(x < 300 && y < 100 && x + w > 330 && y + h > 160, `padded region around the track: ${JSON.stringify(r.regions)}`);

  const s = new MotionGate({ fullFrameEveryMs: 0, stationaryRecheckMs: 2000 });
  s.gate(scene(1), [], 0);
  const runs = Array.from({ length: 9 }, (_, i) => s.gate(scene(2 + i), [track], 500 * (i + 1)).run);
  assert.deepEqual(runs, [true, false, false, false, true, false, false, false, true], 'a still track: examined every 2 s');
  assert.equal(s.gate(scene(20), [[310, 100, 30, 60]], 5000).run, true, 'a track that moved is examined at once');
});
