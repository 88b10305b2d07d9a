import { distance, pointInPolygon, type Pt } from '../geometry';
import type { RuleDefinition } from '../model';
import type { KindEvaluator, Observation, StepContext } from '../types';

type LeftBehindRule = Extract<RuleDefinition, { kind: 'left_behind' }>;

/**
 * Object left behind: a (non-person) track inside the polygon whose feet stay within maxMove of where it
 * stopped for stillSec. Moving further restarts the clock; fires once per stop.
 */
export class LeftBehindEvaluator implements KindEvaluator {
  private readonly tracks = new Map<number, { anchor: Pt; sinceMs: number; fired: boolean }>();

  constructor(private readonly rule: LeftBehindRule) {}

  step(ctx: StepContext, obs: readonly Observation[]): void {
    for (const o of obs) {
      if (!pointInPolygon(o.feet, this.rule.polygon)) {
        this.tracks.delete(o.track.id);
        continue;
      }
      let st = this.tracks.get(o.track.id);
      if (!st || distance(st.anchor, o.feet) > this.rule.maxMove) {
        st = { anchor: o.feet, sinceMs: ctx.tMs, fired: false };
        this.tracks.set(o.track.id, st);
      }
      const stillMs = ctx.tMs - st.sinceMs;
      if (!st.fired && ctx.active && stillMs >= this.rule.stillSec * 1000) {
        st.fired = true;
        ctx.emit({ trackId: o.track.id, label: o.track.label, key: `${o.track.id}:left_behind`, detail: { kind: 'left_behind', stillMs } });
      }
    }
  }

  forget(_ctx: StepContext, trackId: number): void {
    this.tracks.delete(trackId);
  }
}
