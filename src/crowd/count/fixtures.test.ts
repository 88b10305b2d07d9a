/** The dense-set fixture's stored truth matches MOT17's gt.txt (skipped without ../shared). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedSkip } from '../../../test/support/shared';
import { buildMosaic, loadMosaicSpecs, mosaicTruth, motFrames } from '../../../bench/crowd-count-data';

test('mosaics.json: each truth is the sum of its cells’ MOT17 pedestrian counts; the mosaics build at 1920×1080', { skip: sharedSkip('mot') }, async () => {
  const specs = loadMosaicSpecs();
  assert.equal(specs.length, 6);
  for (const m of specs) {
    assert.equal(m.cells.length, m.grid * m.grid, m.name);
    assert.equal(mosaicTruth(m), m.truth, m.name);
  }
  const img = await buildMosaic(specs[0]!);
  assert.deepEqual([img.width, img.height, img.data.length], [1920, 1080, 1920 * 1080 * 3]);
  assert.ok(img.data.some((v) => v !== 114), 'the cells were drawn');
});

test('MOT17 frames: only frames with an image, counted as motscore.py counts them', { skip: sharedSkip('mot') }, () => {
  const frames = motFrames();
  assert.equal(frames.length, 14);
  assert.deepEqual(frames.filter((f) => f.name.startsWith('MOT17-02')).map((f) => f.truth), [16, 16, 16, 16]);
  assert.deepEqual(frames.filter((f) => f.name.startsWith('MOT17-09')).map((f) => f.truth), [5, 5, 6, 6]);
});
