import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createCrowdCounter } from './index';
import { loadDensityModel } from './density-model';
import { expectedUniformCount, writeDensityTestModel } from './test-models';
import { SHARED_DIR, sharedSkip } from '../../../test/support/shared';

let dir: string;
let good: string;
let dynamic: string;
let wrong: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-density-'));
  good = writeDensityTestModel(path.join(dir, 'good.onnx'), { size: 64, k: 8 });
  dynamic = writeDensityTestModel(path.join(dir, 'dynamic.onnx'), { size: 64, k: 8, dynamic: true });
  wrong = writeDensityTestModel(path.join(dir, 'wrong.onnx'), { size: 64, k: 8, wrong: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const uniform = (w: number, h: number, v: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) });
const close = (a: number, b: number, tol = 1e-3) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≈ ${b}`);

test('fixed-size model: the count is the sum of the map (known function of the input); points carry the weights', async () => {
  const c = await createCrowdCounter({ kind: 'density', modelPath: good });
  try {
    const r = await c.count(uniform(64, 64, 200));
    assert.equal(r.kind, 'density');
    assert.equal(r.tiles, 1);
    close(r.count, expectedUniformCount(200, 64));
    assert.deepEqual([r.densityMap!.cols, r.densityMap!.rows], [8, 8]);
    close(r.densityMap!.values.reduce((s, v) => s + v, 0), r.count);
    close(r.weights!.reduce((s, v) => s + v, 0), r.count);
    assert.equal(r.points.length, 64);
    assert.deepEqual(r.points[0], { x: 1 / 16, y: 1 / 16 });
    // a dark image: every normalised value is negative, the Relu leaves nothing → 0 people, no points
    const empty = await c.count(uniform(64, 64, 0));
    assert.equal(empty.count, 0);
    assert.equal(empty.points.length, 0);
  } finally {
    await c.close();
  }
});

test('fixed-size model: a large frame is cut into tiles whose maps are stitched (densities add up)', async () => {
  const m = await loadDensityModel(good);
  try {
    assert.deepEqual(m.input, { width: 64, height: 64 });
    const r = await m.run(uniform(200, 150, 200)); // 200/(64·1.5) → 3 columns, 150/96 → 2 rows
    assert.equal(r.runs, 6);
    assert.deepEqual([r.cols, r.rows], [24, 16]);
    close(r.map.reduce((s, v) => s + v, 0), expectedUniformCount(200, 6 * 64));
    // a left half bright and right half dark: the density lies in the left columns only
    const img = uniform(128, 64, 0);
    for (let y = 0; y < 64; y++) img.data.fill(200, y * 128 * 3, y * 128 * 3 + 64 * 3);
    const half = await m.run(img);
    assert.equal(half.runs, 2);
    const right = Array.from({ length: half.rows }, (_, r) => half.map.slice(r * half.cols + half.cols / 2, (r + 1) * half.cols)).flatMap((a) => [...a]);
    assert.ok(right.every((v) => v === 0));
  } finally {
    await m.close();
  }
});

test('dynamic-size model: the frame is scaled to at most maxSide (multiple of 16) and run once', async () => {
  const m = await loadDensityModel(dynamic, { maxSide: 128 });
  try {
    assert.equal(m.input, null);
    const r = await m.run(uniform(320, 240, 200));
    assert.equal(r.runs, 1);
    assert.deepEqual([r.cols, r.rows], [16, 12]); // 128×96 input, 8×8 pooling
    close(r.map.reduce((s, v) => s + v, 0), expectedUniformCount(200, 16 * 12));
  } finally {
    await m.close();
  }
});

test('a model with the wrong output shape is refused at load, naming the shapes', async () => {
  await assert.rejects(loadDensityModel(wrong), (e: Error) => {
    assert.match(e.message, /\[1,3,8,8\]/);
    assert.match(e.message, /\[1,1,h,w\]/);
    assert.match(e.message, /wrong\.onnx/);
    return true;
  });
  await assert.rejects(createCrowdCounter({ kind: 'density', modelPath: wrong }), /\[1,3,8,8\]/);
  await assert.rejects(createCrowdCounter({ kind: 'density' }), /needs a density model/);
  await assert.rejects(loadDensityModel(path.join(dir, 'absent.onnx')), /does not exist/);
  const junk = path.join(dir, 'junk.onnx');
  writeFileSync(junk, 'not a model');
  await assert.rejects(loadDensityModel(junk), /not an ONNX model/);
});

test('a detection model given as a density model is refused at load naming its output shape', { skip: sharedSkip('models/detection') }, async () => {
  await assert.rejects(loadDensityModel(path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx')), (e: Error) => {
    assert.match(e.message, /\[1,3549,85\]/);
    assert.match(e.message, /\[1,1,h,w\]/);
    return true;
  });
});
