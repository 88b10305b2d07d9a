import type { Track, TrackEvent } from '../track/types';
import type { Pt } from './geometry';
import { ruleDefinitionSchema, type RuleDefinitionInput } from './model';
import type { EngineRule } from './engine';
import type { FrameSize, RuleHit } from './types';

/** Test helpers: a scripted "tracker" that turns feet positions into Track objects with trails. */
export const FRAME: FrameSize = { width: 1000, height: 500 };

export interface Placement {
  id: number;
  label?: string;
  /** Feet (box bottom-centre), normalised. */
  feet: Pt;
}

export class TrackSim {
  private readonly live = new Map<number, Track>();

  constructor(
    private readonly frame: FrameSize = FRAME,
    private readonly boxPx: { w: number; h: number } = { w: 40, h: 100 },
  ) {}

  /** One frame: tracks at the given feet; ids in `lost` end with a 'lost' event. */
  step(tMs: number, placements: readonly Placement[], lost: readonly number[] = []): { tracks: Track[]; events: TrackEvent[] } {
    const events: TrackEvent[] = [];
    for (const p of placements) {
      const cx = p.feet[0] * this.frame.width;
      const bottom = p.feet[1] * this.frame.height;
      const box: Track['box'] = [cx - this.boxPx.w / 2, bottom - this.boxPx.h, this.boxPx.w, this.boxPx.h];
      let t = this.live.get(p.id);
      if (!t) {
        t = { id: p.id, label: p.label ?? 'person', state: 'confirmed', box, score: 0.9, firstMs: tMs, lastMs: tMs, hits: 0, trail: [] };
        this.live.set(p.id, t);
        events.push({ type: 'appeared', track: t });
      } else events.push({ type: 'updated', track: t });
      t.box = box;
      t.lastMs = tMs;
      t.hits++;
      t.trail.push({ tMs, x: cx, y: bottom - this.boxPx.h / 2 });
      if (t.trail.length > 30) t.trail.shift();
    }
    for (const id of lost) {
      const t = this.live.get(id);
      if (!t) continue;
      t.state = 'lost';
      this.live.delete(id);
      events.push({ type: 'lost', track: t });
    }
    return { tracks: [...this.live.values()].filter((t) => placements.some((p) => p.id === t.id)), events };
  }
}

/** Hits without the track's box and score in their detail (tests compare the rule's own findings). */
export function withoutTrackInfo(hits: readonly RuleHit[]): RuleHit[] {
  return hits.map((h) => {
    const { box: _b, score: _s, ...detail } = h.detail;
    return { ...h, detail: detail as RuleHit['detail'] };
  });
}

/** A parsed rule (defaults filled) with an id, for the engine. */
export function rule(input: RuleDefinitionInput, id = `r-${input.kind}`): EngineRule {
  return { ...ruleDefinitionSchema.parse(input), id };
}

/** Points along a straight walk from `a` to `b` in `n` steps (both ends included). */
export function walk(a: Pt, b: Pt, n: number): Pt[] {
  return Array.from({ length: n }, (_, i) => [a[0] + ((b[0] - a[0]) * i) / (n - 1), a[1] + ((b[1] - a[1]) * i) / (n - 1)] as Pt);
}

/** A square polygon with corners at (x0, y0) and (x1, y1). */
export function box(x0: number, y0: number, x1: number, y1: number): Pt[] {
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
}
