import { ValidationError } from '../core/errors';
import type { EpochMs } from '../core/time';
import type { Box, Detection, RgbImage } from '../detect/types';
import { assign, FORBIDDEN, iou } from './assignment';
import { initiate, predict, stateToBox, update as kalmanUpdate, type KalmanState } from './kalman';
import { cropBox, snapshotQuality } from './snapshot';
import type { FrameUpdate, Track, TrackEvent, TrackState, Tracker } from './types';

export interface ByteTrackerOptions {
  /** Detections at or above this score take part in the first association stage (ByteTrack's track_thresh). */
  highThreshold?: number;
  /** Detections from here up to highThreshold can only continue tracks (the second, "rescue" stage). */
  lowThreshold?: number;
  /** An unmatched high detection starts a (tentative) track only at or above this score. */
  newTrackThreshold?: number;
  /** Gate of stage 1 (high detections vs tracked + lost tracks): 1 − IoU × score must be below it. */
  matchThreshold?: number;
  /** Gate of stage 2 (low detections vs tracked tracks): 1 − IoU must be below it. */
  lowMatchThreshold?: number;
  /** Gate of stage 3 (remaining high detections vs tentative tracks): 1 − IoU × score must be below it. */
  tentativeMatchThreshold?: number;
  /** Matched detections a tentative track needs to be confirmed (1 = a track appears on its first detection). */
  minHits?: number;
  /** A confirmed track unmatched for longer than this is ended ('lost' event). */
  lostAfterMs?: number;
  /** Centre points kept per track. */
  trailLength?: number;
  /** Longest side of a best-snapshot crop, in pixels (larger boxes are subsampled). */
  maxCropSide?: number;
  /**
   * Buffered IoU (C-BIoU): both boxes are widened by this fraction of their size per second since the track was
   * last matched, up to bufferMax. At video rate this is ~0 (plain ByteTrack); at 1–2 fps it lets an object
   * that moved about its own width between samples still overlap its track.
   */
  bufferPerS?: number;
  bufferMax?: number;
  /** Tracked and lost tracks of one label overlapping above this IoU are duplicates: the lost one ends. */
  duplicateIou?: number;
}

export const BYTETRACK_DEFAULTS: Required<ByteTrackerOptions> = {
  highThreshold: 0.5,
  lowThreshold: 0.1,
  newTrackThreshold: 0.6,
  matchThreshold: 0.8,
  lowMatchThreshold: 0.5,
  tentativeMatchThreshold: 0.7,
  minHits: 2,
  lostAfterMs: 3000,
  trailLength: 64,
  maxCropSide: 256,
  bufferPerS: 1.5,
  bufferMax: 1.5,
  duplicateIou: 0.85,
};

interface Best {
  tMs: EpochMs;
  box: Box;
  score: number;
  crop?: RgbImage;
  quality: number;
}

interface InnerTrack {
  /** 0 until confirmed: ids are handed out in order of confirmation, so tentative noise never burns one. */
  id: number;
  label: string;
  state: Exclude<TrackState, 'removed'>;
  kf: KalmanState;
  /** Time the filter state refers to. */
  kfMs: EpochMs;
  score: number;
  firstMs: EpochMs;
  lastMs: EpochMs;
  hits: number;
  trail: { tMs: EpochMs; x: number; y: number }[];
  best?: Best;
  tentative: { tMs: EpochMs; box: Box; score: number }[];
  /** The last matched detection's box. */
  lastBox: Box;
}

/**
 * ByteTrack (Zhang et al., 2022) with a time-driven Kalman filter: two-stage association — high-score
 * detections against tracked and lost tracks, then low-score detections against the tracks still unmatched —
 * so an occluded, low-confidence object keeps its id instead of being dropped. Matching never crosses labels.
 */
export class ByteTracker implements Tracker {
  private readonly o: Required<ByteTrackerOptions>;
  private tracks: InnerTrack[] = [];
  private nextId = 1;
  private lastMs: EpochMs | undefined;

  constructor(opts: ByteTrackerOptions = {}) {
    this.o = { ...BYTETRACK_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
    if (this.o.lowThreshold > this.o.highThreshold) throw new ValidationError(`tracker: lowThreshold (${this.o.lowThreshold}) must not exceed highThreshold (${this.o.highThreshold})`);
    if (!Number.isInteger(this.o.minHits) || this.o.minHits < 1) throw new ValidationError(`tracker: minHits must be a whole number ≥ 1, got ${this.o.minHits}`);
  }

  update(frame: FrameUpdate): { tracks: Track[]; events: TrackEvent[] } {
    const { tMs, image } = frame;
    if (!Number.isFinite(tMs)) throw new ValidationError(`tracker: frame time must be integer UTC ms, got ${tMs}`);
    if (this.lastMs !== undefined && tMs < this.lastMs) throw new ValidationError(`tracker: frame time went backwards (${tMs} after ${this.lastMs}); feed frames in time order`);
    this.lastMs = tMs;
    const o = this.o;
    const dets = frame.detections.filter((d) => d.box[2] > 0 && d.box[3] > 0 && Number.isFinite(d.score) && d.score >= o.lowThreshold);
    const high = dets.filter((d) => d.score >= o.highThreshold);
    const low = dets.filter((d) => d.score < o.highThreshold);

    for (const t of this.tracks) {
      predict(t.kf, (tMs - t.kfMs) / 1000, t.state !== 'confirmed');
      t.kfMs = tMs;
    }
    const events: TrackEvent[] = [];
    const matched = new Set<InnerTrack>();
    const observe = (t: InnerTrack, d: Detection): void => {
      this.observe(t, d, tMs, image);
      matched.add(t);
    };

    // Stage 1: high detections vs tracked + lost tracks.
    const pool = this.tracks.filter((t) => t.state !== 'tentative');
    const s1 = this.match(pool, high, tMs, o.matchThreshold, true);
    for (const [i, j] of s1.matches) observe(pool[i]!, high[j]!);
    // Stage 2: low detections rescue the tracks that were tracked on the last frame.
    const rest = s1.unmatchedRows.map((i) => pool[i]!).filter((t) => t.state === 'confirmed');
    const s2 = this.match(rest, low, tMs, o.lowMatchThreshold, false);
    for (const [i, j] of s2.matches) observe(rest[i]!, low[j]!);
    // Stage 3: tentative tracks take what is left of the high detections.
    const highLeft = s1.unmatchedCols.map((j) => high[j]!);
    const tentative = this.tracks.filter((t) => t.state === 'tentative');
    const s3 = this.match(tentative, highLeft, tMs, o.tentativeMatchThreshold, true);
    for (const [i, j] of s3.matches) observe(tentative[i]!, highLeft[j]!);

    // One snapshot per track and frame, shared by its 'updated' event and the returned tracks.
    const viewed = new Map<InnerTrack, Track>();
    const views = (t: InnerTrack): Track => {
      let v = viewed.get(t);
      if (!v) viewed.set(t, (v = this.view(t)));
      return v;
    };
    const survivors: InnerTrack[] = [];
    for (const t of this.tracks) {
      if (matched.has(t)) {
        if (t.state === 'tentative' && t.hits >= o.minHits) events.push(this.confirm(t));
        else if (t.state === 'confirmed') events.push({ type: 'updated', track: views(t) });
        survivors.push(t);
      } else if (t.state === 'tentative') {
        continue; // ByteTrack drops an unconfirmed track at its first miss
      } else if (tMs - t.lastMs > o.lostAfterMs) {
        events.push(this.end(t));
      } else {
        t.state = 'lost';
        survivors.push(t);
      }
    }
    for (const j of s3.unmatchedCols) {
      const d = highLeft[j]!;
      if (d.score < o.newTrackThreshold) continue;
      const t = this.create(d, tMs, image);
      if (t.hits >= o.minHits) events.push(this.confirm(t));
      survivors.push(t);
    }
    this.tracks = this.dropDuplicates(survivors, events);
    const tracks = this.tracks.filter((t) => t.state === 'confirmed' && t.lastMs === tMs).map(views);
    return { tracks, events };
  }

  flush(tMs: EpochMs): TrackEvent[] {
    const events = this.tracks.filter((t) => t.state !== 'tentative').map((t) => this.end(t));
    this.tracks = [];
    this.lastMs = tMs;
    return events;
  }

  private match(tracks: InnerTrack[], dets: Detection[], tMs: EpochMs, limit: number, fuseScore: boolean): ReturnType<typeof assign> {
    const n = tracks.length;
    const m = dets.length;
    const cost = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      const t = tracks[i]!;
      const b = Math.min(this.o.bufferMax, (this.o.bufferPerS * (tMs - t.lastMs)) / 1000);
      const tb = stateToBox(t.kf);
      for (let j = 0; j < m; j++) {
        const d = dets[j]!;
        if (d.label !== t.label) {
          cost[i * m + j] = FORBIDDEN;
          continue;
        }
        const sim = bufferedIou(tb, d.box, b);
        cost[i * m + j] = 1 - (fuseScore ? sim * d.score : sim);
      }
    }
    return assign(cost, n, m, limit);
  }

  private create(d: Detection, tMs: EpochMs, image: RgbImage | undefined): InnerTrack {
    const t: InnerTrack = {
      id: 0, label: d.label, state: 'tentative', kf: initiate(d.box), kfMs: tMs, score: d.score, firstMs: tMs, lastMs: tMs, hits: 1,
      trail: [], tentative: [{ tMs, box: [...d.box], score: d.score }], lastBox: [...d.box],
    };
    this.afterObservation(t, d, tMs, image);
    return t;
  }

  private observe(t: InnerTrack, d: Detection, tMs: EpochMs, image: RgbImage | undefined): void {
    kalmanUpdate(t.kf, d.box);
    t.lastBox = [...d.box];
    t.score = d.score;
    t.lastMs = tMs;
    t.hits++;
    if (t.state === 'lost') t.state = 'confirmed';
    if (t.state === 'tentative') t.tentative.push({ tMs, box: [...d.box], score: d.score });
    this.afterObservation(t, d, tMs, image);
  }

  private afterObservation(t: InnerTrack, d: Detection, tMs: EpochMs, image: RgbImage | undefined): void {
    t.trail.push({ tMs, x: t.kf.x[0]!, y: t.kf.x[1]! });
    if (t.trail.length > this.o.trailLength) t.trail.shift();
    const quality = snapshotQuality(d.box, d.score, image);
    if (!t.best || quality > t.best.quality) {
      const crop = image ? cropBox(image, d.box, this.o.maxCropSide) : undefined;
      t.best = { tMs, box: [...d.box], score: d.score, quality, ...(crop ? { crop } : {}) };
    }
  }

  private confirm(t: InnerTrack): TrackEvent {
    t.state = 'confirmed';
    t.id = this.nextId++;
    const track = { ...this.view(t), tentative: t.tentative };
    t.tentative = [];
    return { type: 'appeared', track };
  }

  private end(t: InnerTrack): TrackEvent {
    // Where it was last seen, not where the Kalman filter drifted to since (it may be far outside the frame).
    return { type: 'lost', track: { ...this.view(t), state: 'removed', box: [...t.lastBox] } };
  }

  /** A snapshot for callers: later updates never change a Track already handed out. */
  private view(t: InnerTrack): Track {
    const track: Track = {
      id: t.id, label: t.label, state: t.state, box: stateToBox(t.kf), score: t.score, firstMs: t.firstMs, lastMs: t.lastMs, hits: t.hits, trail: t.trail.slice(),
    };
    if (t.best) track.best = { tMs: t.best.tMs, box: t.best.box, score: t.best.score, ...(t.best.crop ? { crop: t.best.crop } : {}) };
    return track;
  }

  /** ByteTrack's remove_duplicate_stracks, simplified: a lost track sitting on a tracked one of its label ends. */
  private dropDuplicates(tracks: InnerTrack[], events: TrackEvent[]): InnerTrack[] {
    const tracked = tracks.filter((t) => t.state === 'confirmed');
    return tracks.filter((t) => {
      if (t.state !== 'lost') return true;
      const box = stateToBox(t.kf);
      const dup = tracked.some((u) => u.label === t.label && iou(box, stateToBox(u.kf)) > this.o.duplicateIou);
      if (dup) events.push(this.end(t));
      return !dup;
    });
  }
}

/** IoU of the two boxes each widened by `by` × its own size on every side (no allocation: runs per pair). */
function bufferedIou(a: Box, b: Box, by: number): number {
  const aw = a[2] * (1 + 2 * by);
  const ah = a[3] * (1 + 2 * by);
  const bw = b[2] * (1 + 2 * by);
  const bh = b[3] * (1 + 2 * by);
  const ax = a[0] - a[2] * by;
  const ay = a[1] - a[3] * by;
  const bx = b[0] - b[2] * by;
  const bY = b[1] - b[3] * by;
  const iw = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
  if (iw <= 0) return 0;
  const ih = Math.min(ay + ah, bY + bh) - Math.max(ay, bY);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  return inter / (aw * ah + bw * bh - inter);
}
