/**
 * A redaction worker (see redact-parallel.ts): loads the face and plate detectors once, then runs pass-1
 * detection or pass-2 render-and-check over a range of frames of a clip, one request at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors';
import { silentLogger } from '../core/logger';
import type { MediaTools } from '../media/ffmpeg';
import type { EncoderSettings } from '../media/privacy-filters';
import { FaceDetector } from './faces';
import { detectFrames, renderRange, type Analysis, type FrameRange, type RedactionDetectors, type RedactionSettings, type RenderRange } from './redact';

export interface WorkerInit {
  tools: MediaTools;
  faces: { threshold: number; tile: number };
  plates: boolean;
}
export type WorkerRequest =
  | { id: number; op: 'detect'; input: string; settings: RedactionSettings; range: FrameRange }
  | { id: number; op: 'render'; input: string; output: string; analysis: Analysis; keep: number[]; settings: RedactionSettings; encoder: EncoderSettings; check: boolean; range: RenderRange };
export type WorkerReply = { id: number; ok: unknown } | { id: number; error: string } | { ready: true } | { failed: string };

const init = workerData as WorkerInit;
const port = parentPort!;
const log = silentLogger();

async function load(): Promise<RedactionDetectors> {
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
      const job = m.op === 'detect'
        ? detectFrames(init.tools, m.input, det, m.settings, log, m.range)
        : renderRange(init.tools, m.input, m.output, m.analysis, new Set(m.keep), m.settings, m.encoder, m.check ? det.faces : null, log, m.range);
      job.then(
        (ok) => port.postMessage({ id: m.id, ok } satisfies WorkerReply),
        (err: unknown) => port.postMessage({ id: m.id, error: errorMessage(err) } satisfies WorkerReply),
      );
    });
    port.postMessage({ ready: true } satisfies WorkerReply);
  },
  (err: unknown) => port.postMessage({ failed: errorMessage(err) } satisfies WorkerReply),
);
