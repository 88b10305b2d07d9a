import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { SHARED_DIR, sharedSkip } from '../../../test/support/shared';
import { ValidationError } from '../../core/errors';
import type { Box, Detection, Detector, RgbImage } from '../types';
import { cropRgb, iou, regionWindow } from './geometry';
import { COCO_LABELS, DEFAULT_TFJS_MODEL, loadTfjsDetector } from './index';
import { decodeRgbFile } from './test-images';

const MOT05 = path.join(SHARED_DIR, 'mot/MOT17-05-FRCNN');
const MOT09 = path.join(SHARED_DIR, 'mot/MOT17-09-FRCNN');
const CARS = path.join(SHARED_DIR, 'media/intel-sample-videos/car-detection.mp4');

/** Ground-truth pedestrians of one MOT17 frame that the scorer counts (consider 1, class 1, visibility ≥ 0.25). */
function motPeople(seqDir: string, frame: number): Box[] {
  return readFileSync(path.join(seqDir, 'gt/gt.txt'), 'utf8')
    .split('\n')
    .map((l) => l.split(',').map(Number))
    .filter((v) => v[0] === frame && v[6] === 1 && v[7] === 1 && v[8]! >= 0.25)
    .map((v) => [v[2]!, v[3]!, v[4]!, v[5]!] as Box);
}

function assertWellFormed(dets: Detection[], img: RgbImage, d: Detector, threshold: number): void {
  for (const x of dets) {
    assert.equal(d.labels[x.classId], x.label);
    assert.ok(x.score >= threshold && x.score <= 1, `score ${x.score}`);
    const [bx, by, bw, bh] = x.box;
    assert.ok(bx >= 0 && by >= 0 && bw > 0 && bh > 0 && bx + bw <= img.width + 1e-6 && by + bh <= img.height + 1e-6, `box ${x.box} inside ${img.width}×${img.height}`);
  }
}

/** A synthetic frame (no ../shared needed): gradients and a few flat blocks. */
function syntheticImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const block = (x >> 5) % 2 === (y >> 5) % 2;
      data[i] = block ? 200 : (x * 255) / width;
      data[i + 1] = block ? 60 : (y * 255) / height;
      data[i + 2] = 128;
    }
  }
  return { width, height, data };
}

let shared: Detector | undefined;
/** One detector for the tests of this file (loading takes about a second). */
async function detector(): Promise<Detector> {
  shared ??= await loadTfjsDetector();
  return shared;
}
test.after(async () => {
  await shared?.close();
});

test('loads from node_modules without touching the network, runs on a synthetic frame, well-formed output', async () => {
  const realFetch = globalThis.fetch;
  let fetched = 0;
  globalThis.fetch = (() => {
    fetched++;
    return Promise.reject(new Error('no network in this test'));
  }) as typeof fetch;
  let d: Detector;
  try {
    d = await loadTfjsDetector({ threshold: 0.05 });
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.equal(fetched, 0);
  assert.equal(d.family, `tfjs-${DEFAULT_TFJS_MODEL}`);
  assert.deepEqual(d.labels, COCO_LABELS);
  assert.equal(d.labels.length, 80);
  assert.ok(d.inputSize.width > 0 && d.inputSize.width === d.inputSize.height);
  const img = syntheticImage(320, 200);
  const dets = await d.detect(img);
  assert.ok(Array.isArray(dets));
  assertWellFormed(dets, img, d, 0.05);
  assert.deepEqual(await d.detect(img, { threshold: 1.01 }), [], 'nothing scores above 1');
  await d.close();
  await assert.rejects(d.detect(img), ValidationError);
});

test('both built-in models load and run (NanoDet as well as the default)', async () => {
  const other = await loadTfjsDetector({ model: DEFAULT_TFJS_MODEL === 'nanodet' ? 'centernet' : 'nanodet' });
  try {
    const img = syntheticImage(200, 320);
    assertWellFormed(await other.detect(img, { threshold: 0.01 }), img, other, 0.01);
  } finally {
    await other.close();
  }
});

test('bad input is refused with a message that says what is expected', async () => {
  const d = await detector();
  await assert.rejects(d.detect({ width: 10, height: 10, data: new Uint8Array(10) }), /width × height × 3/);
  await assert.rejects(d.detect(syntheticImage(64, 64), { classes: ['motorbike'] }), /Unknown class 'motorbike'.*motorcycle/);
  await assert.rejects(loadTfjsDetector({ threshold: 2 }), /threshold must be between 0 and 1/);
});

test('finds the pedestrians of a real MOT17 frame, in its pixels', { skip: sharedSkip('mot/MOT17-05-FRCNN') }, async () => {
  const d = await detector();
  const img = await decodeRgbFile(path.join(MOT05, 'img1/000001.jpg'));
  const dets = await d.detect(img);
  assertWellFormed(dets, img, d, 0.25);
  const people = dets.filter((x) => x.label === 'person');
  const truth = motPeople(MOT05, 1);
  const matched = truth.filter((g) => people.some((p) => iou(p.box, g) >= 0.5));
  // The two nearest walkers (85×176 and 77×191 pixels) are found, and at least half of all counted people.
  assert.ok(matched.length >= Math.ceil(truth.length / 2), `matched ${matched.length} of ${truth.length} people`);
  assert.ok(matched.some((g) => g[2] >= 77 && g[3] >= 176), 'a near pedestrian is found');
});

test('finds the car of a real parking-lot frame; the classes filter keeps only the classes asked for', { skip: sharedSkip('media/intel-sample-videos/car-detection.mp4') }, async () => {
  const d = await detector();
  // At 5 s a white car enters at the bottom centre (checked by eye: about x 282..477, y 290..432).
  const img = await decodeRgbFile(CARS, 5);
  const cars = await d.detect(img, { classes: ['car'] });
  assert.ok(cars.length >= 1, 'a car is found');
  assert.ok(cars.every((x) => x.label === 'car' && x.classId === 2));
  assert.ok(cars.some((c) => iou(c.box, [282, 290, 195, 142]) >= 0.5), JSON.stringify(cars));
  const people = await d.detect(img, { classes: ['person'] });
  assert.ok(people.every((x) => x.label === 'person'));
  assert.equal(people.some((p) => iou(p.box, [282, 290, 195, 142]) >= 0.5), false, 'the car is not reported as a person');
});

test('regions: detections from motion regions come back in full-image pixels, same as running on the crops', { skip: sharedSkip('mot/MOT17-09-FRCNN') }, async () => {
  const d = await detector();
  const img = await decodeRgbFile(path.join(MOT09, 'img1/000001.jpg'));
  assert.deepEqual([img.width, img.height], [1920, 1080]);
  // Motion regions around two walkers far apart (ground truth 1686,387 171×345 and 260,450 102×262).
  const walkers: Box[] = [[1686, 387, 171, 345], [260, 450, 102, 262]];
  const regions: Box[] = [[1680, 380, 180, 360], [250, 440, 120, 280]];
  const viaRegions = await d.detect(img, { regions, classes: ['person'] });
  for (const g of walkers) assert.ok(viaRegions.some((p) => iou(p.box, g) >= 0.5), `walker ${g} found: ${JSON.stringify(viaRegions)}`);
  // Every box lies inside one of the two windows, and each window cropped by hand gives the same boxes, shifted.
  const windows = regions.map((r) => regionWindow(r, img.width, img.height, d.inputSize.width)!);
  const inside = (b: Box, w: Box): boolean => b[0] >= w[0] - 1e-6 && b[1] >= w[1] - 1e-6 && b[0] + b[2] <= w[0] + w[2] + 1e-6 && b[1] + b[3] <= w[1] + w[3] + 1e-6;
  for (const p of viaRegions) assert.ok(windows.some((w) => inside(p.box, w)), `${p.box} in a window`);
  const key = (b: Box): string => b.map((v) => v.toFixed(2)).join(',');
  for (const w of windows) {
    const direct = await d.detect(cropRgb(img, w), { classes: ['person'] });
    const expected = direct.map((x) => key([x.box[0] + w[0], x.box[1] + w[1], x.box[2], x.box[3]])).sort();
    assert.deepEqual(viaRegions.filter((p) => inside(p.box, w)).map((x) => key(x.box)).sort(), expected);
  }
});
