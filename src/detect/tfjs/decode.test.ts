import assert from 'node:assert/strict';
import test from 'node:test';
import { decodeCenternet } from './centernet';
import type { RawOutput } from './decode';
import { decodeNanodet } from './nanodet';
import { prepareInput } from './preprocess';

const opts = { threshold: 0.3, classMask: null, maxCandidates: 100 };

/** NanoDet outputs for a 64-pixel input: one level, stride 16 (4×4 anchors), 3 classes, 5 bins per side. */
function nanodetOutputs(): RawOutput[] {
  const n = 16;
  const cls = new Float32Array(n * 3);
  const reg = new Float32Array(n * 20).fill(-20);
  // Anchor 6 = (x 2, y 1); class 2 scored 0.8; distances: left bin 1, top bin 0, right bins 2 and 3 equally, bottom bin 4.
  cls[6 * 3 + 2] = 0.8;
  cls[6 * 3 + 0] = 0.1;
  const put = (side: number, bin: number, v = 20): void => void (reg[6 * 20 + side * 5 + bin] = v);
  put(0, 1);
  put(1, 0);
  put(2, 2);
  put(2, 3);
  put(3, 4);
  return [
    { shape: [1, n, 3], data: cls },
    { shape: [1, n, 20], data: reg },
  ];
}

test('NanoDet: distances are the expectation of each side distribution × stride, from the anchor point', () => {
  const c = decodeNanodet(nanodetOutputs(), 64, 3, opts, 0.5);
  assert.equal(c.length, 1);
  const [d] = c;
  assert.equal(d!.classId, 2);
  assert.ok(Math.abs(d!.score - 0.8) < 1e-6);
  // Anchor centre (2.5, 1.5) × 16 = (40, 24); left 1×16, top 0, right 2.5×16, bottom 4×16.
  const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-3;
  assert.ok(close(d!.x1, 24) && close(d!.y1, 24) && close(d!.x2, 80) && close(d!.y2, 88), JSON.stringify(d));
});

test('NanoDet: threshold and class mask drop candidates', () => {
  assert.equal(decodeNanodet(nanodetOutputs(), 64, 3, { ...opts, threshold: 0.9 }, 0.5).length, 0);
  assert.equal(decodeNanodet(nanodetOutputs(), 64, 3, { ...opts, classMask: Uint8Array.of(1, 1, 0) }, 0.5).length, 0);
  assert.equal(decodeNanodet(nanodetOutputs(), 64, 3, { ...opts, threshold: 0.05 }, 0.5).length, 2);
});

test('CenterNet: rows are x1, y1, x2, y2, score, class; empty (NaN) and low rows are skipped', () => {
  const data = Float32Array.from([10, 20, 30, 60, 0.9, 2, 0, 0, 5, 5, 0.2, 0, 1, 1, 2, 2, 0.95, NaN]);
  const c = decodeCenternet([{ shape: [1, 3, 6], data }], 80, opts);
  assert.deepEqual(c.map((x) => [x.classId, x.x1, x.y1, x.x2, x.y2]), [[2, 10, 20, 30, 60]]);
});

test('prepareInput letterboxes at the top-left, normalises, and reports the scale', () => {
  const img = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3).fill(200) };
  const p = prepareInput(img, { size: 8, layout: 'nchw', order: 'bgr', mean: [100, 100, 100], std: [50, 50, 50], letterbox: true, pad: 0 });
  assert.deepEqual(p.shape, [1, 3, 8, 8]);
  assert.equal(p.sx, 2);
  assert.equal(p.sy, 2);
  assert.equal(p.data[0], 2); // (200 - 100) / 50 inside the picture (rows 0..3)
  assert.equal(p.data[4 * 8], -2); // row 4: padding (0 - 100) / 50
  const s = prepareInput(img, { size: 8, layout: 'nhwc', order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], letterbox: false, pad: 0 });
  assert.deepEqual([s.sx, s.sy], [2, 4]);
  assert.ok(s.data.every((v) => v === 200));
});
