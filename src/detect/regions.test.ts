import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planCrops } from './regions';

const img = { width: 1920, height: 1080 };
const input = { width: 416, height: 416 };

test('no regions → the full frame; an empty list → nothing to run', () => {
  assert.deepEqual(planCrops(img, undefined, { input }), [{ x: 0, y: 0, w: 1920, h: 1080 }]);
  assert.deepEqual(planCrops(img, [], { input }), []);
});

test('a small region becomes a square crop with margin, at least half the model input, inside the image', () => {
  const [c, ...rest] = planCrops(img, [[1000, 500, 40, 100]], { input });
  assert.equal(rest.length, 0);
  assert.ok(c);
  assert.ok(Math.abs(c.w - c.h) <= 1, `square: ${c.w}×${c.h}`);
  assert.ok(c.w >= 208);
  assert.ok(c.x <= 1000 - 16 && c.y <= 500 - 16 && c.x + c.w >= 1040 + 16 && c.y + c.h >= 600 + 16);
  // at an edge the crop slides inside rather than being cut
  const [e] = planCrops(img, [[1900, 1070, 20, 10]], { input });
  assert.ok(e && e.x + e.w <= 1920 && e.y + e.h <= 1080 && Math.abs(e.w - e.h) <= 1);
});

test('far apart regions run as separate crops; overlapping ones merge; large motion → full frame', () => {
  assert.equal(planCrops(img, [[100, 100, 50, 50], [1700, 900, 50, 50]], { input }).length, 2);
  assert.equal(planCrops(img, [[100, 100, 50, 50], [160, 120, 50, 50]], { input }).length, 1);
  assert.deepEqual(planCrops(img, [[0, 0, 1500, 900]], { input }), [{ x: 0, y: 0, w: 1920, h: 1080 }]);
  // too many crops → one union crop (or the full frame when the union is large)
  const many = Array.from({ length: 6 }, (_, i) => [i * 300, 50, 20, 20] as [number, number, number, number]);
  assert.equal(planCrops(img, many, { input }).length, 1);
});
