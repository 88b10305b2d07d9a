/** Calls of the alerts and events pages (through the app's one fetch client). */
import { request } from '../../api/client';
import type { Page } from '../../api/types';
import { parseHktLocal } from '../../time/format';
import type { Alert, AlertFilterValues, AlertWithNotes, AnalyticsEvent, CameraEvents, EventFilterValues } from './types';

const at = (hkt: string) => (hkt ? (parseHktLocal(hkt) ?? undefined) : undefined);
const alertPath = (id: string, action = '') => `/api/alerts/${encodeURIComponent(id)}${action}`;

export const alertsApi = {
  list: (f: AlertFilterValues, limit: number, cursor: string | undefined, signal?: AbortSignal) =>
    request<Page<Alert>>('/api/alerts', {
      signal,
      query: {
        state: f.state === 'active' ? 'open,acknowledged' : f.state,
        severity: f.severity,
        camera: f.camera.trim(),
        from: at(f.from),
        to: at(f.to),
        limit,
        cursor,
      },
    }),
  get: (id: string, signal?: AbortSignal) => request<AlertWithNotes>(alertPath(id), { signal }),
  acknowledge: (id: string) => request<AlertWithNotes>(alertPath(id, '/ack'), { method: 'POST', json: {} }),
  addNote: (id: string, text: string) => request<AlertWithNotes>(alertPath(id, '/notes'), { method: 'POST', json: { text } }),
  close: (id: string) => request<AlertWithNotes>(alertPath(id, '/close'), { method: 'POST', json: {} }),

  events: (f: EventFilterValues, limit: number, cursor: string | undefined, signal?: AbortSignal) =>
    request<Page<AnalyticsEvent>>('/api/analytics/events', {
      signal,
      query: { camera: f.camera.trim(), kind: f.kind, type: f.type.trim(), label: f.label.trim(), jobId: f.jobId.trim(), from: at(f.from), to: at(f.to), limit, cursor },
    }),
  event: (id: string, signal?: AbortSignal) => request<AnalyticsEvent>(`/api/analytics/events/${encodeURIComponent(id)}`, { signal }),
  cameraEvents: (cameraId: string, fromMs: number, toMs: number, signal?: AbortSignal) =>
    request<CameraEvents>(`/api/cameras/${encodeURIComponent(cameraId)}/analytics/events`, { signal, query: { from: fromMs, to: toMs } }),
};

/** The event's snapshot URL for an alert (its event id), for <img>. */
export const eventSnapshotUrl = (eventId: string) => `/api/analytics/events/${encodeURIComponent(eventId)}/snapshot`;
