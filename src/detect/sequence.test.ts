import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listImageSequence, naturalCompare } from './sequence';

test('natural order compares digit runs as numbers', () => {
  assert.deepEqual(['frame10.jpg', 'frame2.jpg', 'frame1.jpg', 'Frame3.jpg'].sort(naturalCompare), ['frame1.jpg', 'frame2.jpg', 'Frame3.jpg', 'frame10.jpg']);
  assert.deepEqual(['000010.jpg', '000002.jpg'].sort(naturalCompare), ['000002.jpg', '000010.jpg']);
});

test('listImageSequence lists image files only, in natural order', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-seq-'));
  try {
    for (const f of ['img10.png', 'img2.PNG', 'img1.jpg', 'notes.txt', '.hidden.jpg']) writeFileSync(path.join(dir, f), '');
    mkdirSync(path.join(dir, 'sub.jpg'));
    return listImageSequence(dir).then((names) => assert.deepEqual(names, ['img1.jpg', 'img2.PNG', 'img10.png']));
  } finally {
    setTimeout(() => rmSync(dir, { recursive: true, force: true }), 1000);
  }
});
