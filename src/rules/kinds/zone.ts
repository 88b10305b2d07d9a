import { distanceToBoundary, pointInPolygon } from '../geometry';
import type { RuleDefinition } from '../model';
import type { KindEvaluator, Observation, StepContext } from '../types';

type ZoneRule = Extract<RuleDefinition, { kind: 'zone' }>;

/**
 * A track inside leaves only once its feet are this far (normalised) outside the border, so a box jittering
 * on the border does not enter and leave over and over.
 */
export const ZONE_HYSTERESIS = 0.01;

/**
 * Polygon zone. presence: enter and leave of every track (a track first seen inside "enters");
 * intrusion: enter only, once per visit (fromOutside tells whether it was seen crossing the border);
 * count: the number of tracks inside rising to the threshold, and falling below it again.
 */
export class ZoneEvaluator implements KindEvaluator {
  private readonly tracks = new Map<number, { inside: boolean; label: string }>();
  private above = false;

  constructor(private readonly rule: ZoneRule) {}

  step(ctx: StepContext, obs: readonly Observation[]): void {
    let lastChange: { id: number; label: string } | undefined;
    for (const o of obs) {
      const prev = this.tracks.get(o.track.id);
      const inside = pointInPolygon(o.feet, this.rule.polygon) || (prev?.inside === true && distanceToBoundary(o.feet, this.rule.polygon) <= ZONE_HYSTERESIS);
      this.tracks.set(o.track.id, { inside, label: o.track.label });
      if (inside === (prev?.inside ?? false)) continue;
      lastChange = { id: o.track.id, label: o.track.label };
      if (!ctx.active) continue;
      if (inside && this.rule.mode !== 'count') {
        const detail = this.rule.mode === 'intrusion' ? { fromOutside: prev !== undefined } : {};
        ctx.emit({ trackId: o.track.id, label: o.track.label, key: `${o.track.id}:enter`, detail: { kind: 'zone', event: 'enter', count: this.count(), ...detail } });
      } else if (!inside && this.rule.mode === 'presence') {
        ctx.emit({ trackId: o.track.id, label: o.track.label, key: `${o.track.id}:leave`, detail: { kind: 'zone', event: 'leave', count: this.count() } });
      }
    }
    if (lastChange) this.edge(ctx, lastChange);
  }

  forget(ctx: StepContext, trackId: number): void {
    const st = this.tracks.get(trackId);
    this.tracks.delete(trackId);
    if (!st?.inside) return;
    if (this.rule.mode === 'presence' && ctx.active) {
      ctx.emit({ trackId, label: st.label, key: `${trackId}:leave`, detail: { kind: 'zone', event: 'leave', count: this.count(), lost: true } });
    }
    this.edge(ctx, { id: trackId, label: st.label });
  }

  /** Tracks inside now. */
  count(): number {
    let n = 0;
    for (const s of this.tracks.values()) if (s.inside) n++;
    return n;
  }

  private edge(ctx: StepContext, by: { id: number; label: string }): void {
    if (this.rule.mode !== 'count' || this.rule.threshold === undefined) return;
    const threshold = this.rule.threshold;
    const count = this.count();
    const above = count >= threshold;
    if (above === this.above) return;
    this.above = above;
    if (!ctx.active) return;
    const event = above ? 'count_above' : 'count_below';
    ctx.emit({ trackId: by.id, label: by.label, key: `zone:${event}`, detail: { kind: 'zone', event, count, threshold } });
  }
}
