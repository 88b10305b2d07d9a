/**
 * Frames from a video file or a range of recorded segments, faster than real time, for recorded
 * footage analysis: one ffmpeg per file (per segment for recordings, so every frame's time is the
 * segment's start + media time, and a broken segment is named), keyframe-only decoding when the
 * GOP allows it, scaled once to the detector's size. Back-pressure, not drops: a slow consumer
 * simply makes the file read slower. Cancellable (AbortSignal kills ffmpeg); a file that stalls,
 * fails or ends well before its stated length is an error naming it.
 */
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { UserError, isAppError } from '../core/errors';
import { gopFromKeyframes } from '../health/sampler';
import type { MediaTools } from '../media/ffmpeg';
import { probeSource } from '../media/probe';
import { decodeRawFrames } from '../media/raw-decode';
import { fitWithin, keyframesSuffice, sampleArgs, type Size } from './args';
import type { SampledFrame } from './types';

export interface FileSampleOptions {
  fps: number;
  maxSide: number;
  signal?: AbortSignal;
  /** Media ms done and in total, after every frame and at the end. */
  onProgress?(doneMs: number, totalMs: number): void;
  /** 'auto' (default): keyframes only when the GOP allows the rate. */
  decode?: 'auto' | 'keyframes' | 'full';
  /** No output for this long → error (default 30 s). */
  stallMs?: number;
  /** Decoder threads per ffmpeg (default 1: most frames per CPU second). */
  threads?: number;
  /** Told how each file is decoded (before its first frame). */
  onPlan?(plan: { path: string; keyframesOnly: boolean; gopMs: number | null; width: number; height: number }): void;
}

/** A sampled frame of a file, with how far the whole job has come (0..1). */
export interface FileFrame extends SampledFrame {
  progress: number;
}

/** A recorded segment: absolute path and its span in UTC ms (as in the segment index); size and keyframes when the index has them. */
export interface RecordedPiece {
  path: string;
  startMs: number;
  endMs: number;
  width?: number | null;
  height?: number | null;
  /** Keyframe offsets in ms from startMs (segment index). */
  keyframes?: readonly number[];
}

interface FileFacts extends Size {
  gopMs: number | null;
  durationMs: number | null;
}

async function mustBeFile(path: string): Promise<void> {
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!st) throw new UserError('video_not_found', `${path} does not exist: give the path of an existing video file`, { path }, 404);
  if (!st.isFile()) throw new UserError('video_not_file', `${path} is not a file: give the path of a video file`, { path }, 422);
}

async function probeFile(tools: MediaTools, path: string): Promise<FileFacts> {
  await mustBeFile(path);
  try {
    const p = await probeSource(tools, { url: pathToFileURL(path).href, transport: 'auto' }, { defaultTransport: 'tcp', timeoutMs: 30_000, analyzeSeconds: 6, anyCodec: true });
    if (!p.width || !p.height) throw new UserError('video_undecodable', `${path}: its video stream states no picture size; is the file complete?`, { path }, 422);
    return { width: p.width, height: p.height, gopMs: p.gopSeconds !== null ? Math.round(p.gopSeconds * 1000) : null, durationMs: (p.videoDurationSec ?? p.durationSec) ? Math.round((p.videoDurationSec ?? p.durationSec)! * 1000) : null };
  } catch (err) {
    if (isAppError(err) && err.code !== 'media_tool_missing' && err.code !== 'video_undecodable') {
      throw new UserError('video_undecodable', `${path} is not a readable video file: ${err.message}`, { path }, 422);
    }
    throw err;
  }
}

/**
 * The frames of one file (or segment). `t0Ms` is the UTC time of its first frame; frames at or
 * past `expectedMs` (its stated length) are dropped; ending clearly before it is an error.
 */
async function* sampleOne(tools: MediaTools, path: string, facts: FileFacts, o: FileSampleOptions & { t0Ms: number; expectedMs: number | null; source: string; onFrame: (mediaMs: number) => number }, seq: { n: number }): AsyncGenerator<FileFrame> {
  const size = fitWithin(facts, o.maxSide);
  const mode = o.decode ?? 'auto';
  const keyframesOnly = mode === 'keyframes' || (mode === 'auto' && keyframesSuffice(o.fps, facts.gopMs));
  o.onPlan?.({ path, keyframesOnly, gopMs: facts.gopMs, ...size });
  const args = sampleArgs({ inputArgs: ['-i', path], fps: o.fps, keyframesOnly, pacing: 'steady', threads: o.threads, ...size });
  let n = 0;
  let lastMediaMs = -1;
  for await (const data of decodeRawFrames(tools, args, { frameBytes: size.width * size.height * 3, what: path, signal: o.signal, stallMs: o.stallMs })) {
    const mediaMs = Math.round((n++ * 1000) / o.fps);
    if (o.expectedMs !== null && mediaMs >= o.expectedMs) continue; // the rate filter's last slot may fall on the next piece's first
    lastMediaMs = mediaMs;
    const progress = o.onFrame(mediaMs);
    yield { source: o.source, tMs: o.t0Ms + mediaMs, seq: ++seq.n, rgb: { ...size, data }, sourceWidth: facts.width, sourceHeight: facts.height, progress };
  }
  if (o.expectedMs !== null) {
    // The last frame can come up to one frame interval (or one GOP with keyframes only) before the end.
    const slack = Math.max(1000 / o.fps, keyframesOnly ? (facts.gopMs ?? 0) : 0) + 1500;
    if (lastMediaMs + slack < o.expectedMs) {
      throw new UserError('video_truncated', `${path} ended early: frames up to ${(Math.max(0, lastMediaMs) / 1000).toFixed(1)} s of the ${(o.expectedMs / 1000).toFixed(1)} s it should hold; the file is incomplete or damaged`, { path, lastMediaMs, expectedMs: o.expectedMs }, 422);
    }
  }
}

function checkRate(o: FileSampleOptions): void {
  if (!(o.fps > 0 && o.fps <= 60)) throw new UserError('bad_fps', `fps must be a number above 0 and at most 60; got ${o.fps}`);
  if (!(o.maxSide >= 16)) throw new UserError('bad_size', `maxSide must be at least 16 pixels; got ${o.maxSide}`);
}

/** Samples a video file. tMs is media time from the file's first frame (0-based); progress over its duration. */
export async function* sampleFile(tools: MediaTools, path: string, o: FileSampleOptions): AsyncGenerator<FileFrame> {
  checkRate(o);
  const facts = await probeFile(tools, path);
  const total = facts.durationMs ?? 0;
  const seq = { n: 0 };
  const progressAt = (mediaMs: number) => {
    const done = Math.min(total, mediaMs);
    o.onProgress?.(done, total);
    return total ? done / total : 0;
  };
  yield* sampleOne(tools, path, facts, { ...o, t0Ms: 0, expectedMs: facts.durationMs, source: path, onFrame: progressAt }, seq);
  o.onProgress?.(total, total);
}

/**
 * Samples recorded segments in the order given (the segment index's `inRange`), one ffmpeg each.
 * tMs = the segment's start + media time. The first segment is probed for size and GOP; later ones
 * use the index's size and keyframes when it has them, else the first one's.
 */
export async function* sampleRecording(tools: MediaTools, segments: readonly RecordedPiece[], o: FileSampleOptions & { source?: string }): AsyncGenerator<FileFrame> {
  checkRate(o);
  if (!segments.length) return;
  const total = segments.reduce((s, x) => s + Math.max(0, x.endMs - x.startMs), 0);
  let doneBefore = 0;
  const seq = { n: 0 };
  const first = await probeFile(tools, segments[0]!.path);
  for (const seg of segments) {
    o.signal?.throwIfAborted();
    const span = Math.max(0, seg.endMs - seg.startMs);
    await mustBeFile(seg.path);
    const facts: FileFacts = {
      width: seg.width ?? first.width,
      height: seg.height ?? first.height,
      gopMs: (seg.keyframes ? gopFromKeyframes(seg.keyframes) : null) ?? first.gopMs,
      durationMs: span,
    };
    const progressAt = (mediaMs: number) => {
      const done = doneBefore + Math.min(span, mediaMs);
      o.onProgress?.(done, total);
      return total ? done / total : 1;
    };
    yield* sampleOne(tools, seg.path, facts, { ...o, t0Ms: seg.startMs, expectedMs: span, source: o.source ?? seg.path, onFrame: progressAt }, seq);
    doneBefore += span;
    o.onProgress?.(doneBefore, total);
  }
}
