import assert from 'node:assert/strict';
import test from 'node:test';
import type { Box, Detection } from '../types';
import { clampBox, cropRgb, iou, nms, offsetDetections, regionWindow } from './geometry';

const det = (classId: number, score: number, box: Box): Detection => ({ label: String(classId), classId, score, box });
const contains = (outer: Box, inner: Box): boolean =>
  outer[0] <= inner[0] && outer[1] <= inner[1] && outer[0] + outer[2] >= inner[0] + inner[2] && outer[1] + outer[3] >= inner[1] + inner[3];

test('iou of identical, disjoint and half-overlapping boxes', () => {
  assert.equal(iou([0, 0, 10, 10], [0, 0, 10, 10]), 1);
  assert.equal(iou([0, 0, 10, 10], [20, 20, 5, 5]), 0);
  assert.equal(iou([0, 0, 10, 10], [5, 0, 10, 10]), 50 / 150);
});

test('nms keeps the best of overlapping boxes per class, and boxes of other classes', () => {
  const kept = nms([det(0, 0.5, [0, 0, 10, 10]), det(0, 0.9, [1, 1, 10, 10]), det(2, 0.4, [0, 0, 10, 10]), det(0, 0.3, [50, 50, 10, 10])], 0.45);
  assert.deepEqual(kept.map((d) => [d.classId, d.score]), [[0, 0.9], [2, 0.4], [0, 0.3]]);
});

test('regionWindow: a square of at least the model size that contains the region and stays in the image', () => {
  const W = 1920;
  const H = 1080;
  for (const r of [[100, 100, 20, 40], [1900, 1000, 50, 50], [0, 0, 1920, 1080], [800, 0, 1000, 300], [-50, 500, 100, 100]] as Box[]) {
    const w = regionWindow(r, W, H, 416)!;
    assert.ok(w[0] >= 0 && w[1] >= 0 && w[0] + w[2] <= W && w[1] + w[3] <= H, `window ${w} inside the image`);
    assert.ok(contains(w, clampBox(r, W, H)!), `window ${w} contains region ${r}`);
    assert.ok(w[2] >= 416 && w[3] >= 416, `window ${w} at least 416`);
  }
  assert.deepEqual(regionWindow([1000, 500, 20, 40], W, H, 416), [802, 312, 416, 416]); // centred on (1010, 520)
  assert.deepEqual(regionWindow([100, 100, 20, 40], W, H, 416), [0, 0, 416, 416]); // pushed inside
  assert.equal(regionWindow([3000, 3000, 10, 10], W, H, 416), null);
  // An image smaller than the model: the window is the whole image.
  assert.deepEqual(regionWindow([10, 10, 5, 5], 320, 240, 416), [0, 0, 320, 240]);
});

test('cropRgb copies exactly the pixels of the rectangle; offsetDetections moves boxes back', () => {
  const img = { width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i) };
  const c = cropRgb(img, [1, 1, 2, 2]);
  assert.deepEqual([c.width, c.height], [2, 2]);
  assert.deepEqual(Array.from(c.data), [15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
  assert.equal(cropRgb(img, [0, 0, 4, 3]), img);
  assert.deepEqual(offsetDetections([det(0, 1, [1, 2, 3, 4])], 10, 20)[0]!.box, [11, 22, 3, 4]);
});
