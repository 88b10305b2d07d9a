import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';
import { Worker } from 'node:worker_threads';
import { SHARED_DIR, sharedSkip } from '../../../test/support/shared';
import type { Detection, RgbImage } from '../types';
import { iou } from './geometry';
import { loadTfjsDetector } from './index';
import { decodeRgbFile } from './test-images';

type Reply = { ready?: boolean; family?: string; detections?: Detection[]; error?: string };

/**
 * Starts worker-fixture.ts in a worker_thread. Node 20 does not apply `--import tsx` to a worker's entry
 * module, so a tiny JavaScript entry registers tsx and imports the TypeScript fixture.
 */
function startWorker(): { worker: Worker; next: () => Promise<Reply> } {
  const url = new URL('./worker-fixture.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((api) => api.tsImport(${JSON.stringify(url)}, ${JSON.stringify(import.meta.url)}))`, { eval: true });
  const queue: Reply[] = [];
  const waiting: Array<(r: Reply) => void> = [];
  worker.on('message', (m: Reply) => (waiting.length ? waiting.shift()!(m) : queue.push(m)));
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
  });
  failed.catch(() => undefined); // observed through next()
  const next = (): Promise<Reply> => Promise.race([queue.length ? Promise.resolve(queue.shift()!) : new Promise<Reply>((r) => waiting.push(r)), failed]);
  return { worker, next };
}

function flatImage(): RgbImage {
  return { width: 96, height: 64, data: new Uint8Array(96 * 64 * 3).fill(127) };
}

test('the default detector loads and runs inside worker_threads, beside one in the main thread', async () => {
  const main = await loadTfjsDetector();
  const a = startWorker();
  const b = startWorker();
  try {
    // Each thread starts its own TF.js engine (two workers at once, and the main thread already has one).
    const [ra, rb] = await Promise.all([a.next(), b.next()]);
    assert.equal(ra.ready, true);
    assert.equal(rb.family, main.family);
    a.worker.postMessage({ image: flatImage() });
    const reply = await a.next();
    assert.equal(reply.error, undefined);
    assert.deepEqual(reply.detections, await main.detect(flatImage()), 'same answer as the main thread');
    b.worker.postMessage({ image: { width: 5, height: 5, data: new Uint8Array(3) } });
    assert.match((await b.next()).error ?? '', /width × height × 3/, 'errors come back as messages; the worker keeps serving');
    b.worker.postMessage({ image: flatImage() });
    assert.ok(Array.isArray((await b.next()).detections));
  } finally {
    await main.close();
    await Promise.all([a.worker.terminate(), b.worker.terminate()]);
  }
});

test('a worker finds the pedestrians of a real frame sent to it', { skip: sharedSkip('mot/MOT17-05-FRCNN') }, async () => {
  const img = await decodeRgbFile(path.join(SHARED_DIR, 'mot/MOT17-05-FRCNN/img1/000001.jpg'));
  const w = startWorker();
  try {
    assert.equal((await w.next()).ready, true);
    w.worker.postMessage({ image: img, classes: ['person'] });
    const reply = await w.next();
    assert.equal(reply.error, undefined);
    assert.ok(reply.detections!.length > 0 && reply.detections!.every((x) => x.label === 'person'));
    assert.ok(reply.detections!.some((p) => iou(p.box, [114, 154, 85, 176]) >= 0.5), 'the nearest walker is found');
  } finally {
    await w.worker.terminate();
  }
});
