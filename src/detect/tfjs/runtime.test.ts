import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';
import { SHARED_DIR, sharedSkip } from '../../../test/support/shared';
import type { Detection, RgbImage } from '../types';
import type { TfjsDetector } from './detector';
import { loadTfjsDetector } from './index';
import { decodeRgbFile } from './test-images';

/** Greedy one-to-one pairing of two detection lists by class and IoU-free box distance. */
function assertSameDetections(a: Detection[], b: Detection[], tolPx: number, tolScore: number): void {
  assert.equal(a.length, b.length, `${a.length} vs ${b.length} detections`);
  const left = [...b];
  for (const d of a) {
    const i = left.findIndex((e) => e.classId === d.classId && Math.abs(e.score - d.score) <= tolScore && d.box.every((v, k) => Math.abs(v - e.box[k as 0 | 1 | 2 | 3]) <= tolPx));
    assert.ok(i >= 0, `no match for ${d.label} ${d.score.toFixed(3)} ${d.box.map((v) => v.toFixed(1))}`);
    left.splice(i, 1);
  }
}

function texture(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return { width, height, data };
}

test('CenterNet converted to ONNX (the default route) gives the same detections as the TF.js graph', async () => {
  const onnx = (await loadTfjsDetector({ model: 'centernet', runtime: 'onnx' })) as TfjsDetector;
  const tfjs = (await loadTfjsDetector({ model: 'centernet', runtime: 'tfjs' })) as TfjsDetector;
  try {
    assert.equal(onnx.runtimeKind, 'onnx');
    assert.equal(tfjs.runtimeKind, 'tfjs');
    const frames: RgbImage[] = [texture(320, 240)];
    if (!sharedSkip('mot/MOT17-09-FRCNN')) frames.push(await decodeRgbFile(path.join(SHARED_DIR, 'mot/MOT17-09-FRCNN/img1/000001.jpg')));
    for (const img of frames) {
      const a = await onnx.detect(img, { threshold: 0.05 });
      const b = await tfjs.detect(img, { threshold: 0.05 });
      if (frames.length > 1 && img === frames[1]) assert.ok(a.length > 5, 'a real street scene yields detections');
      // Float differences between the two engines are ~1e-3 px on boxes and ~1e-6 on scores.
      assertSameDetections(a, b, 0.05, 1e-4);
    }
  } finally {
    await onnx.close();
    await tfjs.close();
  }
});

test("runtime 'onnx' is refused for NanoDet (no ONNX route); 'tfjs' runs it", async () => {
  await assert.rejects(loadTfjsDetector({ model: 'nanodet', runtime: 'onnx' }), /no ONNX route/);
  const d = (await loadTfjsDetector({ model: 'nanodet' })) as TfjsDetector;
  assert.equal(d.runtimeKind, 'tfjs');
  await d.close();
});

