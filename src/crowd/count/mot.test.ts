/** The counter on real footage (MOT17 in ../shared; skipped without it). */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadDefaultDetector } from '../../detect/default-detector';
import { loadOnnxDetector } from '../../detect/onnx-detector';
import type { Detector, RgbImage } from '../../detect/types';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { decodeImageFile } from '../../media/images';
import { SHARED_DIR, sharedSkip } from '../../../test/support/shared';
import { buildMosaic, loadMosaicSpecs, motCounts } from '../../../bench/crowd-count-data';
import { DetectorCounter } from './detector-counter';
import { mergeCandidates } from './tiling';

const skip = sharedSkip('mot');
const MOT = path.join(SHARED_DIR, 'mot');
let detector: Detector;
before(async () => {
  if (!skip) detector = await loadDefaultDetector();
});
after(async () => {
  await detector?.close();
});

test('MOT17-02 (1080p, 16 pedestrians a frame by motscore.py rules): the tiled count is within ±3 on every frame', { skip }, async () => {
  const counter = await DetectorCounter.create({ detector });
  const truth = motCounts(path.join(MOT, 'MOT17-02-FRCNN'));
  const errors: number[] = [];
  for (const f of [1, 2, 3, 4]) {
    const img = await decodeImageFile(DEFAULT_TOOLS, path.join(MOT, `MOT17-02-FRCNN/img1/00000${f}.jpg`));
    const r = await counter.count(img);
    assert.equal(r.kind, 'detector');
    assert.ok(r.tiles >= 7 && r.tiles <= 7 + 24, `whole frame + 6 tiles at 1080p + sub-tiles where people are small (got ${r.tiles} runs)`);
    assert.equal(r.points.length, r.count);
    assert.ok(r.points.every((p) => p.x >= 0 && p.x <= 1 && p.y > 0.3 && p.y <= 1), 'feet points, normalised, below the horizon');
    errors.push(r.count - truth.get(f)!);
  }
  assert.ok(errors.every((e) => Math.abs(e) <= 3), `count − truth per frame: ${errors.join(', ')}`);
});

/** A MOT17-09 pedestrian (frame 1, id 19, box 1686,387 171×345) cut out with a 20 px margin. */
async function pedestrian(): Promise<RgbImage> {
  const src = await decodeImageFile(DEFAULT_TOOLS, path.join(MOT, 'MOT17-09-FRCNN/img1/000001.jpg'));
  const x0 = 1666, y0 = 367, w = 211, h = 385;
  const data = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++) data.set(src.data.subarray(((y0 + r) * src.width + x0) * 3, ((y0 + r) * src.width + x0 + w) * 3), r * w * 3);
  return { width: w, height: h, data };
}

test('a real person placed across tile edges is counted once at every position', { skip }, async () => {
  const person = await pedestrian();
  const counter = await DetectorCounter.create({ detector, tiling: { mode: 'always' } });
  const tiles = counter.tilesFor(1280, 720);
  assert.deepEqual(tiles.map((t) => [t.x, t.w]), [[0, 720], [560, 720]]);
  const counts: number[] = [];
  const cut: number[] = [];
  // the person (171 px wide) slides across the overlap [560, 720): cut by B's left edge, then by A's right edge
  for (let x = 400; x <= 700; x += 30) {
    const canvas: RgbImage = { width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3).fill(128) };
    for (let r = 0; r < person.height; r++) canvas.data.set(person.data.subarray(r * person.width * 3, (r + 1) * person.width * 3), ((150 + r) * 1280 + x) * 3);
    const { cands } = await counter.detectCandidates(canvas);
    cut.push(cands.filter((c) => c.cut).length);
    counts.push(mergeCandidates(cands).length);
  }
  assert.ok(cut.filter((n) => n > 0).length >= 5, `pieces cut by a tile edge at most positions (cut pieces by position: ${cut.join(', ')})`);
  assert.deepEqual(counts, counts.map(() => 1), `counts by position: ${counts.join(', ')} (cut pieces: ${cut.join(', ')})`);
});

test('a dense scene (2×2 MOT17 mosaic, 43 people, 2× smaller): refinement sub-tiles count within 15 %, the fixed grid does not', { skip }, async () => {
  const spec = loadMosaicSpecs().find((m) => m.name === 'mosaic-2x2-a')!;
  const img = await buildMosaic(spec);
  const adaptive = await DetectorCounter.create({ detector, tiling: { refine: { enabled: true } } });
  const grid = await DetectorCounter.create({ detector });
  const a = await adaptive.count(img);
  const g = await grid.count(img);
  assert.equal(g.tiles, 7);
  assert.ok(a.tiles > 7, `sub-tiles were run (${a.tiles} runs)`);
  assert.ok(Math.abs(a.count - spec.truth) <= 0.15 * spec.truth, `adaptive count ${a.count} vs truth ${spec.truth}`);
  assert.ok(Math.abs(g.count - spec.truth) > Math.abs(a.count - spec.truth), `fixed grid ${g.count}, adaptive ${a.count}, truth ${spec.truth}`);
});

test('YOLOX-nano (../shared, by path) refines by default at 0.43 / 0.20: MOT17-02 stays at 7 runs, the 4×4 mosaic (139 people) is counted within 10 %', { skip: skip || sharedSkip('models/detection/yolox_nano_416.onnx') }, async () => {
  const yolox = await loadOnnxDetector({ model: path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx'), family: 'yolox', threads: 1 });
  try {
    const counter = await DetectorCounter.create({ detector: yolox });
    assert.equal(counter.threshold, 0.43);
    assert.equal(counter.fineThreshold, 0.2);
    const mot = await counter.count(await decodeImageFile(DEFAULT_TOOLS, path.join(MOT, 'MOT17-02-FRCNN/img1/000002.jpg')));
    assert.equal(mot.tiles, 7, 'people in MOT17-02 are not small for YOLOX: no sub-tiles');
    assert.ok(Math.abs(mot.count - 16) <= 3, `MOT17-02 frame 2: ${mot.count}`);
    const spec = loadMosaicSpecs().find((m) => m.name === 'mosaic-4x4-a')!;
    const r = await counter.count(await buildMosaic(spec));
    assert.ok(r.tiles > 7 && Math.abs(r.count - spec.truth) <= 0.1 * spec.truth, `4×4 mosaic: ${r.count} vs ${spec.truth} (${r.tiles} runs)`);
  } finally {
    await yolox.close();
  }
});
