import { iou } from '../detect/tfjs/geometry';
import type { Box } from '../detect/types';
import type { TrackSummary } from './privacy.model';

/**
 * Tracks of blurred objects over a clip, so blurs do not flicker: detections (every `step` frames) are joined
 * greedily by overlap (IoU, or centre distance for small fast boxes); between two detections of a track its box
 * is interpolated; before the first and after the last it is HELD for `step - 1 + hold` frames; every box is
 * padded. Track ids are stable for a clip (order of first appearance), so the investigator can keep some by id.
 */
export interface Observation {
  frame: number;
  box: Box;
  score: number;
}

export interface Track {
  id: number;
  kind: 'face' | 'plate';
  obs: Observation[];
}

export class BoxTracker {
  private readonly open: Track[] = [];
  readonly tracks: Track[] = [];
  private nextId = 1;

  /** `maxGapFrames`: a track not matched for longer than this is closed (plates, sampled more sparsely, have their own). */
  constructor(private readonly maxGapFrames: number, private readonly plateGapFrames = maxGapFrames) {}

  private gap(kind: Track['kind']): number {
    return kind === 'plate' ? this.plateGapFrames : this.maxGapFrames;
  }

  update(frame: number, kind: Track['kind'], dets: ReadonlyArray<{ box: Box; score: number }>): void {
    const candidates = this.open.filter((t) => t.kind === kind && frame - t.obs[t.obs.length - 1]!.frame <= this.gap(kind));
    const pairs: Array<{ t: Track; d: number; s: number }> = [];
    dets.forEach((d, i) => {
      for (const t of candidates) {
        const last = t.obs[t.obs.length - 1]!.box;
        const o = iou(last, d.box);
        const dist = Math.hypot(last[0] + last[2] / 2 - (d.box[0] + d.box[2] / 2), last[1] + last[3] / 2 - (d.box[1] + d.box[3] / 2));
        const near = dist < Math.max(last[2], last[3], d.box[2], d.box[3]) * 1.5;
        if (o > 0.1 || near) pairs.push({ t, d: i, s: o + (near ? 0.05 : 0) });
      }
    });
    pairs.sort((a, b) => b.s - a.s);
    const usedT = new Set<Track>();
    const usedD = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.t) || usedD.has(p.d)) continue;
      usedT.add(p.t);
      usedD.add(p.d);
      p.t.obs.push({ frame, box: dets[p.d]!.box, score: dets[p.d]!.score });
    }
    dets.forEach((d, i) => {
      if (usedD.has(i)) return;
      const t: Track = { id: this.nextId++, kind, obs: [{ frame, box: d.box, score: d.score }] };
      this.open.push(t);
      this.tracks.push(t);
    });
    for (let i = this.open.length - 1; i >= 0; i--) {
      const t = this.open[i]!;
      if (frame - t.obs[t.obs.length - 1]!.frame > this.gap(t.kind)) this.open.splice(i, 1);
    }
  }
}

/** Per frame, the padded boxes to blur of each track (frames 0…frameCount-1). */
export class BlurPlan {
  private readonly byFrame = new Map<number, Array<{ track: number; box: Box }>>();

  /** `plateStep`: how often plates were detected (default `step`): a plate track is held that much longer. */
  constructor(tracks: readonly Track[], o: { step: number; plateStep?: number; hold: number; padding: number; frameCount: number; width: number; height: number }) {
    for (const t of tracks) {
      const reach = (t.kind === 'plate' ? o.plateStep ?? o.step : o.step) - 1 + o.hold;
      const obs = t.obs;
      const first = obs[0]!;
      const last = obs[obs.length - 1]!;
      for (let f = Math.max(0, first.frame - reach); f <= Math.min(o.frameCount - 1, last.frame + reach); f++) {
        let box: Box;
        if (f <= first.frame) box = first.box;
        else if (f >= last.frame) box = last.box;
        else {
          let k = 0;
          while (obs[k + 1]!.frame < f) k++;
          const a = obs[k]!;
          const b = obs[k + 1]!;
          const u = (f - a.frame) / (b.frame - a.frame);
          // Interpolate, but never smaller than either end: the union of both is safer for fast motion.
          const lerp = a.box.map((v, i) => v + (b.box[i]! - v) * u) as Box;
          const w = Math.max(a.box[2], b.box[2]);
          const h = Math.max(a.box[3], b.box[3]);
          box = [lerp[0] + lerp[2] / 2 - w / 2, lerp[1] + lerp[3] / 2 - h / 2, w, h];
        }
        const px = box[2] * o.padding;
        const py = box[3] * o.padding;
        const x0 = Math.max(0, Math.floor(box[0] - px));
        const y0 = Math.max(0, Math.floor(box[1] - py));
        const x1 = Math.min(o.width, Math.ceil(box[0] + box[2] + px));
        const y1 = Math.min(o.height, Math.ceil(box[1] + box[3] + py));
        if (x1 <= x0 || y1 <= y0) continue;
        let list = this.byFrame.get(f);
        if (!list) this.byFrame.set(f, (list = []));
        list.push({ track: t.id, box: [x0, y0, x1 - x0, y1 - y0] });
      }
    }
  }

  boxes(frame: number, keep: ReadonlySet<number>): Box[] {
    return (this.byFrame.get(frame) ?? []).filter((b) => !keep.has(b.track)).map((b) => b.box);
  }
}

export function summarise(tracks: readonly Track[], fps: number, width: number, height: number): TrackSummary[] {
  return tracks.map((t) => {
    const best = [...t.obs].sort((a, b) => b.score - a.score)[0]!;
    const first = t.obs[0]!.frame;
    const last = t.obs[t.obs.length - 1]!.frame;
    const r = (v: number) => Math.round(v * 10_000) / 10_000;
    return {
      id: t.id, kind: t.kind, firstFrame: first, lastFrame: last, firstS: r(first / fps), lastS: r(last / fps), detections: t.obs.length,
      box: [r(best.box[0] / width), r(best.box[1] / height), r(best.box[2] / width), r(best.box[3] / height)],
    };
  });
}

/**
 * Pixelates `box` in a planar YUV 4:2:0 frame in place: each block of the box gets its mean (luma and chroma),
 * with blocks half the box's larger side (2×2: finer mosaics of a face are still found by a face detector), so nothing recognisable survives.
 */
export function pixelateYuv420(frame: Uint8Array, width: number, height: number, box: Box): void {
  const [bx, by, bw, bh] = box;
  const block = Math.max(8, Math.ceil(Math.max(bw, bh) / 2));
  pixelatePlane(frame, 0, width, bx, by, bw, bh, block);
  const cw = width >> 1;
  const uOff = width * height;
  const vOff = uOff + cw * (height >> 1);
  const cx = bx >> 1;
  const cy = by >> 1;
  const cbw = Math.ceil((bx + bw) / 2) - cx;
  const cbh = Math.ceil((by + bh) / 2) - cy;
  pixelatePlane(frame, uOff, cw, cx, cy, Math.min(cbw, cw - cx), Math.min(cbh, (height >> 1) - cy), block >> 1);
  pixelatePlane(frame, vOff, cw, cx, cy, Math.min(cbw, cw - cx), Math.min(cbh, (height >> 1) - cy), block >> 1);
}

function pixelatePlane(p: Uint8Array, off: number, stride: number, x: number, y: number, w: number, h: number, block: number): void {
  for (let y0 = y; y0 < y + h; y0 += block) {
    const y1 = Math.min(y + h, y0 + block);
    for (let x0 = x; x0 < x + w; x0 += block) {
      const x1 = Math.min(x + w, x0 + block);
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += p[off + yy * stride + xx]!;
      const mean = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      for (let yy = y0; yy < y1; yy++) p.fill(mean, off + yy * stride + x0, off + yy * stride + x1);
    }
  }
}
