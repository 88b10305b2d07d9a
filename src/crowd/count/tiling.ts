/**
 * Tiles for person detection in crowds, and the merge of their detections without double counting.
 *
 * A detector sees a 1080p frame shrunk to its input (512 px for the built-in CenterNet: 3.75× smaller), where
 * a distant person of 60 px becomes 16 px — below what the model finds. Square tiles cut at full resolution
 * and overlapping (so a person of up to the overlap's height lies wholly inside at least one tile) bring small
 * people back to a size the model sees. People larger than the overlap can be cut by every tile that holds
 * them: the whole-frame pass sees those whole, and the merge prefers it.
 */
import type { Box, Detection, RgbImage } from '../../detect/types';
import { ValidationError } from '../../core/errors';
import type { RefineOptions } from './refine';

export interface TilingOptions {
  /**
   * 'auto' (default): a whole-frame pass, plus tiles when the frame's longer side is more than 1.5× the
   * detector's input (below that, tiles add little resolution). 'always': whole frame + tiles. 'never': whole
   * frame only (cheapest; fine when people are large in the picture).
   */
  mode?: 'auto' | 'always' | 'never';
  /** Tile side in source pixels (default: 2/3 of the frame height, at least 720; grown until maxTiles suffice: 3×2 tiles of 744 px at 1080p, 2×1 of 720 px at 720p). */
  tileSize?: number;
  /** Overlap between neighbouring tiles as a fraction of the tile (default 0.2). */
  overlap?: number;
  /** Most tiles per frame (default 6); the tile grows when more would be needed. */
  maxTiles?: number;
  /** Scale-adaptive refinement: coarse tiles whose people are small are re-run as 2×2 sub-tiles (refine.ts). */
  refine?: RefineOptions;
}

export interface Tile {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const DEFAULT_OVERLAP = 0.2;
export const DEFAULT_MAX_TILES = 6;
/** Default tile side: at least 720 px (1.4× the 512 px input of the built-in detector), else 2/3 of the frame height. */
const MIN_TILE = 720;

function checkTiling(o: TilingOptions): void {
  if (o.overlap !== undefined && !(o.overlap >= 0 && o.overlap <= 0.5)) throw new ValidationError(`tiling.overlap must be between 0 and 0.5; got ${o.overlap}`);
  if (o.tileSize !== undefined && !(Number.isInteger(o.tileSize) && o.tileSize >= 64)) throw new ValidationError(`tiling.tileSize must be a whole number of pixels ≥ 64; got ${o.tileSize}`);
  if (o.maxTiles !== undefined && !(Number.isInteger(o.maxTiles) && o.maxTiles >= 1)) throw new ValidationError(`tiling.maxTiles must be a whole number ≥ 1; got ${o.maxTiles}`);
}

/** Positions of `n` segments of length `len` spread evenly over [0, total]: first at 0, last ending at total. */
function spread(total: number, len: number, n: number): number[] {
  if (n <= 1) return [0];
  const step = (total - len) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * step));
}

/** The tile grid for a frame; [] when one tile would be the whole frame (nothing to gain). */
export function planTiles(width: number, height: number, o: TilingOptions = {}): Tile[] {
  checkTiling(o);
  const overlap = o.overlap ?? DEFAULT_OVERLAP;
  const maxTiles = o.maxTiles ?? DEFAULT_MAX_TILES;
  let side = o.tileSize ?? Math.max(MIN_TILE, Math.round((height * 2) / 3));
  for (;;) {
    const tw = Math.min(side, width);
    const th = Math.min(side, height);
    const ov = Math.round(side * overlap);
    const nx = tw >= width ? 1 : Math.ceil((width - ov) / (tw - ov));
    const ny = th >= height ? 1 : Math.ceil((height - ov) / (th - ov));
    if (nx * ny <= maxTiles) {
      if (nx * ny === 1) return [];
      const tiles: Tile[] = [];
      for (const y of spread(height, th, ny)) for (const x of spread(width, tw, nx)) tiles.push({ x, y, w: tw, h: th });
      return tiles;
    }
    side += 8; // the smallest tile (in steps of 8 px) that needs no more than maxTiles
  }
}

/** Copies one tile out of the frame (packed RGB). */
export function cutTile(frame: RgbImage, t: Tile): RgbImage {
  const out = new Uint8Array(t.w * t.h * 3);
  const rowBytes = t.w * 3;
  for (let r = 0; r < t.h; r++) {
    const src = ((t.y + r) * frame.width + t.x) * 3;
    out.set(frame.data.subarray(src, src + rowBytes), r * rowBytes);
  }
  return { width: t.w, height: t.h, data: out };
}

/** A person box in frame pixels with where it came from. */
export interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  /** -1: whole-frame pass; else the tile index. */
  tile: number;
  /** Touches an edge of its tile that is inside the frame: the person may continue outside the tile. */
  cut: boolean;
  /** Box height as the model saw it (model input pixels): small people score lower. */
  modelHeight: number;
  /** From a refinement sub-tile (refine.ts). */
  fine?: boolean;
}

/** How close (px) to an inner tile edge a box must end to count as cut by it. */
const EDGE_PX = 3;

/** `inputSide`: the detector's (square) input side; each pass is letterboxed into it. */
export function fromDetections(dets: readonly Detection[], tile: Tile | null, tileIndex: number, frameW: number, frameH: number, inputSide = 512): Candidate[] {
  const scale = inputSide / (tile ? Math.max(tile.w, tile.h) : Math.max(frameW, frameH));
  return dets.map((d) => {
    const ox = tile?.x ?? 0;
    const oy = tile?.y ?? 0;
    const [x, y, w, h] = d.box;
    const c: Candidate = { x1: x + ox, y1: y + oy, x2: x + w + ox, y2: y + h + oy, score: d.score, tile: tileIndex, cut: false, modelHeight: h * scale };
    if (tile) {
      c.cut =
        (tile.x > 0 && c.x1 <= tile.x + EDGE_PX) ||
        (tile.y > 0 && c.y1 <= tile.y + EDGE_PX) ||
        (tile.x + tile.w < frameW && c.x2 >= tile.x + tile.w - EDGE_PX) ||
        (tile.y + tile.h < frameH && c.y2 >= tile.y + tile.h - EDGE_PX);
    }
    return c;
  });
}

const area = (c: Candidate) => Math.max(0, c.x2 - c.x1) * Math.max(0, c.y2 - c.y1);
function inter(a: Candidate, b: Candidate): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  return w > 0 && h > 0 ? w * h : 0;
}
const iou = (a: Candidate, b: Candidate) => {
  const i = inter(a, b);
  return i > 0 ? i / (area(a) + area(b) - i) : 0;
};

export interface MergeOptions {
  /** Boxes of different passes overlapping more than this IoU are one person (default 0.4). */
  iou?: number;
  /** A box of one pass lying this much (of its area) inside a kept box of another pass is that person (default 0.7). */
  containment?: number;
}

/**
 * One box per person from the whole-frame pass and the tiles:
 * 1. whole boxes (whole-frame and uncut tile boxes), best score first: a box is the same person as a kept box
 *    of ANOTHER pass when their IoU is above `iou` or it lies mostly (`containment`) inside it, or it inside
 *    the box (the same person boxed at two scales); boxes of one pass are left to that pass's own NMS;
 * 2. cut boxes (touching an inner tile edge): dropped when mostly inside a kept box (the part of a person
 *    another tile or the whole frame saw whole); cut boxes of different tiles that overlap are pieces of
 *    one person and merge into their union; what remains is a person only tiles saw, counted once.
 */
export function mergeCandidates(cands: readonly Candidate[], o: MergeOptions = {}): Candidate[] {
  const iouT = o.iou ?? 0.4;
  const contT = o.containment ?? 0.7;
  const byScore = [...cands].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const c of byScore) {
    if (c.cut) continue;
    const dup = kept.some((k) => {
      if (k.tile === c.tile) return false; // the same pass already ran its own NMS: two people standing close
      if (iou(k, c) > iouT) return true;
      const small = Math.min(area(k), area(c));
      return small > 0 && inter(k, c) / small > contT;
    });
    if (!dup) kept.push({ ...c });
  }
  const pieces: Candidate[] = [];
  for (const c of byScore) {
    if (!c.cut) continue;
    const a = area(c);
    if (a <= 0) continue;
    if (kept.some((k) => inter(k, c) / a > contT)) continue;
    const same = pieces.find((p) => p.tile !== c.tile && inter(p, c) / Math.min(area(p), a) > 0.3);
    if (same) {
      same.x1 = Math.min(same.x1, c.x1);
      same.y1 = Math.min(same.y1, c.y1);
      same.x2 = Math.max(same.x2, c.x2);
      same.y2 = Math.max(same.y2, c.y2);
      same.score = Math.max(same.score, c.score);
      continue;
    }
    pieces.push({ ...c });
  }
  return [...kept, ...pieces];
}

/** Box [x,y,w,h] of a merged candidate. */
export const toBox = (c: Candidate): Box => [c.x1, c.y1, c.x2 - c.x1, c.y2 - c.y1];
