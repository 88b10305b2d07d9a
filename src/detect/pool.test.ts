import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { analyticsSchema } from '../config/analytics.schema';
import { silentLogger } from '../core/logger';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { decodeImageFile } from '../media/images';
import { SHARED_DIR, sharedSkip } from '../../test/support/shared';
import { createDetectorPool } from './pool';
import type { RgbImage } from './types';

const MODEL = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');
const skip = sharedSkip('models/detection');
const analytics = (detector: Record<string, unknown>, pool: Record<string, unknown>) => analyticsSchema.parse({ detector, pool });

let img: RgbImage;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-pool-'));
  if (!skip) img = await decodeImageFile(DEFAULT_TOOLS, path.join(SHARED_DIR, 'mot/MOT17-05-FRCNN/img1/000001.jpg'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a full queue drops requests (null) and counts them; the rest complete', { skip }, async () => {
  const pool = await createDetectorPool({ analytics: analytics({ model: MODEL, family: 'yolox' }, { workers: 1, maxQueue: 2 }), log: silentLogger() });
  try {
    assert.equal(pool.labels[0], 'person');
    assert.deepEqual(pool.inputSize, { width: 416, height: 416 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => pool.detect(`cam-${i}`, img)));
    const dropped = results.filter((r) => r === null).length;
    // one in flight + two queued are served; the other five are dropped at once
    assert.equal(dropped, 5);
    const s = pool.stats();
    assert.equal(s.dropped, dropped);
    assert.equal(s.completed, 8 - dropped);
    assert.ok(s.meanInferMs > 0);
    for (const r of results) if (r) assert.ok(r.some((d) => d.label === 'person'));
    // the caller's frame is not detached by the transfer
    assert.equal(img.data.length, img.width * img.height * 3);
  } finally {
    await pool.close();
  }
});

test('a bad request rejects with a clear error and the worker keeps serving; a dead worker is restarted', { skip }, async () => {
  const pool = await createDetectorPool({ analytics: analytics({ model: MODEL, family: 'yolox' }, { workers: 1, maxQueue: 4 }), log: silentLogger() });
  try {
    await assert.rejects(pool.detect('cam-bad', { width: 10, height: 10, data: new Uint8Array(7) }), /cam-bad.*7 bytes/);
    const ok = await pool.detect('cam-ok', img);
    assert.ok(ok && ok.length > 0);
    assert.equal(pool.stats().failed, 1);

    await pool.terminateWorker(0);
    // queued while the worker is down, served once it is back (restart back-off 0.5 s)
    const after = await pool.detect('cam-ok', img);
    assert.ok(after && after.some((d) => d.label === 'person'));
    assert.equal(pool.stats().workers, 1);
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.detect('cam', img), /closed/);
});

test('a pool whose model does not load fails to start, naming the file', async () => {
  const bad = path.join(dir, 'bad.onnx');
  writeFileSync(bad, 'not onnx');
  await assert.rejects(createDetectorPool({ analytics: analytics({ model: bad, family: 'yolox' }, { workers: 2 }), log: silentLogger() }), (e: Error) => e.message.includes(bad));
  await assert.rejects(createDetectorPool({ analytics: analytics({ model: bad }, { workers: 1 }), log: silentLogger() }), /analytics\.detector\.family/);
});

test('the default detector (built-in, no download) runs in the pool workers', { skip }, async () => {
  const pool = await createDetectorPool({ analytics: analytics({}, { workers: 1 }), log: silentLogger() });
  try {
    const dets = await pool.detect('cam', img);
    assert.ok(dets && dets.some((d) => d.label === 'person'), JSON.stringify(dets));
  } finally {
    await pool.close();
  }
});
