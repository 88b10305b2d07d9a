import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { errorMessage, OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Box, RgbImage } from '../detect/types';
import { spawnFfmpeg, type MediaTools } from '../media/ffmpeg';
import { probeVideoGeometry, rawYuvDecodeArgs, rawYuvEncodeArgs, type EncoderSettings } from '../media/privacy-filters';
import { RawFrameReader } from '../media/raw-frames';
import type { TextDetector } from '../plates/read/detector';
import type { FaceDetector } from './faces';
import type { TrackSummary } from './privacy.model';
import { BlurPlan, BoxTracker, pixelateYuv420, summarise, type Track } from './tracks';

export interface RedactionSettings {
  detectEveryFrames: number;
  /**
   * Run the plate text detector on every n-th frame only (default: detectEveryFrames; rounded up to a multiple of
   * it). Plates move slowly and the detector costs more than the face detector; their tracks are interpolated
   * between detections and held `plateEveryFrames − 1 + holdFrames` frames before/after.
   */
  plateEveryFrames?: number;
  /** Longer side the plate text detector sees (default 480). */
  plateSide?: number;
  holdFrames: number;
  padding: number;
}

export interface RedactionDetectors {
  faces: FaceDetector;
  /** The ANPR text detector (PP-OCRv4 det); null = plates not blurred. */
  plates: TextDetector | null;
}

export interface Analysis {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  tracks: Track[];
}

/** Frames [from, to) of a clip (to = Infinity: to its end), by decode order. */
export interface FrameRange {
  from: number;
  to: number;
}

/** What the detectors found on the sampled frames of a clip (or of a range of it), before tracking. */
export interface Detections {
  width: number;
  height: number;
  fps: number;
  /** Frames decoded (the clip's frame count when the range runs to its end). */
  frameCount: number;
  found: Array<{ frame: number; kind: Track['kind']; dets: Array<{ box: Box; score: number }> }>;
}

/**
 * Redaction for release, pass 1: decode the clip, run face detection (BlazeFace) on every n-th frame and the
 * plate text detector on every `plateEveryFrames`-th, and join the boxes into tracks. Only boxes are kept
 * (never crops or descriptors).
 */
export async function analyseClip(tools: MediaTools, input: string, det: RedactionDetectors, s: RedactionSettings, log: Logger): Promise<Analysis> {
  return trackDetections([await detectFrames(tools, input, det, s, log)], s);
}

/** Pass 1's detection over frames [from, to) (the sampling grid is the clip's: frame numbers are global). */
export async function detectFrames(tools: MediaTools, input: string, det: RedactionDetectors, s: RedactionSettings, log: Logger, range: FrameRange = { from: 0, to: Infinity }): Promise<Detections> {
  const g = await probeVideoGeometry(tools, input);
  const { width, height } = g;
  const pstep = plateStep(s);
  const frameBytes = width * height * 3 / 2;
  const found: Detections['found'] = [];
  let frame = 0;
  let pending = 0;
  let chain = Promise.resolve();
  const dec = spawnFfmpeg(tools, rawYuvDecodeArgs(input, range.to), { stdout: 'pipe', log });
  const reader = new RawFrameReader(frameBytes, (yuv) => {
    const f = frame++;
    if (f < range.from || f % s.detectEveryFrames !== 0) return;
    const rgb = yuv420ToRgb(yuv, width, height);
    pending++;
    chain = chain.then(async () => {
      found.push({ frame: f, kind: 'face', dets: await det.faces.detect(rgb) });
      if (det.plates && f % pstep === 0) {
        const text = await det.plates.detect(rgb, s.plateSide ?? 480);
        found.push({ frame: f, kind: 'plate', dets: text.map((t) => ({ box: quadBox(t.quad), score: t.score })) });
      }
    }).finally(() => void pending--);
  });
  await pump(dec, (chunk) => reader.push(chunk), async () => {
    if (pending > 2) await chain; // bound memory: decoding waits while a few frames wait for the detectors
  });
  await chain;
  return { width, height, fps: g.fps, frameCount: frame, found };
}

/** Joins the detections of one clip (of one or more ranges, in any order) into tracks, in frame order. */
export function trackDetections(parts: readonly Detections[], s: RedactionSettings): Analysis {
  const first = parts[0]!;
  const tracker = new BoxTracker(s.detectEveryFrames * 3, plateStep(s) * 2);
  const all = parts.flatMap((p) => p.found).sort((a, b) => a.frame - b.frame || (a.kind === b.kind ? 0 : a.kind === 'face' ? -1 : 1));
  for (const x of all) tracker.update(x.frame, x.kind, x.dets);
  return { width: first.width, height: first.height, fps: first.fps, frameCount: Math.max(...parts.map((p) => p.frameCount)), tracks: tracker.tracks };
}

/** Pass 2: decode, pixelate every tracked box except the kept tracks, encode (libx264, settings stated). */
export async function renderRedacted(tools: MediaTools, input: string, output: string, a: Analysis, keep: ReadonlySet<number>, s: RedactionSettings, encoder: EncoderSettings, log: Logger): Promise<{ frames: number; blurredBoxes: number }> {
  const r = await render(tools, input, output, a, keep, s, encoder, null, log);
  return { frames: r.frames, blurredBoxes: r.blurredBoxes };
}

/**
 * Pass 2 WITH a check: on every n-th frame the face detector runs again on the frame as redacted (before it is
 * encoded); anything it still finds — a face the first pass missed, or a face-like pattern that only stands out
 * once the real faces are blurred (seen on a V-neck) — is pixelated too, held like a track: backwards through a
 * look-ahead buffer of `n − 1 + hold` frames not yet encoded, and forwards as long. One decode, one encode.
 * Kept tracks' own boxes are not re-blurred. Returns the analysis with the found boxes added as tracks.
 */
export async function renderVerified(tools: MediaTools, input: string, output: string, a: Analysis, keep: ReadonlySet<number>, s: RedactionSettings, encoder: EncoderSettings, det: RedactionDetectors, log: Logger): Promise<{ analysis: Analysis; frames: number; blurredBoxes: number; added: number }> {
  const r = await render(tools, input, output, a, keep, s, encoder, det.faces, log);
  return withCheckFinds(a, r.found, s, r, log);
}

/** Adds what the check found (frame → boxes, frames in order) to the analysis as face tracks. */
export function withCheckFinds(a: Analysis, found: Iterable<[number, Box[]]>, s: RedactionSettings, r: { frames: number; blurredBoxes: number }, log: Logger): { analysis: Analysis; frames: number; blurredBoxes: number; added: number } {
  const tracker = new BoxTracker(s.detectEveryFrames * 3);
  for (const [f, boxes] of [...found].sort((x, y) => x[0] - y[0])) tracker.update(f, 'face', boxes.map((box) => ({ box, score: 1 })));
  let next = Math.max(0, ...a.tracks.map((t) => t.id)) + 1;
  const extra = tracker.tracks.map((t) => ({ ...t, id: next++ }));
  if (extra.length) log.info({ added: extra.length }, 'redaction check found more to blur');
  return { analysis: { ...a, tracks: [...a.tracks, ...extra] }, frames: r.frames, blurredBoxes: r.blurredBoxes, added: extra.length };
}

/**
 * Pass 2 over a range, for splitting a clip between workers: frames [from, to) are blurred and checked, only
 * [encodeFrom, encodeTo) are encoded. Ranges overlap their neighbours by `checkReach(s)` × 2 frames so that a
 * check find's hold backwards and forwards across the cut is applied by the worker that encodes those frames.
 */
export async function renderRange(tools: MediaTools, input: string, output: string, a: Analysis, keep: ReadonlySet<number>, s: RedactionSettings, encoder: EncoderSettings, check: FaceDetector | null, log: Logger, range: RenderRange): Promise<{ frames: number; blurredBoxes: number; found: Array<[number, Box[]]> }> {
  const r = await render(tools, input, output, a, keep, s, encoder, check, log, range);
  return { frames: r.frames, blurredBoxes: r.blurredBoxes, found: [...r.found] };
}

export interface RenderRange extends FrameRange {
  encodeFrom: number;
  encodeTo: number;
}

/** How far (frames) a check find is held backwards and forwards. */
export function checkReach(s: RedactionSettings): number {
  return s.detectEveryFrames - 1 + s.holdFrames;
}

/** How often the plate text detector runs: a multiple of the face step. */
export function plateStep(s: RedactionSettings): number {
  const step = s.detectEveryFrames;
  return Math.max(1, Math.ceil((s.plateEveryFrames ?? step) / step)) * step;
}

/** The check blurs what scores above this share of the face threshold. */
export const CHECK_MARGIN = 0.7;

async function render(tools: MediaTools, input: string, output: string, a: Analysis, keep: ReadonlySet<number>, s: RedactionSettings, encoder: EncoderSettings, check: FaceDetector | null, log: Logger, range: RenderRange = { from: 0, to: Infinity, encodeFrom: 0, encodeTo: Infinity }): Promise<{ frames: number; blurredBoxes: number; found: Map<number, Box[]> }> {
  const step = s.detectEveryFrames;
  const reach = checkReach(s);
  const pstep = plateStep(s);
  const plan = new BlurPlan(a.tracks, { step, plateStep: pstep, hold: s.holdFrames, padding: s.padding, frameCount: a.frameCount, width: a.width, height: a.height });
  const keptPlan = new BlurPlan(a.tracks.filter((t) => keep.has(t.id)), { step, plateStep: pstep, hold: s.holdFrames, padding: s.padding, frameCount: a.frameCount, width: a.width, height: a.height });
  const enc = spawnFfmpeg(tools, rawYuvEncodeArgs({ width: a.width, height: a.height, fps: a.fps, output, encoder }), { stdin: 'pipe', log });
  const encDone = exited(enc, 'the redaction encoder');
  const dec = spawnFfmpeg(tools, rawYuvDecodeArgs(input, range.to), { stdout: 'pipe', log });
  let frame = 0;
  let encoded = 0;
  let blurred = 0;
  const found = new Map<number, Box[]>();
  const extra: Array<{ box: Box; until: number }> = []; // check finds, held forwards
  const buffer: Array<{ f: number; yuv: Uint8Array }> = []; // not yet encoded (look-ahead for holding backwards)
  const decoded: Uint8Array[] = [];
  const reader = new RawFrameReader(a.width * a.height * 3 / 2, (yuv) => void decoded.push(yuv));
  const pad = (b: Box): Box => {
    const px = b[2] * s.padding;
    const py = b[3] * s.padding;
    const x0 = Math.max(0, Math.floor(b[0] - px));
    const y0 = Math.max(0, Math.floor(b[1] - py));
    return [x0, y0, Math.min(a.width, Math.ceil(b[0] + b[2] + px)) - x0, Math.min(a.height, Math.ceil(b[1] + b[3] + py)) - y0];
  };
  const process = async (yuv: Uint8Array): Promise<void> => {
    const f = frame++;
    if (f < range.from) return; // before this worker's range (decoded only to count frames exactly)
    for (const b of plan.boxes(f, keep)) {
      pixelateYuv420(yuv, a.width, a.height, b);
      blurred++;
    }
    if (extra.length > 64) extra.splice(0, extra.length, ...extra.filter((e) => e.until >= f));
    for (const e of extra) if (e.until >= f) pixelateYuv420(yuv, a.width, a.height, e.box);
    if (check && f % step === 0) {
      const kept = keptPlan.boxes(f, new Set());
      // A margin below the release threshold: a pattern hovering around it between checks is caught too.
      const faces = (await check.detect(yuv420ToRgb(yuv, a.width, a.height), check.o.threshold * CHECK_MARGIN)).filter((x) => !kept.some((k) => overlaps(k, x.box)));
      if (faces.length) {
        found.set(f, faces.map((x) => x.box));
        for (const x of faces) {
          const box = pad(x.box);
          if (box[2] <= 0 || box[3] <= 0) continue;
          extra.push({ box, until: f + reach });
          pixelateYuv420(yuv, a.width, a.height, box);
          for (const older of buffer) if (older.f >= f - reach) pixelateYuv420(older.yuv, a.width, a.height, box);
          blurred++;
        }
      }
    }
    buffer.push({ f, yuv });
  };
  const flush = async (all: boolean): Promise<void> => {
    while (buffer.length > (all ? 0 : reach)) {
      const next = buffer.shift()!;
      if (next.f < range.encodeFrom || next.f >= range.encodeTo) continue;
      encoded++;
      if (!enc.stdin!.write(next.yuv)) await once(enc.stdin!, 'drain');
    }
  };
  enc.stdin!.on('error', (err) => log.warn({ err: err.message }, 'redaction encoder input closed'));
  await pump(dec, (chunk) => reader.push(chunk), async () => {
    for (const yuv of decoded.splice(0)) await process(yuv);
    await flush(false);
  });
  await flush(true);
  enc.stdin!.end();
  await encDone;
  return { frames: encoded, blurredBoxes: blurred, found };
}

function overlaps(a: Box, b: Box): boolean {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

/** Reads a child's stdout chunk by chunk, pausing it while `after` (back-pressure) runs; fails if it exits non-zero. */
async function pump(child: ChildProcess, onChunk: (c: Buffer) => void, after: () => Promise<void>): Promise<void> {
  const done = exited(child, 'the decoder');
  try {
    for await (const chunk of child.stdout!) {
      onChunk(chunk as Buffer);
      await after();
    }
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  await done;
}

function exited(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('error', (err) => reject(new OperationalError('media_tool_missing', `Cannot run ffmpeg for ${what}: ${errorMessage(err)}`, { cause: err })));
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new OperationalError('redaction_failed', `ffmpeg (${what}) failed: ${signal ?? `exit ${code}`}`))));
  });
}

function quadBox(q: ReadonlyArray<readonly [number, number]>): Box {
  const xs = q.map((p) => p[0]);
  const ys = q.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  return [x0, y0, Math.max(...xs) - x0, Math.max(...ys) - y0];
}

// BT.601 limited range in 16.16 fixed point, by lookup (what ffmpeg's default yuv420p conversion gives).
const Y_T = Int32Array.from({ length: 256 }, (_, y) => Math.round(1.164 * (y - 16) * 65536));
const RV = Int32Array.from({ length: 256 }, (_, v) => Math.round(1.596 * (v - 128) * 65536));
const GU = Int32Array.from({ length: 256 }, (_, u) => Math.round(0.392 * (u - 128) * 65536));
const GV = Int32Array.from({ length: 256 }, (_, v) => Math.round(0.813 * (v - 128) * 65536));
const BU = Int32Array.from({ length: 256 }, (_, u) => Math.round(2.017 * (u - 128) * 65536));

/** Planar YUV 4:2:0 (BT.601 limited range) to packed RGB. */
export function yuv420ToRgb(yuv: Uint8Array, width: number, height: number): RgbImage {
  const out = new Uint8ClampedArray(width * height * 3);
  const cw = width >> 1;
  const uOff = width * height;
  const vOff = uOff + cw * (height >> 1);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const crow = (y >> 1) * cw;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const c = Y_T[yuv[row + x]!]!;
      const u = yuv[uOff + crow + (x >> 1)]!;
      const v = yuv[vOff + crow + (x >> 1)]!;
      out[o++] = (c + RV[v]! + 32768) >> 16;
      out[o++] = (c - GU[u]! - GV[v]! + 32768) >> 16;
      out[o++] = (c + BU[u]! + 32768) >> 16;
    }
  }
  return { width, height, data: new Uint8Array(out.buffer) };
}


export type { TrackSummary };
export { summarise };
