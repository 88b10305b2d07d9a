import { ValidationError } from '../core/errors';
import type { EpochMs } from '../core/time';
import type { Track, TrackEvent } from '../track/types';
import { GroundCalibration } from './calibration';
import type { Pt } from './geometry';
import { LeftBehindEvaluator } from './kinds/left-behind';
import { LineEvaluator } from './kinds/line';
import { LoiteringEvaluator } from './kinds/loitering';
import { RunningEvaluator, WrongWayEvaluator } from './kinds/motion';
import { ZoneEvaluator } from './kinds/zone';
import type { AnalyticsSettings, RuleDefinition } from './model';
import { scheduleActive } from './schedule';
import type { Emission, FrameSize, KindEvaluator, LineCounts, Observation, RuleHit, StepContext } from './types';

export type { FrameSize, RuleHit, RuleHitDetail, LineCounts } from './types';

/** A rule as the engine needs it (a stored Rule fits). */
export type EngineRule = RuleDefinition & { id: string };

/** A track unseen for this long without a 'lost' event is forgotten anyway (bounded state). */
export const STALE_TRACK_MS = 60_000;

interface Running {
  rule: EngineRule;
  evaluator: KindEvaluator;
  classes: Set<string> | null;
  /** Cooldown key → last time reported. */
  cooldowns: Map<string, number>;
  /** Tracks this rule holds state for → last seen. */
  seen: Map<number, EpochMs>;
}

/**
 * The rules of one camera over its tracks, frame by frame. Pure: no I/O, no clock (time comes with each
 * frame), so a recorded-footage job and a live camera get the same answers. Zones and lines use the
 * track's feet (box bottom-centre); direction and speed use its trail. Per rule it holds which tracks are
 * inside, the line counters and the cooldowns, and forgets tracks when they are lost.
 */
export class RuleEngine {
  /** Rules that cannot run with these settings, and why (e.g. a speed in m/s without a calibration). */
  readonly inactive: { ruleId: string; reason: string }[] = [];
  private readonly running: Running[] = [];
  private readonly cameraClasses: Set<string> | null;
  private frame: FrameSize;

  constructor(rules: readonly EngineRule[], private readonly settings: AnalyticsSettings, frame: FrameSize) {
    this.frame = checkFrame(frame);
    this.cameraClasses = settings.classes?.length ? new Set(settings.classes) : null;
    const calibration = settings.calibration ? GroundCalibration.fit(settings.calibration.points) : null;
    for (const rule of rules) {
      if (!rule.enabled) continue;
      const evaluator = this.evaluatorFor(rule, calibration);
      if (!evaluator) continue;
      this.running.push({ rule, evaluator, classes: rule.classes.length ? new Set(rule.classes) : null, cooldowns: new Map(), seen: new Map() });
    }
  }

  /** The frames' pixel size changed (e.g. the sampler switched streams); drawings are normalised, so nothing else changes. */
  setFrameSize(frame: FrameSize): void {
    this.frame = checkFrame(frame);
  }

  /** Running in/out counts of a line rule since the engine started (undefined for other rules). */
  lineCounts(ruleId: string): LineCounts | undefined {
    const r = this.running.find((x) => x.rule.id === ruleId);
    return r?.evaluator instanceof LineEvaluator ? r.evaluator.counts() : undefined;
  }

  /**
   * One frame: `tracks` are the tracker's active tracks after it, `events` its lifecycle events (a 'lost'
   * event ends a track's state in every rule). Returns the hits, in rule order.
   */
  evaluate(tMs: EpochMs, tracks: readonly Track[], events: readonly TrackEvent[]): RuleHit[] {
    const hits: RuleHit[] = [];
    if (!this.settings.enabled || this.running.length === 0) return hits;
    const lost = new Set(events.filter((e) => e.type === 'lost').map((e) => e.track.id));
    const observed = tracks.filter((t) => !lost.has(t.id) && t.state !== 'lost' && t.state !== 'removed' && (!this.cameraClasses || this.cameraClasses.has(t.label)));
    const obs = observed.map((t) => this.observe(t, tMs));
    const byId = new Map<number, Track>(events.map((e) => [e.track.id, e.track]));
    for (const t of observed) byId.set(t.id, t);
    for (const r of this.running) {
      const ctx = this.context(r, tMs, hits, byId);
      const mine = obs.filter((o) => this.applies(r, o.track.label));
      for (const o of mine) r.seen.set(o.track.id, tMs);
      r.evaluator.step(ctx, mine);
      for (const [id, last] of r.seen) {
        if (lost.has(id) || tMs - last > STALE_TRACK_MS) this.forget(r, ctx, id);
      }
    }
    return hits;
  }

  private forget(r: Running, ctx: StepContext, trackId: number): void {
    r.evaluator.forget(ctx, trackId);
    r.seen.delete(trackId);
    const prefix = `${trackId}:`;
    for (const key of r.cooldowns.keys()) if (key.startsWith(prefix)) r.cooldowns.delete(key);
  }

  private applies(r: Running, label: string): boolean {
    if (r.rule.kind === 'left_behind' && label === 'person') return false;
    return !r.classes || r.classes.has(label);
  }

  private context(r: Running, tMs: EpochMs, hits: RuleHit[], tracks: ReadonlyMap<number, Track>): StepContext {
    const { rule } = r;
    const cooldownMs = rule.cooldownSec * 1000;
    return {
      tMs,
      active: scheduleActive(rule.schedule, tMs),
      emit: (e: Emission) => {
        const last = r.cooldowns.get(e.key);
        if (last !== undefined && tMs - last < cooldownMs) return;
        r.cooldowns.set(e.key, tMs);
        const t = tracks.get(e.trackId);
        const detail = t ? { ...e.detail, box: [...t.box] as Track['box'], score: t.score } : e.detail;
        hits.push({ ruleId: rule.id, ruleName: rule.name, kind: rule.kind, trackId: e.trackId, label: e.label, severity: rule.severity, alert: rule.alert, tMs, detail });
      },
    };
  }

  private observe(track: Track, tMs: EpochMs): Observation {
    const { width, height } = this.frame;
    const [x, y, w, h] = track.box;
    const feet: Pt = [(x + w / 2) / width, (y + h) / height];
    // The trail holds box centres; half the current box height down approximates the feet at each point.
    const path = track.trail.filter((q) => q.tMs < tMs).map((q) => ({ tMs: q.tMs, p: [q.x / width, (q.y + h / 2) / height] as Pt }));
    path.push({ tMs, p: feet });
    return { track, feet, path };
  }

  private evaluatorFor(rule: EngineRule, calibration: GroundCalibration | null): KindEvaluator | null {
    switch (rule.kind) {
      case 'zone':
        return new ZoneEvaluator(rule);
      case 'line':
        return new LineEvaluator(rule);
      case 'loitering':
        return new LoiteringEvaluator(rule);
      case 'wrong_way':
        return new WrongWayEvaluator(rule, () => this.frame);
      case 'running':
        if (rule.unit === 'm/s' && !calibration) {
          this.inactive.push({ ruleId: rule.id, reason: "its speed is in m/s but the camera has no ground calibration: add one (analytics settings → calibration) or use unit 'image/s'" });
          return null;
        }
        return new RunningEvaluator(rule, calibration);
      case 'left_behind':
        return new LeftBehindEvaluator(rule);
    }
  }
}

function checkFrame(f: FrameSize): FrameSize {
  if (!(f.width > 0 && f.height > 0)) throw new ValidationError(`RuleEngine frame size must be positive pixels, got ${f.width}×${f.height}`, { field: 'frame' });
  return f;
}
