import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TextBox } from './db-postprocess';
import { stackedPairs } from './reader';

const line = (x: number, y: number, w: number, h: number): TextBox => ({
  quad: [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ],
  width: w,
  height: h,
  score: 0.9,
});

test('two rows of one plate pair up top first; side-by-side or distant lines do not', () => {
  const top = line(100, 100, 60, 30);
  const bottom = line(90, 135, 90, 32);
  const beside = line(200, 100, 60, 30);
  const far = line(100, 300, 80, 30);
  const tiny = line(100, 70, 60, 8);
  assert.deepEqual(stackedPairs([bottom, top, beside, far, tiny]), [[top, bottom]]);
  assert.deepEqual(stackedPairs([line(0, 0, 100, 30), line(300, 35, 100, 30)]), [], 'no horizontal overlap');
});
