/**
 * Plate reads from a video file: vehicles detected and tracked (ByteTrack), plates read on every sampled frame's
 * vehicle crops, one voted read per track when it ends.
 */
import type { Box, Detection, Detector, RgbImage } from '../../detect/types';
import { type MediaTools } from '../../media/ffmpeg';
import { decodeVideoFrames } from '../../media/images';
import { BYTETRACK_DEFAULTS, ByteTracker } from '../../track/bytetrack';
import { byteTrackerOptions } from '../../track/config';
import { cropImage } from './image';
import type { PlateReader } from './reader';
import { PlateVoter, type VotedRead } from './vote';

export const VEHICLE_LABELS = ['car', 'bus', 'truck', 'motorcycle'] as const;

export interface TrackRead extends VotedRead {
  track: number;
  label: string;
  /** The plate's box in the frame of the best read (source pixels). */
  box: Box;
}

function iou(a: Box, b: Box): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * One detection per vehicle: detectors often report the same vehicle as car, truck and bus at once, and the tracker
 * never matches across labels, so every vehicle class is tracked as 'vehicle' (its own label kept aside).
 */
function vehicles(dets: Detection[]): { det: Detection; label: string }[] {
  const kept: { det: Detection; label: string }[] = [];
  for (const d of [...dets].sort((a, b) => b.score - a.score)) {
    if (kept.some((k) => iou(k.det.box, d.box) > 0.6)) continue;
    kept.push({ det: { ...d, label: 'vehicle' }, label: d.label });
  }
  return kept;
}

/** The vehicle box grown by 10% on each side (plates sit on the edge of a tight box), clipped to the frame. */
function vehicleCrop(img: RgbImage, b: Box): { crop: RgbImage; x: number; y: number } {
  const x = Math.max(0, Math.floor(b[0] - b[2] * 0.1));
  const y = Math.max(0, Math.floor(b[1] - b[3] * 0.1));
  const w = Math.min(img.width - x, Math.ceil(b[2] * 1.2));
  const h = Math.min(img.height - y, Math.ceil(b[3] * 1.2));
  return { crop: cropImage(img, [x, y, w, h]), x, y };
}

export async function* readVideoPlates(
  tools: MediaTools,
  file: string,
  o: { detector: Detector; reader: PlateReader; fps?: number; minVehiclePx?: number },
): AsyncGenerator<TrackRead> {
  // Track from the detector's own reporting threshold: plate reading wants every vehicle it can get.
  const t = (o.detector as Detector & { threshold?: unknown }).threshold;
  const tracker = new ByteTracker(byteTrackerOptions({ minHits: 1 }, typeof t === 'number' ? t : BYTETRACK_DEFAULTS.highThreshold));
  const state = new Map<number, { voter: PlateVoter; labels: Map<string, number>; boxes: Map<number, Box> }>();
  const minPx = o.minVehiclePx ?? 40;
  const finish = function* (id: number, firstMs: number, lastMs: number): Generator<TrackRead> {
    const s = state.get(id);
    state.delete(id);
    const best = s?.voter.best();
    if (!s || !best) return;
    const label = [...s.labels].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'vehicle';
    yield { ...best, firstMs, lastMs, track: id, label, box: s.boxes.get(best.frame) ?? [0, 0, 0, 0] };
  };
  let lastMs = 0;
  for await (const f of decodeVideoFrames(tools, file, { fps: o.fps ?? 5 })) {
    lastMs = f.tMs;
    const found = vehicles(await o.detector.detect(f.image, { classes: VEHICLE_LABELS }));
    const { tracks, events } = tracker.update({ tMs: f.tMs, detections: found.map((v) => v.det) });
    for (const t of tracks) {
      if (t.lastMs !== f.tMs || t.box[2] < minPx || t.box[3] < minPx) continue;
      const seen = found.reduce<{ label: string; iou: number } | null>((best, v) => {
        const i = iou(v.det.box, t.box);
        return i > (best?.iou ?? 0.3) ? { label: v.label, iou: i } : best;
      }, null);
      const { crop, x, y } = vehicleCrop(f.image, t.box);
      const read = (await o.reader.readImage(crop))[0];
      if (!read) continue;
      let s = state.get(t.id);
      if (!s) state.set(t.id, (s = { voter: new PlateVoter(), labels: new Map(), boxes: new Map() }));
      if (seen) s.labels.set(seen.label, (s.labels.get(seen.label) ?? 0) + 1);
      s.voter.add(read, f.tMs, f.frame);
      s.boxes.set(f.frame, [read.box[0] + x, read.box[1] + y, read.box[2], read.box[3]]);
    }
    for (const e of events) if (e.type === 'lost') yield* finish(e.track.id, e.track.firstMs, e.track.lastMs);
  }
  for (const e of tracker.flush(lastMs)) yield* finish(e.track.id, e.track.firstMs, e.track.lastMs);
}
