/**
 * The public types of the events-and-alerts room (src/alerts): stored analytics events, alerts and
 * their notes, and the RuleHit the rules engine hands to the EventSink.
 */
import type { Box } from '../detect/types';
import type { EpochMs } from '../core/time';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Severities at or above `min`. */
export function severitiesFrom(min: Severity): Severity[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(min));
}

export function severityAtLeast(s: string, min: Severity): boolean {
  const i = SEVERITIES.indexOf(s as Severity);
  return i >= 0 && i >= SEVERITIES.indexOf(min);
}

/** One rule hit, as the rules engine produces it (src/rules/types.ts). */
export type { RuleHit } from '../rules/types';

export const EVENT_KINDS = ['track', 'rule'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface AnalyticsEvent {
  id: string;
  cameraId: string;
  owner: string;
  district: string;
  kind: EventKind;
  type: string;
  label: string;
  trackId: number | null;
  ruleId: string | null;
  ruleName: string | null;
  severity: Severity;
  startedAt: EpochMs;
  endedAt: EpochMs | null;
  score: number | null;
  box: Box | null;
  detail: Record<string, unknown>;
  /** A JPEG is stored (GET /api/analytics/events/:id/snapshot). */
  hasSnapshot: boolean;
  jobId: string | null;
  createdAt: EpochMs;
}

export interface EventFilter {
  cameraId?: string;
  fromMs?: EpochMs;
  toMs?: EpochMs;
  kind?: EventKind;
  type?: string;
  label?: string;
  ruleId?: string;
  jobId?: string;
}

export const ALERT_STATES = ['open', 'acknowledged', 'closed'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export interface Alert {
  id: string;
  eventId: string;
  cameraId: string;
  owner: string;
  district: string;
  severity: Severity;
  state: AlertState;
  title: string;
  createdAt: EpochMs;
  acknowledgedBy: string | null;
  acknowledgedAt: EpochMs | null;
  closedBy: string | null;
  closedAt: EpochMs | null;
  updatedAt: EpochMs;
}

export interface AlertNote {
  id: string;
  alertId: string;
  author: string;
  text: string;
  createdAt: EpochMs;
}

export interface AlertFilter {
  state?: AlertState[];
  minSeverity?: Severity;
  cameraId?: string;
  fromMs?: EpochMs;
  toMs?: EpochMs;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
