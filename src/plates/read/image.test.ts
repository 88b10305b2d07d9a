import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbImage } from '../../detect/types';
import { cropImage, quadBox, resizeImage, scaleQuad, warpQuad, type Quad } from './image';

function gradient(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 10, y * 10, 100], (y * w + x) * 3);
  return { width: w, height: h, data };
}

test('warping the image rectangle onto itself and resizing to the same size are identities', () => {
  const img = gradient(12, 8);
  const q: Quad = [
    [0, 0],
    [11, 0],
    [11, 7],
    [0, 7],
  ];
  assert.deepEqual(warpQuad(img, q, 12, 8).data, img.data);
  assert.deepEqual(resizeImage(img, 12, 8).data, img.data);
});

test('a rotated quad is rectified: the warp reads along the quad edges', () => {
  const img = gradient(20, 20);
  // The quad's top edge runs down the image's left column: output x follows image y.
  const q: Quad = [
    [0, 0],
    [0, 10],
    [5, 10],
    [5, 0],
  ];
  const out = warpQuad(img, q, 11, 6);
  for (let x = 0; x < 11; x++) assert.equal(out.data[x * 3 + 1], x * 10, `green (= 10·y) at output x ${x}`);
});

test('crop, quad box and quad scaling', () => {
  const img = gradient(10, 10);
  const c = cropImage(img, [2, 3, 4, 2]);
  assert.equal(c.width, 4);
  assert.deepEqual([...c.data.subarray(0, 3)], [20, 30, 100]);
  const q: Quad = [
    [10, 10],
    [30, 10],
    [30, 20],
    [10, 20],
  ];
  assert.deepEqual(scaleQuad(q, 1, 0.8), [
    [10, 11],
    [30, 11],
    [30, 19],
    [10, 19],
  ]);
  assert.deepEqual(quadBox(q, 25, 100), [10, 10, 15, 10], 'clipped to the image');
});
