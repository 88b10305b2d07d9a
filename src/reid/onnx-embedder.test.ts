import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { OnnxEmbedder } from './onnx-embedder';
import { dot } from './vector';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const OSNET = path.join(SHARED, 'models/reid/osnet_x0_25_msmt17.onnx');
const DETECTOR = path.join(SHARED, 'models/detection/fastestdet_352.onnx');
const { existsSync } = await import('node:fs');
const skip = existsSync(OSNET) ? false : '../shared/models is not present (it is beside the repo in CI); skipping';

function stripes(w: number, h: number, a: number[], b: number[]) {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set(Math.floor(i / w) < h / 2 ? a : b, i * 3);
  return { width: w, height: h, data };
}

test('OSNet gives unit 512-d vectors; the same picture at another size stays closest', { skip }, async () => {
  const e = await OnnxEmbedder.load({ model: OSNET, threads: 1 });
  try {
    assert.equal(e.dim, 512);
    assert.match(e.modelId, /^osnet_x0_25_msmt17\.onnx#[0-9a-f]{8}$/);
    const a = await e.embed(stripes(64, 128, [200, 20, 20], [20, 20, 200]));
    const a2 = await e.embed(stripes(48, 100, [200, 20, 20], [20, 20, 200]));
    const b = await e.embed(stripes(64, 128, [240, 240, 240], [30, 120, 30]));
    assert.equal(a.length, 512);
    assert.ok(Math.abs(dot(a, a) - 1) < 1e-4);
    assert.ok(dot(a, a2) > dot(a, b));
  } finally {
    await e.close();
  }
});

test('a model with the wrong input or output is refused with a clear message', { skip }, async () => {
  await assert.rejects(OnnxEmbedder.load({ model: DETECTOR }), (err: Error & { code?: string }) => {
    assert.ok(err.code === 'model_wrong_output' || err.code === 'model_wrong_input', err.message);
    assert.match(err.message, /re-identification model/);
    return true;
  });
  await assert.rejects(OnnxEmbedder.load({ model: OSNET, dim: 256 }), /outputs 512 values per image; .* 256-d embedding/);
  await assert.rejects(OnnxEmbedder.load({ model: '/nonexistent/osnet.onnx' }), /does not exist/);
});
