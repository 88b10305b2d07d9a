import { existsSync } from 'node:fs';
import type { Config } from '../config/schema';
import { UserError } from '../core/errors';
import type { Logger } from '../core/logger';
import { loadDefaultDetector } from '../detect/default-detector';
import { loadLabels } from '../detect/labels';
import { loadOnnxDetector } from '../detect/onnx-detector';
import type { Detector, RgbImage } from '../detect/types';
import { BYTETRACK_DEFAULTS } from '../track/bytetrack';
import type { Track, TrackEvent } from '../track/types';
import { detectorAsPool } from './local-pool';
import { CameraPipeline } from './pipeline';
import type { FootageReader } from './ports';
import type { PipelineStages, PipelineStats } from './stages';

export const ONNX_FAMILIES = ['yolox', 'nanodet', 'fastestdet', 'yolo'] as const;
export type OnnxFamily = (typeof ONNX_FAMILIES)[number];

/** The detector named by options (an ONNX model with its family) or the built-in default. */
export async function loadDetectorFrom(o: { model?: string; family?: string; labels?: string; threshold?: number; nmsIou?: number; threads?: number }): Promise<Detector> {
  if (!o.model) {
    if (o.family) throw new UserError('bad_usage', '--family needs --model (the built-in detector has no family to choose)');
    return loadDefaultDetector({ threshold: o.threshold, nmsIou: o.nmsIou });
  }
  if (!existsSync(o.model)) throw new UserError('model_missing', `${o.model} does not exist: give the path of an ONNX detection model`, { path: o.model }, 404);
  if (!o.family || !(ONNX_FAMILIES as readonly string[]).includes(o.family)) {
    throw new UserError('bad_usage', `--family must be one of ${ONNX_FAMILIES.join(', ')} with --model (got ${o.family ?? 'nothing'})`);
  }
  const labels = o.labels ? await loadLabels(o.labels) : undefined;
  return loadOnnxDetector({ model: o.model, family: o.family as OnnxFamily, labels, threshold: o.threshold, nmsIou: o.nmsIou, threads: o.threads });
}

/** One line of `smartview analyse --json`: a track appeared or was lost (source pixels, media ms). */
export interface LocalTrackLine {
  type: 'appeared' | 'lost';
  track: number;
  label: string;
  score: number;
  box: [number, number, number, number];
  t_ms: number;
  first_ms: number;
  last_ms: number;
  hits: number;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

function line(ev: TrackEvent): LocalTrackLine {
  const t: Track = ev.track;
  return {
    type: ev.type as 'appeared' | 'lost', track: t.id, label: t.label, score: Math.round(t.score * 1000) / 1000, box: t.box.map(r1) as LocalTrackLine['box'],
    t_ms: ev.type === 'lost' ? t.lastMs : t.firstMs, first_ms: t.firstMs, last_ms: t.lastMs, hits: t.hits,
  };
}

/**
 * `smartview analyse <file>` without a server: the live pipeline's stages (motion gate, detector,
 * tracker; no rules, no store) over a file, read by the file sampler faster than real time.
 */
export async function analyseFileLocally(o: {
  file: string;
  detector: Detector;
  reader: FootageReader;
  gate: PipelineStages['gate'];
  tracker: PipelineStages['tracker'];
  fps: number;
  classes?: string[];
  signal: AbortSignal;
  log: Logger;
  onLine: (l: LocalTrackLine) => void;
  onProgress?: (p: number) => void;
}): Promise<PipelineStats & { mediaMs: number }> {
  if (!existsSync(o.file)) throw new UserError('input_missing', `${o.file} does not exist: give a video file`, { path: o.file }, 404);
  const pool = detectorAsPool(o.detector);
  const stages: PipelineStages = {
    pool,
    gate: o.gate,
    tracker: o.tracker,
    rules: null,
    sink: {
      trackEvent: async (ev: TrackEvent, _snapshot: RgbImage | undefined) => o.onLine(line(ev)),
      ruleHit: async () => undefined,
    },
  };
  const pipeline = new CameraPipeline({ source: o.file, stages, detect: { classes: o.classes, threshold: Math.min(o.detector.threshold, BYTETRACK_DEFAULTS.lowThreshold) }, gateMinScore: o.detector.threshold, log: o.log });
  const { width, height } = o.detector.inputSize;
  let last = 0;
  for await (const frame of o.reader({ source: o.file, pieces: [{ path: o.file, startMs: 0 }], fps: o.fps, maxSide: Math.max(width, height), signal: o.signal, onProgress: o.onProgress })) {
    await pipeline.process(frame);
    last = frame.tMs;
  }
  await pipeline.flush(last);
  return { ...pipeline.stats(), mediaMs: last };
}

export type AnalyticsConfig = Config['analytics'];
