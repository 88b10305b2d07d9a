/**
 * One detector worker thread: loads its own detector from the spec, then answers detect requests one at a
 * time. A request that fails is answered with its error; the worker keeps serving.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError, isAppError, OperationalError } from '../core/errors';
import { loadDefaultDetector } from './default-detector';
import { loadLabels } from './labels';
import { loadOnnxDetector, type OnnxDetector } from './onnx-detector';
import type { Detector } from './types';
import type { FromWorker, ToWorker, WireError, WorkerInit } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('pool-worker.ts runs only as a worker thread of the detector pool');

function wire(err: unknown): WireError {
  if (isAppError(err)) return { kind: err instanceof UserError ? 'user' : err instanceof OperationalError ? 'operational' : 'other', code: err.code, message: err.message, status: err.status };
  return { kind: 'other', code: 'detector_error', message: err instanceof Error ? err.message : String(err) };
}

const send = (m: FromWorker) => port.postMessage(m);

async function load(init: WorkerInit): Promise<Detector> {
  const s = init.spec;
  if (s.kind === 'default') return loadDefaultDetector({ threshold: s.threshold, nmsIou: s.nmsIou });
  const labels = s.labels ? await loadLabels(s.labels) : undefined;
  return loadOnnxDetector({ model: s.model, family: s.family, labels, threshold: s.threshold, nmsIou: s.nmsIou, threads: s.threads ?? 1 });
}

let detector: Detector;
try {
  detector = await load(workerData as WorkerInit);
} catch (err) {
  send({ type: 'fatal', error: wire(err) });
  process.exit(0);
}
send({ type: 'ready', family: detector.family, labels: [...detector.labels], inputSize: detector.inputSize, threshold: detector.threshold });

port.on('message', (m: ToWorker) => {
  if (m.type === 'close') {
    void detector.close().finally(() => process.exit(0));
    return;
  }
  void (async () => {
    const t0 = performance.now();
    try {
      const detections = await detector.detect({ width: m.width, height: m.height, data: new Uint8Array(m.data) }, m.opts);
      const totalMs = performance.now() - t0;
      const inferMs = (detector as Partial<OnnxDetector>).lastTimings?.inferMs ?? totalMs;
      send({ type: 'result', id: m.id, detections, inferMs, totalMs });
    } catch (err) {
      send({ type: 'error', id: m.id, error: wire(err) });
    }
  })();
});
