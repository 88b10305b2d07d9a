import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkImage, toTensor, type TensorFormat } from './preprocess';
import type { RgbImage } from './types';

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

const yoloxLike: TensorFormat = { width: 8, height: 8, order: 'bgr', mean: [0, 0, 0], std: [1, 1, 1], letterbox: true, pad: 114 };

test('letterbox: a wide image fills the top rows, the rest is padding; channels in BGR order', () => {
  const out = new Float32Array(3 * 64);
  const fit = toTensor(solid(16, 8, [10, 20, 30]), { x: 0, y: 0, w: 16, h: 8 }, yoloxLike, out);
  assert.deepEqual(fit, { scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 0 });
  // rows 0–3 content, rows 4–7 padding
  assert.equal(out[0], 30); // B plane first
  assert.equal(out[64], 20);
  assert.equal(out[128], 10);
  assert.equal(out[3 * 8 + 7], 30);
  assert.equal(out[4 * 8], 114);
  assert.equal(out[128 + 7 * 8 + 7], 114);
});

test('letterbox maps model pixels back to image pixels (box / scale + offset)', () => {
  const out = new Float32Array(3 * 416 * 416);
  const fit = toTensor(solid(1920, 1080, [0, 0, 0]), { x: 0, y: 0, w: 1920, h: 1080 }, { ...yoloxLike, width: 416, height: 416 }, out);
  assert.ok(Math.abs(416 / fit.scaleX - 1920) < 1e-9);
  assert.ok(Math.abs(234 / fit.scaleY - 1080) < 1e-9);
  // a region: offsets are the region's corner
  const r = toTensor(solid(100, 100, [0, 0, 0]), { x: 20, y: 30, w: 50, h: 50 }, { ...yoloxLike, width: 100, height: 100 }, new Float32Array(3 * 100 * 100));
  assert.deepEqual(r, { scaleX: 2, scaleY: 2, offsetX: 20, offsetY: 30 });
});

test('normalisation (x − mean)/std and plain stretch without padding', () => {
  const f: TensorFormat = { width: 4, height: 4, order: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: false, pad: 0 };
  const out = new Float32Array(48);
  const fit = toTensor(solid(8, 2, [255, 51, 0]), { x: 0, y: 0, w: 8, h: 2 }, f, out);
  assert.deepEqual(fit, { scaleX: 0.5, scaleY: 2, offsetX: 0, offsetY: 0 });
  assert.ok(out.slice(0, 16).every((v) => Math.abs(v - 1) < 1e-6));
  assert.ok(out.slice(16, 32).every((v) => Math.abs(v - 0.2) < 1e-6));
  assert.ok(out.slice(32).every((v) => v === 0));
});

test('bilinear resampling interpolates between pixels', () => {
  // 2×1 image black | white stretched to 4×1: OpenCV-style centres give 0, 63.75, 191.25, 255
  const img: RgbImage = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255]) };
  const out = new Float32Array(12);
  toTensor(img, { x: 0, y: 0, w: 2, h: 1 }, { width: 4, height: 1, order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], letterbox: false, pad: 0 }, out);
  assert.deepEqual([...out.slice(0, 4)], [0, 63.75, 191.25, 255]);
});

test('checkImage refuses data that does not match the size', () => {
  assert.throws(() => checkImage({ width: 4, height: 4, data: new Uint8Array(47) }), /47 bytes.*48/);
  assert.throws(() => checkImage({ width: 0, height: 4, data: new Uint8Array(0) }), /not a positive whole number/);
});
