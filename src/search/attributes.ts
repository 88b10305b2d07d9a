import type { Box, Detection, RgbImage } from '../detect/types';
import { rgbToHsv } from '../reid/hsv';
import type { Track } from '../track/types';

export const COLOURS = ['black', 'white', 'grey', 'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown'] as const;
export type ColourName = (typeof COLOURS)[number];

/** Things a person carries, as the COCO detector names them; stored as a bit set (bit i = CARRIED_ITEMS[i]). */
export const CARRIED_ITEMS = ['backpack', 'handbag', 'umbrella', 'suitcase'] as const;
export type CarriedItem = (typeof CARRIED_ITEMS)[number];

export const VEHICLE_CLASSES = ['car', 'bus', 'truck', 'motorcycle', 'bicycle'] as const;

/** Where a track went across the picture: image directions (a camera has no compass without calibration). */
export const DIRECTIONS = ['left', 'right', 'towards', 'away', 'stationary'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export function carriedBits(items: readonly CarriedItem[]): number {
  return items.reduce((bits, it) => bits | (1 << CARRIED_ITEMS.indexOf(it)), 0);
}

export function carriedItems(bits: number): CarriedItem[] {
  return CARRIED_ITEMS.filter((_, i) => bits & (1 << i));
}

/**
 * The colour name of one pixel, by HSV thresholds: dark or unsaturated pixels are black/grey/white, the rest
 * named by hue; dark oranges and reds are brown, light unsaturated reds pink. Names, not values, because
 * investigators describe clothes in words ("red top, dark trousers").
 */
export function colourName(r: number, g: number, b: number): ColourName {
  const [h, s, v] = rgbToHsv(r, g, b);
  if (v < 0.2) return 'black';
  if (s < 0.18) return v > 0.8 ? 'white' : v < 0.35 ? 'black' : 'grey';
  if (s < 0.3 && v < 0.45) return 'grey';
  if (h < 15 || h >= 345) return v < 0.45 ? 'brown' : s < 0.45 && v > 0.7 ? 'pink' : 'red';
  if (h < 40) return v < 0.6 ? 'brown' : 'orange';
  if (h < 70) return v < 0.45 ? 'brown' : 'yellow';
  if (h < 165) return 'green';
  if (h < 255) return 'blue';
  if (h < 290) return 'purple';
  return 'pink';
}

/** The most frequent colour name in a band of rows [from, to) (fractions of the height), side margins trimmed. */
export function dominantColour(img: RgbImage, from = 0, to = 1, margin = 0.2): ColourName | null {
  const counts = new Map<ColourName, number>();
  const y0 = Math.floor(img.height * from);
  const y1 = Math.min(img.height, Math.ceil(img.height * to));
  const x0 = Math.floor(img.width * margin);
  const x1 = Math.max(x0 + 1, Math.ceil(img.width * (1 - margin)));
  // Every other pixel is plenty for a colour name and halves the work on large crops.
  for (let y = y0; y < y1; y += 2) {
    for (let x = x0; x < x1 && x < img.width; x += 2) {
      const p = (y * img.width + x) * 3;
      const c = colourName(img.data[p]!, img.data[p + 1]!, img.data[p + 2]!);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  let best: ColourName | null = null;
  let n = 0;
  for (const [c, k] of counts) if (k > n) [best, n] = [c, k];
  return best;
}

/** Image direction and speed (box heights per second, so near and far people compare) from the track's trail. */
export function motionOf(track: Pick<Track, 'trail' | 'box'>): { direction: Direction | null; speed: number | null } {
  const t = track.trail;
  if (t.length < 2) return { direction: null, speed: null };
  const a = t[0]!;
  const b = t[t.length - 1]!;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const h = Math.max(1, track.box[3]);
  const dist = Math.hypot(dx, dy) / h;
  const seconds = (b.tMs - a.tMs) / 1000;
  const speed = seconds > 0 ? Math.round((dist / seconds) * 100) / 100 : null;
  if (dist < 0.5) return { direction: 'stationary', speed };
  const direction: Direction = Math.abs(dx) >= Math.abs(dy) ? (dx > 0 ? 'right' : 'left') : dy > 0 ? 'towards' : 'away';
  return { direction, speed };
}

export interface TrackAttributes {
  upperColour: ColourName | null;
  lowerColour: ColourName | null;
  carried: CarriedItem[];
  /** Needs a ground calibration to mean anything; null until one is wired in (docs/design/forensic-search.md). */
  heightClass: 'short' | 'medium' | 'tall' | null;
  vehicleColour: ColourName | null;
  plate: string | null;
}

/** Attributes of a finished track from its best crop (upper/lower body for people, the body for vehicles). */
export function attributesOf(label: string, crop: RgbImage | undefined, carried: readonly CarriedItem[], plate: string | null = null): TrackAttributes {
  const person = label === 'person';
  return {
    upperColour: person && crop ? dominantColour(crop, 0.15, 0.5) : null,
    lowerColour: person && crop ? dominantColour(crop, 0.5, 0.9) : null,
    carried: person ? [...carried] : [],
    heightClass: null,
    vehicleColour: !person && crop ? dominantColour(crop, 0.2, 0.8, 0.15) : null,
    plate: plate ? normalisePlate(plate) : null,
  };
}

export function normalisePlate(p: string): string {
  return p.toUpperCase().replace(/[\s-]+/g, '');
}

const area = (b: Box) => Math.max(0, b[2]) * Math.max(0, b[3]);
function overlap(a: Box, b: Box): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Carried items from co-detections: per person track, how many frames a backpack/handbag/umbrella/suitcase
 * box lay mostly inside the person's box (widened by a quarter each side: a suitcase is pulled beside
 * the legs). An item counts when seen in at least `minFrames` frames and a fifth of the person's frames,
 * so one passer-by's bag crossing the box does not stick.
 */
export class CarriedObserver {
  private readonly seen = new Map<string, { frames: number; items: Map<CarriedItem, number> }>();

  constructor(private readonly o: { minFrames?: number; maxTracks?: number } = {}) {}

  observe(cameraId: string, tracks: readonly Pick<Track, 'id' | 'label' | 'box'>[], detections: readonly Detection[]): void {
    const items = detections.filter((d) => (CARRIED_ITEMS as readonly string[]).includes(d.label));
    for (const t of tracks) {
      if (t.label !== 'person') continue;
      const key = `${cameraId}\u0000${t.id}`;
      let s = this.seen.get(key);
      if (!s) {
        if (this.seen.size >= (this.o.maxTracks ?? 10_000)) continue; // bounded: tracks never lost (a crashed camera) cannot grow it
        s = { frames: 0, items: new Map() };
        this.seen.set(key, s);
      }
      s.frames++;
      const [x, y, w, h] = t.box;
      const wide: Box = [x - w / 4, y, w * 1.5, h];
      for (const d of items) {
        if (overlap(wide, d.box) >= 0.5 * area(d.box)) s.items.set(d.label as CarriedItem, (s.items.get(d.label as CarriedItem) ?? 0) + 1);
      }
    }
  }

  /** The items of a finished track (and forgets it). */
  take(cameraId: string, trackId: number): CarriedItem[] {
    const key = `${cameraId}\u0000${trackId}`;
    const s = this.seen.get(key);
    this.seen.delete(key);
    if (!s) return [];
    const min = Math.max(this.o.minFrames ?? 2, Math.ceil(s.frames / 5));
    return CARRIED_ITEMS.filter((it) => (s.items.get(it) ?? 0) >= Math.min(min, s.frames));
  }
}
