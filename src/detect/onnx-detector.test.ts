import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { decodeImageFile, decodeVideoFrames } from '../media/images';
import { SHARED_DIR, sharedSkip } from '../../test/support/shared';
import type { OnnxFamily } from './families';
import { COCO_LABELS } from './labels';
import { iou } from './nms';
import { loadOnnxDetector } from './onnx-detector';
import type { Box, Detection, RgbImage } from './types';

const MODELS = path.join(SHARED_DIR, 'models/detection');
const FILES: Record<Exclude<OnnxFamily, 'yolo'>, string> = { yolox: 'yolox_nano_416.onnx', nanodet: 'nanodet_m_416.onnx', fastestdet: 'fastestdet_352.onnx' };
const skip = sharedSkip('models/detection');
const SEQ = path.join(SHARED_DIR, 'mot/MOT17-05-FRCNN');

const corners = (b: Box) => ({ x1: b[0], y1: b[1], x2: b[0] + b[2], y2: b[1] + b[3], score: 1, classId: 0 });

/** Ground-truth pedestrians of frame 1 (consider = 1, class 1, visibility ≥ 0.25), as the MOT scorer counts them. */
function groundTruth(): Box[] {
  return readFileSync(path.join(SEQ, 'gt/gt.txt'), 'utf8').trim().split('\n').map((l) => l.split(',').map(Number))
    .filter((v) => v[0] === 1 && v[6] === 1 && v[7] === 1 && v[8]! >= 0.25).map((v) => [v[2]!, v[3]!, v[4]!, v[5]!] as Box);
}

const matched = (dets: Detection[], gt: Box[]) => gt.filter((g) => dets.some((d) => d.label === 'person' && iou(corners(d.box), corners(g)) >= 0.5)).length;

let dir: string;
let mot: RgbImage;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-onnx-'));
  if (!skip) mot = await decodeImageFile(DEFAULT_TOOLS, path.join(SEQ, 'img1/000001.jpg'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const family of Object.keys(FILES) as (keyof typeof FILES)[]) {
  test(`${family}: finds the pedestrians of a MOT17 frame where the ground truth has them, boxes in source pixels`, { skip }, async () => {
    const d = await loadOnnxDetector({ model: path.join(MODELS, FILES[family]), family });
    try {
      assert.equal(d.family, family);
      assert.deepEqual(d.labels, COCO_LABELS);
      const dets = await d.detect(mot);
      const gt = groundTruth();
      assert.ok(gt.length >= 3);
      assert.ok(matched(dets, gt) >= 2, `${family} matched ${matched(dets, gt)} of ${gt.length} pedestrians: ${JSON.stringify(dets)}`);
      for (const x of dets) {
        assert.ok(x.score >= d.threshold && x.score <= 1);
        assert.ok(x.box[0] >= 0 && x.box[1] >= 0 && x.box[0] + x.box[2] <= mot.width + 1e-6 && x.box[1] + x.box[3] <= mot.height + 1e-6);
      }
      // classes filter and threshold option
      const only = await d.detect(mot, { classes: ['car'], threshold: 0.2 });
      assert.ok(only.every((x) => x.label === 'car'));
      assert.ok((await d.detect(mot, { threshold: 0.99 })).length <= dets.length);
    } finally {
      await d.close();
    }
  });
}

test('yolox and fastestdet find the car in a street clip (person-bicycle-car preview)', { skip: sharedSkip('media/intel-sample-videos/preview') }, async () => {
  let third: RgbImage | undefined;
  for await (const f of decodeVideoFrames(DEFAULT_TOOLS, path.join(SHARED_DIR, 'media/intel-sample-videos/preview/person-bicycle-car-detection.gif'), { fps: 1 })) if (f.frame === 3) third = f.image;
  assert.ok(third);
  for (const family of ['yolox', 'fastestdet'] as const) {
    const d = await loadOnnxDetector({ model: path.join(MODELS, FILES[family]), family });
    const cars = (await d.detect(third, { classes: ['car'] })).filter((x) => x.label === 'car');
    await d.close();
    assert.ok(cars.length >= 1, `${family} found no car`);
  }
});

test('regions (motion gating): detections come from the crops, mapped back to full-image pixels', { skip }, async () => {
  const d = await loadOnnxDetector({ model: path.join(MODELS, FILES.yolox), family: 'yolox' });
  try {
    const full = (await d.detect(mot, { classes: ['person'] })).sort((a, b) => b.score - a.score);
    const best = full[0]!;
    const gated = await d.detect(mot, { classes: ['person'], regions: [best.box] });
    assert.ok(gated.some((g) => iou(corners(g.box), corners(best.box)) >= 0.5), `the person at ${best.box} was found again in its region: ${JSON.stringify(gated)}`);
    assert.ok(d.lastTimings.runs === 1);
    assert.deepEqual(await d.detect(mot, { regions: [] }), []);
  } finally {
    await d.close();
  }
});

test('a file that is not ONNX: the error names the file', async () => {
  const bad = path.join(dir, 'not-a-model.onnx');
  writeFileSync(bad, 'this is text, not a protobuf');
  await assert.rejects(loadOnnxDetector({ model: bad, family: 'yolox' }), (e: Error) => e.message.includes(bad) && /not an ONNX model/.test(e.message));
  await assert.rejects(loadOnnxDetector({ model: path.join(dir, 'missing.onnx'), family: 'yolox' }), (e: Error) => e.message.includes('missing.onnx') && /does not exist/.test(e.message));
});

test('a wrong family: the error names the family, the outputs seen and what was expected', { skip }, async () => {
  await assert.rejects(loadOnnxDetector({ model: path.join(MODELS, FILES.yolox), family: 'fastestdet' }), (e: Error) => {
    assert.match(e.message, /yolox_nano_416\.onnx does not have the outputs of a fastestdet model/);
    assert.match(e.message, /output \[1,3549,85\]/);
    assert.match(e.message, /\[1,5\+classes,26,26\]/);
    return true;
  });
  await assert.rejects(loadOnnxDetector({ model: path.join(MODELS, FILES.nanodet), family: 'yolox' }), /outputs of a yolox model: it has 792 \[1,2704,80\]/);
  await assert.rejects(loadOnnxDetector({ model: path.join(MODELS, FILES.fastestdet), family: 'yolo' }), /outputs of a yolo model/);
});

test('labels that do not match the model class count are refused', { skip }, async () => {
  await assert.rejects(loadOnnxDetector({ model: path.join(MODELS, FILES.yolox), family: 'yolox', labels: ['person', 'car'] }), /predicts 80 classes but the labels file has 2 names/);
});

test('nanodet class scores come out of the model already in 0..1 (the decoder applies no sigmoid)', { skip }, async () => {
  const d = await loadOnnxDetector({ model: path.join(MODELS, FILES.nanodet), family: 'nanodet' });
  const all = await d.detect(mot, { threshold: 0.01 });
  await d.close();
  assert.ok(all.length > 0 && all.every((x) => x.score > 0 && x.score <= 1));
});
