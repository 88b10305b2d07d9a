import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { errorMessage, OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Box, RgbImage } from '../detect/types';
import { spawnFfmpeg, type MediaTools } from '../media/ffmpeg';
import { probeVideoGeometry, rawYuvDecodeArgs, rawYuvEncodeArgs, type EncoderSettings } from '../media/privacy-filters';
import { RawFrameReader } from '../media/raw-frames';
import type { TextDetector } from '../plates/read/detector';
import { mergeWindows, type FaceBox, type FaceDetector } from './faces';
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
  /**
   * Pass 1's faces per window of every sampled frame, down to the check's threshold, for the detector `key`: the
   * check reuses them for the windows no blur touches (the same pixels give the same result). Optional: an
   * analysis without them (older, or another detector) is checked in full.
   */
  faceWindows?: FaceWindowCache;
}

export interface FaceWindowCache {
  key: string;
  frames: Array<[number, FaceBox[][]]>;
}

/**
 * Face detection by windows of a YUV frame: a FaceDetector in this thread, or the windows spread over worker
 * threads (RedactionPool). `key` names what its results depend on (runtime, tiles, check threshold).
 */
export interface FaceWindowDetector {
  readonly o: { threshold: number; tile: number };
  readonly key: string;
  windows(width: number, height: number): Box[];
  detectYuvWindows(yuv: Uint8Array, width: number, height: number, which: readonly number[], threshold: number): Promise<FaceBox[][]>;
}

/** What pass 1 finds on one sampled frame. */
export interface FrameFinds {
  /** Faces per window, scoring at least the check's threshold (CHECK_MARGIN × the face threshold). */
  windows: FaceBox[][];
  /** Text boxes on plate frames; null on the others (or plates off). */
  plates: Array<{ box: Box; score: number }> | null;
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
  /** Per sampled frame, the faces of each window down to the check's threshold (see Analysis.faceWindows). */
  windows: Array<[number, FaceBox[][]]>;
  /** FaceWindowDetector.key of the detector that found them. */
  key: string;
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
  return detectFramesWith(tools, input, g, s, log, det.faces.o.threshold, det.faces.key, 1, (f, yuv) => findInFrame(det, yuv, g.width, g.height, f % plateStep(s) === 0 && det.plates ? s.plateSide ?? 480 : null), range);
}

/** Pass 1 on one sampled frame (in this thread or in a redaction worker). */
export async function findInFrame(det: { faces: FaceWindowDetector; plates: TextDetector | null }, yuv: Uint8Array, width: number, height: number, plateSide: number | null): Promise<FrameFinds> {
  const all = det.faces.windows(width, height).map((_, i) => i);
  const windows = await det.faces.detectYuvWindows(yuv, width, height, all, det.faces.o.threshold * CHECK_MARGIN);
  let plates: FrameFinds['plates'] = null;
  if (det.plates && plateSide !== null) {
    const text = await det.plates.detect(yuv420ToRgb(yuv, width, height), plateSide);
    plates = text.map((t) => ({ box: quadBox(t.quad), score: t.score }));
  }
  return { windows, plates };
}

/**
 * Pass 1's loop: decodes, hands every n-th frame to `find` (up to `parallel` frames at once: worker threads), and
 * collects what it found by frame number (the order frames finish in does not matter: tracking sorts them).
 */
export async function detectFramesWith(tools: MediaTools, input: string, g: { width: number; height: number; fps: number }, s: RedactionSettings, log: Logger, threshold: number, key: string, parallel: number, find: (frame: number, yuv: Uint8Array) => Promise<FrameFinds>, range: FrameRange = { from: 0, to: Infinity }): Promise<Detections> {
  const { width, height } = g;
  const frameBytes = width * height * 3 / 2;
  const found: Detections['found'] = [];
  const windows: Detections['windows'] = [];
  let frame = 0;
  const inFlight = new Set<Promise<void>>();
  let failed: unknown = null;
  const dec = spawnFfmpeg(tools, rawYuvDecodeArgs(input, range.to), { stdout: 'pipe', log });
  // Only the sampled frames are copied out of the pipe (the others are counted and skipped).
  const reader = new SampledFrameReader(frameBytes, (f) => f >= range.from && f % s.detectEveryFrames === 0, (yuv) => {
    const f = frame++;
    if (!yuv) return;
    const job = find(f, yuv).then((r) => {
      windows.push([f, r.windows]);
      found.push({ frame: f, kind: 'face', dets: mergeWindows(r.windows, threshold) });
      if (r.plates) found.push({ frame: f, kind: 'plate', dets: r.plates });
    }, (err: unknown) => {
      failed ??= err;
    }).finally(() => void inFlight.delete(job));
    inFlight.add(job);
  });
  await pump(dec, (chunk) => reader.push(chunk), async () => {
    // Bound memory: decoding waits while a few frames wait for the detectors.
    while (inFlight.size > parallel * 2 - 1 && !failed) await Promise.race(inFlight);
    if (failed) throw failed;
  });
  await Promise.all(inFlight);
  if (failed) throw failed;
  windows.sort((a, b) => a[0] - b[0]);
  return { width, height, fps: g.fps, frameCount: frame, found, windows, key };
}

/** Joins the detections of one clip (of one or more ranges, in any order) into tracks, in frame order. */
export function trackDetections(parts: readonly Detections[], s: RedactionSettings): Analysis {
  const first = parts[0]!;
  const tracker = new BoxTracker(s.detectEveryFrames * 3, plateStep(s) * 2);
  const all = parts.flatMap((p) => p.found).sort((a, b) => a.frame - b.frame || (a.kind === b.kind ? 0 : a.kind === 'face' ? -1 : 1));
  for (const x of all) tracker.update(x.frame, x.kind, x.dets);
  const frames = parts.flatMap((p) => p.windows).sort((a, b) => a[0] - b[0]);
  return { width: first.width, height: first.height, fps: first.fps, frameCount: Math.max(...parts.map((p) => p.frameCount)), tracks: tracker.tracks, faceWindows: { key: first.key, frames } };
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
export async function renderVerified(tools: MediaTools, input: string, output: string, a: Analysis, keep: ReadonlySet<number>, s: RedactionSettings, encoder: EncoderSettings, det: { faces: FaceWindowDetector; plates?: TextDetector | null }, log: Logger): Promise<{ analysis: Analysis; frames: number; blurredBoxes: number; added: number; checkedWindows: number; reusedWindows: number }> {
  const r = await render(tools, input, output, a, keep, s, encoder, det.faces, log);
  return { ...withCheckFinds(a, r.found, s, r, log), checkedWindows: r.checkedWindows, reusedWindows: r.reusedWindows };
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

async function render(tools: MediaTools, input: string, output: string, a: Analysis, keep: ReadonlySet<number>, s: RedactionSettings, encoder: EncoderSettings, check: FaceWindowDetector | null, log: Logger): Promise<{ frames: number; blurredBoxes: number; found: Map<number, Box[]>; checkedWindows: number; reusedWindows: number }> {
  const step = s.detectEveryFrames;
  const reach = checkReach(s);
  const pstep = plateStep(s);
  const plan = new BlurPlan(a.tracks, { step, plateStep: pstep, hold: s.holdFrames, padding: s.padding, frameCount: a.frameCount, width: a.width, height: a.height });
  const keptPlan = new BlurPlan(a.tracks.filter((t) => keep.has(t.id)), { step, plateStep: pstep, hold: s.holdFrames, padding: s.padding, frameCount: a.frameCount, width: a.width, height: a.height });
  const enc = spawnFfmpeg(tools, rawYuvEncodeArgs({ width: a.width, height: a.height, fps: a.fps, output, encoder }), { stdin: 'pipe', log });
  const encDone = exited(enc, 'the redaction encoder');
  const dec = spawnFfmpeg(tools, rawYuvDecodeArgs(input), { stdout: 'pipe', log });
  let frame = 0;
  let encoded = 0;
  let blurred = 0;
  let checkedWindows = 0;
  let reusedWindows = 0;
  const low = check ? check.o.threshold * CHECK_MARGIN : 0;
  // Pass 1's per-window faces, when they were found by this very detector at this threshold.
  const cache = check && a.faceWindows?.key === check.key ? new Map(a.faceWindows.frames) : null;
  const wins = check ? check.windows(a.width, a.height) : [];
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
  // The check of a frame runs while the next frames are decoded and blurred (on worker threads that is real
  // overlap); its finds are applied when the next check frame comes (which must see them) or at the end. Frames
  // a pending check may still blur (from its frame − reach on) are not encoded before it is settled.
  let pending: { f: number; job: Promise<FaceBox[]> } | null = null;
  const settle = async (): Promise<void> => {
    if (!pending) return;
    const { f, job } = pending;
    pending = null;
    const faces = await job;
    if (!faces.length) return;
    found.set(f, faces.map((x) => x.box));
    for (const x of faces) {
      const box = pad(x.box);
      if (box[2] <= 0 || box[3] <= 0) continue;
      extra.push({ box, until: f + reach });
      // Backwards through the look-ahead buffer, the frame itself, and forwards over frames already blurred.
      for (const b of buffer) if (b.f >= f - reach && b.f <= f + reach) pixelateYuv420(b.yuv, a.width, a.height, box);
      blurred++;
    }
  };
  const process = async (yuv: Uint8Array): Promise<void> => {
    const f = frame++;
    const checking = check !== null && f % step === 0;
    if (checking) await settle();
    const applied: Box[] = []; // every box pixelated in this frame so far
    for (const b of plan.boxes(f, keep)) {
      pixelateYuv420(yuv, a.width, a.height, b);
      applied.push(b);
      blurred++;
    }
    if (extra.length > 64) extra.splice(0, extra.length, ...extra.filter((e) => e.until >= f));
    for (const e of extra) {
      if (e.until < f) continue;
      pixelateYuv420(yuv, a.width, a.height, e.box);
      applied.push(e.box);
    }
    if (checking) {
      const kept = keptPlan.boxes(f, new Set());
      // Windows no blur touched hold the very pixels pass 1 saw: its faces there (down to `low`) stand. The rest is
      // detected again. (A 2-pixel margin: chroma of 2×2 blocks and the bilinear taps stay inside it.)
      const before = cache?.get(f);
      const run: number[] = [];
      const perWindow: FaceBox[][] = wins.map((w, i) => {
        if (before && before[i] && !applied.some((b) => overlaps(grow(b, 2), w))) {
          reusedWindows++;
          return before[i]!;
        }
        run.push(i);
        return [];
      });
      checkedWindows += run.length;
      const job = (run.length ? check.detectYuvWindows(yuv, a.width, a.height, run, low) : Promise.resolve([])).then((fresh) => {
        run.forEach((i, k) => void (perWindow[i] = fresh[k]!));
        // A margin below the release threshold: a pattern hovering around it between checks is caught too.
        return mergeWindows(perWindow, low).filter((x) => !kept.some((k) => overlaps(k, x.box)));
      });
      // settle() awaits it and throws; this only logs a failure that happens while nothing awaits it yet.
      job.catch((err: unknown) => log.debug({ err: errorMessage(err), frame: f }, 'redaction check failed'));
      pending = { f, job };
    }
    buffer.push({ f, yuv });
  };
  const flush = async (all: boolean): Promise<void> => {
    const limit = all ? Infinity : Math.min(frame - reach, pending ? pending.f - reach : Infinity);
    while (buffer.length && buffer[0]!.f < limit) {
      const next = buffer.shift()!;
      encoded++;
      if (!enc.stdin!.write(next.yuv)) await once(enc.stdin!, 'drain');
    }
  };
  enc.stdin!.on('error', (err) => log.warn({ err: err.message }, 'redaction encoder input closed'));
  await pump(dec, (chunk) => reader.push(chunk), async () => {
    for (const yuv of decoded.splice(0)) await process(yuv);
    await flush(false);
  });
  await settle();
  await flush(true);
  enc.stdin!.end();
  await encDone;
  return { frames: encoded, blurredBoxes: blurred, found, checkedWindows, reusedWindows };
}

/**
 * Cuts raw frames (fixed bytes each) out of a pipe like RawFrameReader, but copies only the frames `wanted` asks
 * for; the others are handed over as null (counted, never allocated).
 */
class SampledFrameReader {
  private frame: Uint8Array | null = null;
  private filled = 0;
  private index = 0;

  constructor(private readonly frameBytes: number, private readonly wanted: (index: number) => boolean, private readonly onFrame: (data: Uint8Array | null) => void) {}

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.filled === 0 && this.wanted(this.index)) this.frame = new Uint8Array(this.frameBytes);
      const n = Math.min(this.frameBytes - this.filled, chunk.length - off);
      this.frame?.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.frameBytes) {
        const done = this.frame;
        this.frame = null;
        this.filled = 0;
        this.index++;
        this.onFrame(done);
      }
    }
  }
}

function grow(b: Box, px: number): Box {
  return [b[0] - px, b[1] - px, b[2] + 2 * px, b[3] + 2 * px];
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
