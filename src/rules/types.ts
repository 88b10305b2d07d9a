import type { Box } from '../detect/types';
import type { EpochMs } from '../core/time';
import type { Track } from '../track/types';
import type { Pt } from './geometry';
import type { RuleKind, Severity } from './model';

/** Pixel size of the frames whose boxes the tracker reports (to normalise them). */
export interface FrameSize {
  width: number;
  height: number;
}

export interface LineCounts {
  in: number;
  out: number;
  byClass: Record<string, { in: number; out: number }>;
}

/** What every hit's detail also carries: the track's box (frame pixels) and score at the hit, for the event's picture. */
export interface HitTrackInfo {
  box?: Box;
  score?: number;
}

export type RuleHitDetail = HitTrackInfo &
  ( { kind: 'zone'; event: 'enter' | 'leave'; count: number; fromOutside?: boolean; lost?: boolean }
  | { kind: 'zone'; event: 'count_above' | 'count_below'; count: number; threshold: number }
  | { kind: 'line'; direction: 'in' | 'out'; counts: LineCounts }
  | { kind: 'loitering'; dwellMs: number }
  | { kind: 'wrong_way'; angleDeg: number; allowedDeg: number; deviationDeg: number }
  | { kind: 'running'; speed: number; unit: 'image/s' | 'm/s' }
  | { kind: 'left_behind'; stillMs: number });

/** One rule firing for one track (a zone's count edges name the track that crossed the threshold). */
export interface RuleHit {
  ruleId: string;
  ruleName: string;
  kind: RuleKind;
  trackId: number;
  label: string;
  severity: Severity;
  /** true: raise an alert; false: only record an event. */
  alert: boolean;
  tMs: EpochMs;
  detail: RuleHitDetail;
}

/** A track as the rules see it this frame: feet (box bottom-centre) and recent feet positions, normalised. */
export interface Observation {
  track: Track;
  feet: Pt;
  /** Feet positions over time, oldest first, ending with now (from the track's trail of centres). */
  path: readonly { tMs: EpochMs; p: Pt }[];
}

export interface Emission {
  trackId: number;
  label: string;
  /** Cooldown key: the same key within a rule's cooldown is not reported again. */
  key: string;
  detail: RuleHitDetail;
}

export interface StepContext {
  tMs: EpochMs;
  /** Inside the rule's schedule: evaluators keep their state either way but only fire (and count) when active. */
  active: boolean;
  emit(e: Emission): void;
}

/** The per-rule state machine of one rule kind. */
export interface KindEvaluator {
  step(ctx: StepContext, obs: readonly Observation[]): void;
  /** The track ended (lost, or unseen for long): drop its state; a zone reports it leaving. */
  forget(ctx: StepContext, trackId: number): void;
}
