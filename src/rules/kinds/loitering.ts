import { pointInPolygon } from '../geometry';
import type { RuleDefinition } from '../model';
import type { KindEvaluator, Observation, StepContext } from '../types';

type LoiteringRule = Extract<RuleDefinition, { kind: 'loitering' }>;

/** Absences shorter than this (a missed detection, feet jittering over the border) do not restart the dwell. */
export const LOITER_GRACE_MS = 2000;

/** Loitering: a track stays inside the polygon for dwellSec; fires once per visit. */
export class LoiteringEvaluator implements KindEvaluator {
  private readonly tracks = new Map<number, { sinceMs: number; lastInsideMs: number; fired: boolean }>();

  constructor(private readonly rule: LoiteringRule) {}

  step(ctx: StepContext, obs: readonly Observation[]): void {
    for (const o of obs) {
      if (!pointInPolygon(o.feet, this.rule.polygon)) continue;
      let st = this.tracks.get(o.track.id);
      if (!st || ctx.tMs - st.lastInsideMs > LOITER_GRACE_MS) {
        st = { sinceMs: ctx.tMs, lastInsideMs: ctx.tMs, fired: false };
        this.tracks.set(o.track.id, st);
      }
      st.lastInsideMs = ctx.tMs;
      const dwellMs = ctx.tMs - st.sinceMs;
      if (!st.fired && ctx.active && dwellMs >= this.rule.dwellSec * 1000) {
        st.fired = true;
        ctx.emit({ trackId: o.track.id, label: o.track.label, key: `${o.track.id}:loitering`, detail: { kind: 'loitering', dwellMs } });
      }
    }
  }

  forget(_ctx: StepContext, trackId: number): void {
    this.tracks.delete(trackId);
  }
}
