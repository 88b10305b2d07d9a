/**
 * Motion gating: whether and where the detector runs on a sampled frame.
 * - No motion and no active track → no detector call.
 * - Motion and/or active tracks → the detector runs on regions: the motion boxes and the tracks'
 *   boxes, padded, overlapping ones merged. The detector shapes them into crops (src/detect/regions).
 * - Regions covering most of the frame, or a change of most of the picture (taken as lighting by
 *   the motion detector, but it may be something right in front of the lens) → the full frame.
 * - A full-frame run at least every `fullFrameEveryMs` (safety net: something the motion detector
 *   misses, e.g. an object that arrived during a lighting change, is still found).
 * A standing object stays detected because the caller passes its track; with `stationaryRecheckMs`
 * a track that has not moved (and has no motion on it) is re-examined only that often.
 */
import type { Box, RgbImage } from '../detect/types';
import { iou } from '../detect/tfjs/geometry';
import { MotionDetector, type MotionOptions, type MotionResult } from './motion';

export interface GateOptions extends MotionOptions {
  /** Full-frame detection at least this often (default 10 000 ms; 0 = never). */
  fullFrameEveryMs?: number;
  /** Regions covering at least this share of the frame → full frame (default 0.5). */
  fullFrameRatio?: number;
  /** Margin added on each side of a motion box, as a share of its longer side (default 0.1), at least 4 px. */
  motionPad?: number;
  /** Margin on each side of a track's box, as a share of its longer side (default 0.25: it may have moved). */
  trackPad?: number;
  /** A track that has not moved and has no motion on it is re-examined only this often (default 0 = every frame). */
  stationaryRecheckMs?: number;
}

export type GateReason = 'idle' | 'motion' | 'tracks' | 'large-motion' | 'lighting' | 'safety-net';

export interface GateResult {
  run: boolean;
  /** Where to run (frame pixels); undefined with run = full frame. */
  regions?: Box[];
  reason: GateReason;
  motion: MotionResult;
}

type Rect = { x1: number; y1: number; x2: number; y2: number };

const toRect = (b: Box, pad: number, W: number, H: number): Rect => {
  const m = Math.max(4, pad * Math.max(b[2], b[3]));
  return { x1: Math.max(0, b[0] - m), y1: Math.max(0, b[1] - m), x2: Math.min(W, b[0] + b[2] + m), y2: Math.min(H, b[1] + b[3] + m) };
};
const overlaps = (a: Rect, b: Rect) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/** Merges overlapping rectangles into their bounding boxes until none overlap. */
export function mergeRects(rects: Rect[]): Rect[] {
  const out = [...rects];
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < out.length && !changed; i++) {
      for (let j = i + 1; j < out.length; j++) {
        if (!overlaps(out[i]!, out[j]!)) continue;
        const a = out[i]!;
        const b = out[j]!;
        out[i] = { x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1), x2: Math.max(a.x2, b.x2), y2: Math.max(a.y2, b.y2) };
        out.splice(j, 1);
        changed = true;
        break;
      }
    }
  }
  return out;
}

export class MotionGate {
  readonly motion: MotionDetector;
  private readonly o: Required<Omit<GateOptions, keyof MotionOptions>>;
  private lastFullMs = -Infinity;
  /** Tracks as last examined (stationary re-check). */
  private examined: Array<{ box: Box; atMs: number }> = [];

  constructor(o: GateOptions = {}) {
    this.motion = new MotionDetector(o);
    this.o = {
      fullFrameEveryMs: o.fullFrameEveryMs ?? 10_000,
      fullFrameRatio: o.fullFrameRatio ?? 0.5,
      motionPad: o.motionPad ?? 0.1,
      trackPad: o.trackPad ?? 0.25,
      stationaryRecheckMs: o.stationaryRecheckMs ?? 0,
    };
  }

  /**
   * `activeTracks`: boxes of the tracks still alive, in this frame's pixels. `tMs`: the frame's time
   * (media time for recordings, so the safety net follows the footage, not the wall clock).
   */
  gate(frame: RgbImage, activeTracks: readonly Box[], tMs: number = Date.now()): GateResult {
    const W = frame.width;
    const H = frame.height;
    const motion = this.motion.detect(frame);
    if (this.o.fullFrameEveryMs > 0 && tMs - this.lastFullMs >= this.o.fullFrameEveryMs) return this.full(tMs, activeTracks, 'safety-net', motion);
    // Most of the picture changed at once: lights, or something right in front of the lens. Rare and cheap to check.
    if (motion.lighting) return this.full(tMs, activeTracks, 'lighting', motion);
    const moving = motion.boxes.map((b) => toRect(b, this.o.motionPad, W, H));
    const tracks = this.tracksToExamine(activeTracks, moving, tMs, W, H);
    const regions = mergeRects([...moving, ...tracks.map((b) => toRect(b, this.o.trackPad, W, H))]);
    if (!regions.length) return { run: false, reason: 'idle', motion };
    const covered = regions.reduce((s, r) => s + (r.x2 - r.x1) * (r.y2 - r.y1), 0);
    if (covered >= this.o.fullFrameRatio * W * H) return this.full(tMs, activeTracks, 'large-motion', motion);
    const boxes = regions.map((r): Box => {
      const x = Math.floor(r.x1);
      const y = Math.floor(r.y1);
      return [x, y, Math.ceil(r.x2) - x, Math.ceil(r.y2) - y];
    });
    return { run: true, regions: boxes, reason: moving.length ? 'motion' : 'tracks', motion };
  }

  private full(tMs: number, tracks: readonly Box[], reason: GateReason, motion: MotionResult): GateResult {
    this.lastFullMs = tMs;
    if (this.o.stationaryRecheckMs > 0) this.examined = tracks.map((box) => ({ box, atMs: tMs }));
    return { run: true, reason, motion };
  }

  /** All tracks; with stationary re-checks, only those that moved, have motion on them or are due. */
  private tracksToExamine(tracks: readonly Box[], moving: readonly Rect[], tMs: number, W: number, H: number): Box[] {
    if (this.o.stationaryRecheckMs <= 0) return [...tracks];
    const next: Array<{ box: Box; atMs: number }> = [];
    const picked: Box[] = [];
    for (const box of tracks) {
      let best: { box: Box; atMs: number } | undefined;
      let bestIou = 0;
      for (const e of this.examined) {
        const v = iou(e.box, box);
        if (v > bestIou) {
          bestIou = v;
          best = e;
        }
      }
      const still = best !== undefined && bestIou >= 0.8;
      const due = !still || tMs - best!.atMs >= this.o.stationaryRecheckMs;
      const r = toRect(box, 0, W, H);
      if (due || moving.some((m) => overlaps(m, r))) {
        picked.push(box);
        next.push({ box, atMs: tMs });
      } else next.push(best!);
    }
    this.examined = next;
    return picked;
  }
}
