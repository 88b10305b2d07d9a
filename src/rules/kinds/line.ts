import { segmentsIntersect, signedDistance, type Pt } from '../geometry';
import type { RuleDefinition } from '../model';
import type { KindEvaluator, LineCounts, Observation, StepContext } from '../types';

type LineRule = Extract<RuleDefinition, { kind: 'line' }>;

/**
 * Directional line crossing with running in/out counts per class. A track's side changes only when its feet
 * are beyond the hysteresis band on the other side, and a change counts only when the path from the last firm
 * position to the new one crosses the drawn segment (walking around its end does not count). So a box
 * jittering on the line counts nothing, and each real crossing counts once.
 */
export class LineEvaluator implements KindEvaluator {
  private readonly tracks = new Map<number, { side: -1 | 1; anchor: Pt }>();
  private readonly totals: LineCounts = { in: 0, out: 0, byClass: {} };
  private readonly inSign: -1 | 1;

  constructor(private readonly rule: LineRule) {
    // signedDistance < 0 is left of first→second point on screen (y down).
    this.inSign = rule.inSide === 'left' ? -1 : 1;
  }

  step(ctx: StepContext, obs: readonly Observation[]): void {
    const [a, b] = this.rule.line;
    for (const o of obs) {
      const d = signedDistance(a, b, o.feet);
      if (Math.abs(d) <= this.rule.hysteresis) continue; // on the line: keep the last firm side
      const side: -1 | 1 = d < 0 ? -1 : 1;
      const prev = this.tracks.get(o.track.id);
      this.tracks.set(o.track.id, { side, anchor: o.feet });
      if (!prev || prev.side === side || !segmentsIntersect(prev.anchor, o.feet, a, b)) continue;
      if (!ctx.active) continue;
      const direction = side === this.inSign ? 'in' : 'out';
      const perClass = (this.totals.byClass[o.track.label] ??= { in: 0, out: 0 });
      this.totals[direction]++;
      perClass[direction]++;
      ctx.emit({ trackId: o.track.id, label: o.track.label, key: `${o.track.id}:${direction}`, detail: { kind: 'line', direction, counts: this.counts() } });
    }
  }

  forget(_ctx: StepContext, trackId: number): void {
    this.tracks.delete(trackId);
  }

  /** A copy of the running counts since the engine started. */
  counts(): LineCounts {
    return { in: this.totals.in, out: this.totals.out, byClass: Object.fromEntries(Object.entries(this.totals.byClass).map(([k, v]) => [k, { ...v }])) };
  }
}
