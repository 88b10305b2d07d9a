/**
 * Scale-adaptive tiling: the first pass (whole frame + coarse tiles) shows how tall people are in each coarse
 * tile; a tile whose people are small in the model's input (a dense or distant crowd) is run again as 2×2
 * overlapping sub-tiles, each shown to the detector at ~1.7× the coarse tile's scale, so small people reach
 * the size the detector finds. Tiles where people are large keep the single coarse run: extra cost is paid
 * only where people are small, and capped per frame (`maxTiles`). docs/design/crowd-counting.md.
 */
import { ValidationError } from '../../core/errors';
import type { Candidate, Tile } from './tiling';

export interface RefineOptions {
  /**
   * Re-run small-people tiles as sub-tiles (default: on for YOLOX-nano; off for the built-in CenterNet, whose
   * refinement costs more than the 1080p budget on MOT17-02, and for uncalibrated families).
   */
  enabled?: boolean;
  /** Minimum person score in the sub-tiles (default: calibrated per family: 0.28 CenterNet, 0.20 YOLOX-nano; else the coarse threshold). */
  threshold?: number;
  /** A coarse tile is refined when the median height of its people in the model's input is below this (px; default 40). */
  smallBelow?: number;
  /** …and it holds at least this many people at the probe threshold (default 4): no refinement of empty tiles. */
  minPeople?: number;
  /** Most coarse tiles refined per frame (default 2: ≤ 8 extra runs), those with the most small people first. */
  maxTiles?: number;
  /** Score from which a first-pass box counts as a person for the estimate (default 0.15). */
  probeThreshold?: number;
  /** Sub-tile side as a fraction of the coarse tile (default 0.6: 2×2 sub-tiles overlapping by 20 % of the tile). */
  subTile?: number;
  /**
   * A sub-tile is run only when at least this many of the tile's small first-pass people have their centre in
   * it (default 1; 0 = all four): in a perspective view the small people are in one band (far away), and the
   * sub-tiles of the near band would be spent on people the coarse tile already sees.
   */
  subMinPeople?: number;
}

export type ResolvedRefine = Required<Omit<RefineOptions, 'threshold'>>;
export const REFINE_DEFAULTS: ResolvedRefine = { enabled: true, smallBelow: 40, minPeople: 4, maxTiles: 6, probeThreshold: 0.15, subTile: 0.6, subMinPeople: 3 };

export function resolveRefine(o: RefineOptions | undefined): ResolvedRefine {
  const { threshold, ...rest } = o ?? {};
  if (threshold !== undefined && !(threshold > 0 && threshold < 1)) throw new ValidationError(`tiling.refine.threshold must be between 0 and 1; got ${threshold}`);
  const r = { ...REFINE_DEFAULTS, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) } as ResolvedRefine;
  if (!(r.smallBelow > 0)) throw new ValidationError(`tiling.refine.smallBelow must be a positive number of model pixels; got ${r.smallBelow}`);
  if (!(Number.isInteger(r.minPeople) && r.minPeople >= 1)) throw new ValidationError(`tiling.refine.minPeople must be a whole number ≥ 1; got ${r.minPeople}`);
  if (!(Number.isInteger(r.maxTiles) && r.maxTiles >= 0)) throw new ValidationError(`tiling.refine.maxTiles must be a whole number ≥ 0 (0 turns refinement off); got ${r.maxTiles}`);
  if (!(r.probeThreshold > 0 && r.probeThreshold < 1)) throw new ValidationError(`tiling.refine.probeThreshold must be between 0 and 1; got ${r.probeThreshold}`);
  if (!(r.subTile > 0.5 && r.subTile < 1)) throw new ValidationError(`tiling.refine.subTile must be between 0.5 and 1 (a fraction of the coarse tile, so 2×2 sub-tiles overlap); got ${r.subTile}`);
  if (!(Number.isInteger(r.subMinPeople) && r.subMinPeople >= 0)) throw new ValidationError(`tiling.refine.subMinPeople must be a whole number ≥ 0; got ${r.subMinPeople}`);
  return r;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The 2×2 sub-tiles of a coarse tile: squares of `subTile` × its side, at its corners. */
export function subTiles(t: Tile, subTile: number): Tile[] {
  const w = Math.round(t.w * subTile);
  const h = Math.round(t.h * subTile);
  const out: Tile[] = [];
  for (const y of [t.y, t.y + t.h - h]) for (const x of [t.x, t.x + t.w - w]) out.push({ x, y, w, h });
  return out;
}

/** One sub-tile to run: `k` (0..3) is its corner within coarse tile `parent`. */
export interface SubTile {
  parent: number;
  k: number;
  tile: Tile;
}

/**
 * What to refine, from the first pass's candidates (tile index ≥ 0 = coarse tile): coarse tiles with at least
 * `minPeople` uncut boxes at the probe threshold whose median model height is below `smallBelow`, most people
 * first, at most `maxTiles`; of each, the sub-tiles holding at least `subMinPeople` of its small people.
 */
export function planRefinement(tiles: readonly Tile[], cands: readonly Candidate[], o: ResolvedRefine): SubTile[] {
  if (!o.enabled || o.maxTiles === 0) return [];
  const picks: Array<{ parent: number; small: Candidate[] }> = [];
  tiles.forEach((_, i) => {
    const people = cands.filter((c) => c.tile === i && !c.cut && c.score >= o.probeThreshold);
    if (people.length >= o.minPeople && median(people.map((c) => c.modelHeight)) < o.smallBelow) picks.push({ parent: i, small: people.filter((c) => c.modelHeight < o.smallBelow) });
  });
  picks.sort((a, b) => b.small.length - a.small.length || a.parent - b.parent);
  return picks.slice(0, o.maxTiles).flatMap((p) =>
    subTiles(tiles[p.parent]!, o.subTile)
      .map((tile, k) => ({ parent: p.parent, k, tile }))
      .filter((s) => o.subMinPeople === 0 || p.small.filter((c) => inside(s.tile, (c.x1 + c.x2) / 2, (c.y1 + c.y2) / 2)).length >= o.subMinPeople),
  );
}

const inside = (t: Tile, x: number, y: number) => x >= t.x && x < t.x + t.w && y >= t.y && y < t.y + t.h;
