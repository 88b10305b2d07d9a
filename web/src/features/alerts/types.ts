/** Shapes of the alerts and analytics-events API, from the generated OpenAPI types (never hand-written). */
import type { paths } from '../../api/generated/openapi';

type Json200<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

export type Alert = Json200<'/api/alerts', 'get'>['items'][number];
export type AlertWithNotes = Json200<'/api/alerts/{id}', 'get'>;
export type AlertNote = AlertWithNotes['notes'][number];
export type Severity = Alert['severity'];
export type AlertState = Alert['state'];
export type AnalyticsEvent = Json200<'/api/analytics/events', 'get'>['items'][number];
export type CameraEvents = Json200<'/api/cameras/{id}/analytics/events', 'get'>;

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const ALERT_STATES: readonly AlertState[] = ['open', 'acknowledged', 'closed'];

/** The alert list's filters as the page holds them ('' = any). `from`/`to` are HKT datetime-local strings. */
export interface AlertFilterValues {
  state: '' | AlertState | 'active';
  severity: '' | Severity;
  camera: string;
  from: string;
  to: string;
}

export const NO_ALERT_FILTERS: AlertFilterValues = { state: 'active', severity: '', camera: '', from: '', to: '' };

export interface EventFilterValues {
  camera: string;
  kind: '' | 'track' | 'rule';
  type: string;
  label: string;
  jobId: string;
  from: string;
  to: string;
}

export const NO_EVENT_FILTERS: EventFilterValues = { camera: '', kind: '', type: '', label: '', jobId: '', from: '', to: '' };
