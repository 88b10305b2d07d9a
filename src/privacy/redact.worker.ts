/**
 * A redaction worker (see redact-parallel.ts): loads the face and plate detectors once, then answers requests one
 * at a time: pass 1 on one sampled frame (faces per window + plates), or the check's faces on some windows of a
 * redacted frame.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors';
import type { MediaTools } from '../media/ffmpeg';
import type { TextDetector } from '../plates/read/detector';
import { FaceDetector } from './faces';
import { findInFrame } from './redact';

export interface WorkerInit {
  tools: MediaTools;
  faces: { threshold: number; tile: number };
  plates: boolean;
}
export type WorkerRequest =
  | { id: number; op: 'frame'; yuv: Uint8Array; width: number; height: number; plateSide: number | null }
  | { id: number; op: 'windows'; yuv: Uint8Array; width: number; height: number; which: number[]; threshold: number };
export type WorkerReply = { id: number; ok: unknown } | { id: number; error: string } | { ready: true; key: string } | { failed: string };

const init = workerData as WorkerInit;
const port = parentPort!;

async function load(): Promise<{ faces: FaceDetector; plates: TextDetector | null }> {
  const faces = await FaceDetector.load({ threshold: init.faces.threshold, tile: init.faces.tile });
  let plates = null;
  if (init.plates) {
    const { TextDetector } = await import('../plates/read/detector');
    const { defaultModelPaths } = await import('../plates/read/models');
    plates = await TextDetector.load({ detModel: defaultModelPaths().detModel, threads: 1 });
  }
  return { faces, plates };
}

load().then(
  (det) => {
    port.on('message', (m: WorkerRequest) => {
      const job = m.op === 'frame'
        ? findInFrame(det, m.yuv, m.width, m.height, m.plateSide)
        : det.faces.detectYuvWindows(m.yuv, m.width, m.height, m.which, m.threshold);
      job.then(
        (ok) => port.postMessage({ id: m.id, ok } satisfies WorkerReply),
        (err: unknown) => port.postMessage({ id: m.id, error: errorMessage(err) } satisfies WorkerReply),
      );
    });
    port.postMessage({ ready: true, key: det.faces.key } satisfies WorkerReply);
  },
  (err: unknown) => port.postMessage({ failed: errorMessage(err) } satisfies WorkerReply),
);
