import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAMILIES } from './index';

const input = { width: 640, height: 640 };

test('yolo v5 layout [1,N,5+C]: score = objectness × class, centre/size in input pixels', () => {
  const n = 100; // real exports have thousands of rows; the anchor axis is the longer one
  const dim = 85;
  const data = new Float32Array(n * dim);
  // row 0: a car (class 2) at centre (100,200) 40×60, obj 0.9, cls 0.8 → 0.72
  data.set([100, 200, 40, 60, 0.9], 0);
  data[5 + 2] = 0.8;
  // row 1: high class score but low objectness → dropped at 0.3
  data.set([300, 300, 10, 10, 0.2], dim);
  data[dim + 5] = 0.99;
  const layout = FAMILIES.yolo.layout([{ name: 'output0', dims: [1, n, dim] }], input, null);
  assert.ok(layout.ok);
  assert.equal(layout.variant, 'yolov5');
  assert.equal(layout.numClasses, 80);
  const c = layout.decode({ output0: { dims: [1, n, dim], data } }, 0.3);
  assert.equal(c.length, 1);
  assert.equal(c[0]!.classId, 2);
  assert.ok(Math.abs(c[0]!.score - 0.72) < 1e-6);
  assert.deepEqual([c[0]!.x1, c[0]!.y1, c[0]!.x2, c[0]!.y2], [80, 170, 120, 230]);
});

test('yolo v8/11 layout [1,4+C,N] (columns, no objectness)', () => {
  const n = 100;
  const data = new Float32Array(84 * n);
  // column 2: person (class 0) score 0.6 at centre (50,60) 20×30
  data[2] = 50;
  data[n + 2] = 60;
  data[2 * n + 2] = 20;
  data[3 * n + 2] = 30;
  data[4 * n + 2] = 0.6;
  data[4 * n + 1] = 0.1; // column 1 below threshold
  const layout = FAMILIES.yolo.layout([{ name: 'out', dims: [1, 84, n] }], input, null);
  assert.ok(layout.ok);
  assert.equal(layout.variant, 'yolov8');
  const c = layout.decode({ out: { dims: [1, 84, n], data } }, 0.25);
  assert.deepEqual(c, [{ x1: 40, y1: 45, x2: 60, y2: 75, score: Number(Float32Array.of(0.6)[0]), classId: 0 }]);
});

test('yolo layout with labels: the class count decides; a mismatch is explained', () => {
  assert.ok(FAMILIES.yolo.layout([{ name: 'o', dims: [1, 8400, 7] }], input, 2).ok);
  assert.ok(FAMILIES.yolo.layout([{ name: 'o', dims: [1, 6, 8400] }], input, 2).ok);
  const bad = FAMILIES.yolo.layout([{ name: 'o', dims: [1, 8400, 85] }], input, 3);
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.expected : '', /3 classes/);
});

test('each family refuses outputs of another family and says what it expected', () => {
  const yoloxOut = [{ name: 'output', dims: [1, 3549, 85] }];
  const fast = FAMILIES.fastestdet.layout(yoloxOut, { width: 352, height: 352 }, null);
  assert.equal(fast.ok, false);
  assert.match(!fast.ok ? fast.expected : '', /\[1,5\+classes,22,22\]/);
  const nano = FAMILIES.nanodet.layout(yoloxOut, { width: 416, height: 416 }, null);
  assert.equal(nano.ok, false);
  assert.match(!nano.ok ? nano.expected : '', /2704, 676, 169/);
  assert.equal(FAMILIES.yolox.layout([{ name: 'x', dims: [1, 85, 22, 22] }], { width: 416, height: 416 }, null).ok, false);
  assert.ok(FAMILIES.yolox.layout(yoloxOut, { width: 416, height: 416 }, null).ok);
});

test('nanodet-plus single output [1,N,C+32] over strides 8/16/32/64 decodes distances × stride', () => {
  const size = { width: 32, height: 32 };
  const n = 16 + 4 + 1 + 1; // 4×4, 2×2, 1×1, 1×1 cells
  const dim = 80 + 32;
  const data = new Float32Array(n * dim).fill(-20);
  for (let i = 0; i < n; i++) for (let c = 0; c < 80; c++) data[i * dim + c] = 0;
  // cell 5 (stride 8, col 1, row 1 → centre 8,8), class 0 score 0.7; each side: all mass on bin 2 → 2 × 8 = 16 px
  data[5 * dim] = 0.7;
  for (let side = 0; side < 4; side++) data[5 * dim + 80 + side * 8 + 2] = 20;
  const layout = FAMILIES.nanodet.layout([{ name: 'output', dims: [1, n, dim] }], size, null);
  assert.ok(layout.ok);
  assert.equal(layout.variant, 'nanodet-plus');
  const c = layout.decode({ output: { dims: [1, n, dim], data } }, 0.5);
  assert.equal(c.length, 1);
  assert.ok(Math.abs(c[0]!.x1 - -8) < 1e-3 && Math.abs(c[0]!.x2 - 24) < 1e-3 && Math.abs(c[0]!.y1 - -8) < 1e-3);
});
