import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iou, nmsByClass, type Candidate } from './nms';

const c = (x1: number, y1: number, x2: number, y2: number, score: number, classId = 0): Candidate => ({ x1, y1, x2, y2, score, classId });

test('iou: identical, disjoint, half overlap', () => {
  assert.equal(iou(c(0, 0, 10, 10, 1), c(0, 0, 10, 10, 1)), 1);
  assert.equal(iou(c(0, 0, 10, 10, 1), c(10, 0, 20, 10, 1)), 0);
  // 10×10 boxes shifted by 5: intersection 50, union 150
  assert.equal(iou(c(0, 0, 10, 10, 1), c(5, 0, 15, 10, 1)), 50 / 150);
});

test('nms keeps the best of overlapping boxes of one class, best first', () => {
  const kept = nmsByClass([c(1, 1, 11, 11, 0.6), c(0, 0, 10, 10, 0.9), c(50, 50, 60, 60, 0.7)], 0.45);
  assert.deepEqual(kept.map((k) => k.score), [0.9, 0.7]);
});

test('nms is class-wise: a person on a bicycle keeps both boxes', () => {
  const kept = nmsByClass([c(0, 0, 10, 20, 0.9, 0), c(0, 2, 10, 20, 0.8, 1)], 0.45);
  assert.equal(kept.length, 2);
});

test('nms keeps boxes overlapping less than the threshold and caps the count', () => {
  // IoU 1/3 < 0.45: both stay
  assert.equal(nmsByClass([c(0, 0, 10, 10, 0.9), c(5, 0, 15, 10, 0.8)], 0.45).length, 2);
  assert.equal(nmsByClass([c(0, 0, 10, 10, 0.9), c(5, 0, 15, 10, 0.8)], 0.3).length, 1);
  const many = Array.from({ length: 50 }, (_, i) => c(i * 20, 0, i * 20 + 10, 10, 0.5 + i / 100));
  assert.equal(nmsByClass(many, 0.45, 10).length, 10);
});
