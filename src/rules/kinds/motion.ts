import type { GroundCalibration } from '../calibration';
import { angleDiffDeg, distance, headingDeg, pointInPolygon, type Pt } from '../geometry';
import type { RuleDefinition } from '../model';
import type { FrameSize, KindEvaluator, Observation, StepContext } from '../types';

type WrongWayRule = Extract<RuleDefinition, { kind: 'wrong_way' }>;
type RunningRule = Extract<RuleDefinition, { kind: 'running' }>;

/** Direction is judged over the last 3 s of the path: long enough to average out box jitter at 1–5 fps. */
export const DIRECTION_WINDOW_MS = 3000;
/** Speed is measured over the last 2 s, and only once at least 0.5 s of path exists (one-frame jumps are noise). */
export const SPEED_WINDOW_MS = 2000;
export const SPEED_MIN_SPAN_MS = 500;

/** The oldest path point within `windowMs` of now, and now. */
function span(o: Observation, tMs: number, windowMs: number): { from: { tMs: number; p: Pt }; to: { tMs: number; p: Pt } } | null {
  const to = o.path[o.path.length - 1];
  const from = o.path.find((q) => q.tMs >= tMs - windowMs);
  return to && from && from !== to ? { from, to } : null;
}

/** Wrong way: inside the polygon, moving more than toleranceDeg away from the allowed direction (on screen). */
export class WrongWayEvaluator implements KindEvaluator {
  constructor(
    private readonly rule: WrongWayRule,
    private readonly frame: () => FrameSize,
  ) {}

  step(ctx: StepContext, obs: readonly Observation[]): void {
    if (!ctx.active) return;
    const { width, height } = this.frame();
    for (const o of obs) {
      if (!pointInPolygon(o.feet, this.rule.polygon)) continue;
      const s = span(o, ctx.tMs, DIRECTION_WINDOW_MS);
      if (!s || distance(s.from.p, s.to.p) < this.rule.minMove) continue;
      // Angles are judged in pixels (as the arrow was drawn on the picture), not in stretched 0..1 units.
      const angleDeg = headingDeg([s.from.p[0] * width, s.from.p[1] * height], [s.to.p[0] * width, s.to.p[1] * height]);
      const deviationDeg = angleDiffDeg(angleDeg, this.rule.directionDeg);
      if (deviationDeg <= this.rule.toleranceDeg) continue;
      ctx.emit({ trackId: o.track.id, label: o.track.label, key: `${o.track.id}:wrong_way`, detail: { kind: 'wrong_way', angleDeg: round(angleDeg, 1), allowedDeg: this.rule.directionDeg % 360, deviationDeg: round(deviationDeg, 1) } });
    }
  }

  forget(): void {}
}

/**
 * Running: inside the polygon, the feet's displacement over the last seconds divided by the time, in normalised
 * image units per second, or in metres per second through the camera's ground calibration.
 */
export class RunningEvaluator implements KindEvaluator {
  constructor(
    private readonly rule: RunningRule,
    private readonly calibration: GroundCalibration | null,
  ) {}

  step(ctx: StepContext, obs: readonly Observation[]): void {
    if (!ctx.active) return;
    for (const o of obs) {
      if (!pointInPolygon(o.feet, this.rule.polygon)) continue;
      const s = span(o, ctx.tMs, SPEED_WINDOW_MS);
      if (!s || s.to.tMs - s.from.tMs < SPEED_MIN_SPAN_MS) continue;
      const d = this.rule.unit === 'm/s' ? (this.calibration?.distanceM(s.from.p, s.to.p) ?? null) : distance(s.from.p, s.to.p);
      if (d === null) continue;
      const speed = d / ((s.to.tMs - s.from.tMs) / 1000);
      if (speed < this.rule.minSpeed) continue;
      ctx.emit({ trackId: o.track.id, label: o.track.label, key: `${o.track.id}:running`, detail: { kind: 'running', speed: round(speed, 3), unit: this.rule.unit } });
    }
  }

  forget(): void {}
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
