/**
 * Test fixture (not product code): a worker_thread that loads the default detector in its own TF.js engine and
 * answers detect requests, the way the detector pool's workers will. Used by tfjs-worker.test.ts.
 */
import { parentPort } from 'node:worker_threads';
import type { RgbImage } from '../types';
import { loadTfjsDetector } from './index';

if (!parentPort) throw new Error('worker-fixture.ts must run in a worker_thread');
const port = parentPort;
const detector = await loadTfjsDetector();
port.postMessage({ ready: true, family: detector.family });
port.on('message', (msg: { image?: RgbImage; classes?: string[]; close?: boolean }) => {
  if (msg.close) {
    void detector.close().then(() => port.close());
    return;
  }
  if (!msg.image) return;
  detector.detect(msg.image, { classes: msg.classes }).then(
    (detections) => port.postMessage({ detections }),
    (err: unknown) => port.postMessage({ error: (err as Error).message }),
  );
});
